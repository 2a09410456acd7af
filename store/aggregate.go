package store

import (
	"encoding/binary"
	"fmt"

	"github.com/simpipe/simpipe/game"
)

// Aggregate is the running summary of a run's results. It is updated in the
// same transaction as the results it counts.
type Aggregate struct {
	GamesDone  uint64 // completed or incomplete games with a stored result
	Incomplete uint64 // games that hit the max-actions cap
	Draws      uint64 // completed games without a winner
	Failed     uint64 // games that failed on every attempt
	WinsBySeat [game.MaxPlayers]uint64
	// Length statistics over GamesDone, in actions.
	LengthSum, LengthMin, LengthMax uint64
	JobsDone, JobsFailed            uint64
}

// Finished returns the number of games with a stored result: done (completed
// or incomplete) or failed.
func (a *Aggregate) Finished() uint64 { return a.GamesDone + a.Failed }

// AddGame counts one game's entry.
func (a *Aggregate) AddGame(g GameEntry) {
	if g.Status == Failed {
		a.Failed++
		return
	}
	a.addLength(uint64(len(g.Moves)))
	a.GamesDone++
	switch {
	case g.Status == Incomplete:
		a.Incomplete++
	case g.Winners == 0:
		a.Draws++
	default:
		for s := 0; s < game.MaxPlayers; s++ {
			if g.Winners.Has(s) {
				a.WinsBySeat[s]++
			}
		}
	}
}

func (a *Aggregate) addLength(n uint64) {
	if a.GamesDone == 0 || n < a.LengthMin {
		a.LengthMin = n
	}
	a.LengthMax = max(a.LengthMax, n)
	a.LengthSum += n
}

// Merge adds the counts of b, computed over other games.
func (a *Aggregate) Merge(b *Aggregate) {
	if b.GamesDone > 0 {
		if a.GamesDone == 0 || b.LengthMin < a.LengthMin {
			a.LengthMin = b.LengthMin
		}
		a.LengthMax = max(a.LengthMax, b.LengthMax)
	}
	a.GamesDone += b.GamesDone
	a.Incomplete += b.Incomplete
	a.Draws += b.Draws
	a.Failed += b.Failed
	for i := range a.WinsBySeat {
		a.WinsBySeat[i] += b.WinsBySeat[i]
	}
	a.LengthSum += b.LengthSum
	a.JobsDone += b.JobsDone
	a.JobsFailed += b.JobsFailed
}

func (a *Aggregate) fields() []*uint64 {
	f := []*uint64{&a.GamesDone, &a.Incomplete, &a.Draws, &a.Failed,
		&a.LengthSum, &a.LengthMin, &a.LengthMax, &a.JobsDone, &a.JobsFailed}
	for i := range a.WinsBySeat {
		f = append(f, &a.WinsBySeat[i])
	}
	return f
}

// Encode returns the aggregate's binary form.
func (a *Aggregate) Encode() []byte {
	f := a.fields()
	b := []byte{recordVersion, byte(len(f))}
	for _, p := range f {
		b = binary.AppendUvarint(b, *p)
	}
	return seal(b)
}

// DecodeAggregate checks an aggregate record's checksum and parses it.
func DecodeAggregate(b []byte) (*Aggregate, error) {
	body, err := unseal(b, "aggregate")
	if err != nil {
		return nil, err
	}
	return decodeAggregateBody(body)
}

func decodeAggregateBody(b []byte) (*Aggregate, error) {
	r := newReader(b)
	readVersion(r, "aggregate")
	a := &Aggregate{}
	f := a.fields()
	if n := int(r.Byte("field count")); r.Err == nil && n != len(f) {
		r.Fail(fmt.Sprintf("aggregate has %d fields, want %d", n, len(f)))
	}
	for _, p := range f {
		*p = r.Uvarint("aggregate field")
	}
	if err := r.Done("aggregate"); err != nil {
		return nil, err
	}
	return a, nil
}
