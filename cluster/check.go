package cluster

import (
	"fmt"
	"slices"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// resultChecker checks the content of a result against the job it answers
// and the game's rules, so that a result with a valid checksum but
// impossible content (a forged or buggy worker's) never reaches a commit.
// It is used by the coordinator's routing goroutine only.
type resultChecker struct {
	g          game.Game
	maxActions int
	moveBits   int
	st         game.State
	legal      []game.Move
}

// check returns why r's record, aggregate and failures cannot be the
// result of job j: a record of other games, an aggregate that is not the
// record's, failures that are not its failed games, or a game that the
// rules do not allow (an illegal move, a winner who did not win, a game
// that ends early or runs past the action cap). It replays every stored
// game's moves, which costs a fraction of playing them.
func (rc *resultChecker) check(j store.Job, rm *ResultMsg) error {
	chunk, err := store.DecodeChunk(rm.Record)
	if err != nil {
		return err
	}
	games := uint64(j.Count)
	if j.Only != nil {
		games = uint64(len(j.Only))
	}
	if chunk.First != j.First || uint64(len(chunk.Raw)) != games || chunk.MoveBits != rc.moveBits {
		return fmt.Errorf("record of games %d+%d does not match job %d (games %d+%d)", chunk.First, len(chunk.Raw), j.ID, j.First, games)
	}
	var agg store.Aggregate
	var failed []uint64
	for i := range chunk.Len() {
		index := j.First + uint64(i)
		if j.Only != nil {
			index = j.Only[i]
		}
		e, err := store.DecodeEntry(chunk.Raw[i], chunk.MoveBits)
		if err != nil {
			return fmt.Errorf("game %d: %v", index, err)
		}
		agg.AddGame(e)
		if e.Status == store.Failed {
			failed = append(failed, index)
			continue
		}
		if err := rc.replay(&e); err != nil {
			return fmt.Errorf("game %d: %v", index, err)
		}
	}
	if rm.Delta != agg {
		return fmt.Errorf("aggregate does not match the record of job %d", j.ID)
	}
	got := make([]uint64, len(rm.Failures))
	for i, f := range rm.Failures {
		got[i] = f.Index
	}
	slices.Sort(got)
	if !slices.Equal(got, failed) {
		return fmt.Errorf("failures %v do not match the failed games %v of job %d", got, failed, j.ID)
	}
	return nil
}

// replay plays e's moves from the initial position and checks that each is
// legal and that the game ends as e says.
func (rc *resultChecker) replay(e *store.GameEntry) error {
	if rc.st == nil {
		rc.st = rc.g.NewState()
	} else {
		rc.st.Reset()
	}
	if all := game.Seats(1<<rc.g.Players() - 1); e.Winners&^all != 0 {
		return fmt.Errorf("winners %s in a game of %d seats", e.Winners, rc.g.Players())
	}
	for ply, m := range e.Moves {
		rc.legal = rc.st.Legal(rc.legal[:0])
		if !slices.Contains(rc.legal, m) {
			return fmt.Errorf("move %d (code %d) is not legal", ply+1, m)
		}
		rc.st.Apply(m)
	}
	switch e.Status {
	case store.Completed:
		if !rc.st.Terminal() {
			return fmt.Errorf("recorded as completed after %d moves, but the game is not over", len(e.Moves))
		}
		if w := rc.st.Winners(); w != e.Winners {
			return fmt.Errorf("recorded winners %s, the rules say %s", e.Winners, w)
		}
	case store.Incomplete:
		if rc.maxActions <= 0 || len(e.Moves) != rc.maxActions || rc.st.Terminal() {
			return fmt.Errorf("recorded as incomplete after %d moves (action cap %d)", len(e.Moves), rc.maxActions)
		}
		if e.Winners != 0 {
			return fmt.Errorf("incomplete game with winners %s", e.Winners)
		}
	}
	return nil
}
