package store

import (
	"encoding/binary"
	"fmt"

	"github.com/simpipe/simpipe/internal/wire"
)

// JobState is the lifecycle state of a job.
type JobState uint8

const (
	// Pending jobs have games still to play.
	Pending JobState = iota
	// Done jobs have a result for every game.
	Done
	// FailedJob jobs have at least one game that failed on every attempt;
	// their other games are done and counted.
	FailedJob
	// InFlight is never stored: it is the live state of a pending job that
	// a running process is playing. After a crash such jobs are pending.
	InFlight
)

// JobStates lists the states in display order.
var JobStates = []JobState{Pending, InFlight, Done, FailedJob}

func (s JobState) String() string {
	switch s {
	case Pending:
		return "pending"
	case Done:
		return "done"
	case FailedJob:
		return "failed"
	case InFlight:
		return "in_flight"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// GameFailure records why one game failed.
type GameFailure struct {
	Index    uint64
	Attempts uint32
	Error    string
	Stack    string
}

// JobRecord is the stored state of one job: a chunk of Count games starting
// at game First.
type JobRecord struct {
	First    uint64
	Count    uint32
	State    JobState
	Attempts uint32 // the most attempts any of its games needed
	// Failures lists the games that failed on every attempt. A job that is
	// pending with failures has been reissued: only those games are played.
	Failures []GameFailure
}

// Encode returns the record's binary form.
func (j *JobRecord) Encode() []byte {
	b := []byte{recordVersion}
	b = binary.AppendUvarint(b, j.First)
	b = binary.AppendUvarint(b, uint64(j.Count))
	b = append(b, byte(j.State))
	b = binary.AppendUvarint(b, uint64(j.Attempts))
	b = binary.AppendUvarint(b, uint64(len(j.Failures)))
	for _, f := range j.Failures {
		b = binary.AppendUvarint(b, f.Index)
		b = binary.AppendUvarint(b, uint64(f.Attempts))
		b = wire.AppendString(b, f.Error)
		b = wire.AppendString(b, f.Stack)
	}
	return seal(b)
}

// DecodeJob checks a job record's checksum and parses it.
func DecodeJob(b []byte) (*JobRecord, error) {
	body, err := unseal(b, "job record")
	if err != nil {
		return nil, err
	}
	return decodeJobBody(body)
}

func decodeJobBody(b []byte) (*JobRecord, error) {
	r := newReader(b)
	readVersion(r, "job record")
	j := &JobRecord{
		First:    r.Uvarint("first game"),
		Count:    uint32(r.Uvarint("game count")),
		State:    JobState(r.Byte("state")),
		Attempts: uint32(r.Uvarint("attempts")),
	}
	if r.Err == nil && j.State != Pending && j.State != Done && j.State != FailedJob {
		r.Fail(fmt.Sprintf("job state %d", j.State))
	}
	n := r.Uvarint("failure count")
	if r.Err == nil && n > uint64(j.Count) {
		r.Fail("failure count exceeds game count")
	}
	for i := uint64(0); i < n && r.Err == nil; i++ {
		j.Failures = append(j.Failures, GameFailure{
			Index:    r.Uvarint("failed game"),
			Attempts: uint32(r.Uvarint("failed attempts")),
			Error:    r.String("error", maxText),
			Stack:    r.String("stack", maxText),
		})
	}
	if err := r.Done("job record"); err != nil {
		return nil, err
	}
	return j, nil
}
