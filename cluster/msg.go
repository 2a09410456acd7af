package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/simpipe/simpipe/internal/wire"
	"github.com/simpipe/simpipe/store"
)

// ProtocolVersion is the version of the job and result messages. Workers
// and coordinators refuse messages of any other version.
const ProtocolVersion = 2

// protocolEnv, when set to a number, makes this process speak that protocol
// version instead (a test hook to fake an incompatible peer).
const protocolEnv = "SIMPIPE_NATS_PROTOCOL"

// protocol returns the protocol version this process speaks.
func protocol() uint64 {
	if v, err := strconv.ParseUint(os.Getenv(protocolEnv), 10, 32); err == nil {
		return v
	}
	return ProtocolVersion
}

// Magic bytes open every message, so that a stray message on our subjects
// is told apart from a message of another protocol version.
var (
	jobMagic    = [2]byte{'S', 'J'}
	resultMagic = [2]byte{'S', 'R'}
)

// Limits a decoder enforces before allocating.
const (
	maxString = 16 << 20
	maxList   = 1 << 20
)

// ErrProtocol is wrapped by decode errors about a message of another
// protocol version.
var ErrProtocol = errors.New("incompatible protocol version")

// ErrBadMessage is wrapped by decode errors about damaged or foreign bytes.
var ErrBadMessage = errors.New("bad message")

// RunSpec is what decides a run's results: everything a worker needs to
// rebuild its games and players, with no shared files.
type RunSpec struct {
	// SimpipeVersion is the coordinator's simpipe version; a worker of
	// another version refuses the job (game rules may differ).
	SimpipeVersion string
	// RunID names the run; results carry it back.
	RunID       string
	Game        string // canonical game spec
	Lineup      string // canonical player lineup
	Models      map[string]string
	Seed        uint64
	MaxActions  int
	MoveBits    int
	RotateSeats bool
	// Retries and GameTimeout are the coordinator's run options.
	Retries     int
	GameTimeout time.Duration
}

// config returns the run's configuration as far as the message carries it:
// what pipeline.Resolve needs to rebuild its game and players.
func (r *RunSpec) config() *store.Config {
	return &store.Config{Game: r.Game, Players: r.Lineup, Seed: r.Seed, MaxActions: r.MaxActions,
		MoveBits: r.MoveBits, RotateSeats: r.RotateSeats, Models: r.Models}
}

// SettingsHash returns a hash of everything in r that decides a run's
// games: simpipe version, run, game, lineup, models, seed, action cap,
// move encoding and seat rotation. Retries and GameTimeout are left out:
// they decide only whether a failing game is tried again, and a resumed
// coordinator may change them.
func (r RunSpec) SettingsHash() [32]byte {
	r.Retries, r.GameTimeout = 0, 0
	return sha256.Sum256(EncodeJobMsg(&JobMsg{Run: r}))
}

// JobMsg is a job as published to workers.
type JobMsg struct {
	Protocol uint64 // set by EncodeJobMsg
	Run      RunSpec
	Job      store.Job
}

// ResultMsg is a job's result as published by a worker.
type ResultMsg struct {
	Protocol uint64 // set by EncodeResultMsg
	RunID    string
	JobID    uint64
	// Settings is the RunSpec.SettingsHash of the job message the worker
	// played: the coordinator refuses a result played with settings other
	// than its run's, which replaying the record by the rules cannot tell
	// (legal games of another seed, lineup or model).
	Settings [32]byte
	// Record is a store results record.
	Record   []byte
	Delta    store.Aggregate
	Failures []store.GameFailure
	Attempts uint32
}

// EncodeJobMsg returns m's bytes:
//
//	'S' 'J' protocol(uvarint) body crc32c(4)
func EncodeJobMsg(m *JobMsg) []byte {
	b := append(jobMagic[:0:0], jobMagic[:]...)
	b = binary.AppendUvarint(b, protocol())
	r := &m.Run
	b = wire.AppendString(b, r.SimpipeVersion)
	b = wire.AppendString(b, r.RunID)
	b = wire.AppendString(b, r.Game)
	b = wire.AppendString(b, r.Lineup)
	refs := make([]string, 0, len(r.Models))
	for ref := range r.Models {
		refs = append(refs, ref)
	}
	slices.Sort(refs)
	b = binary.AppendUvarint(b, uint64(len(refs)))
	for _, ref := range refs {
		b = wire.AppendString(b, ref)
		b = wire.AppendString(b, r.Models[ref])
	}
	b = binary.AppendUvarint(b, r.Seed)
	b = binary.AppendUvarint(b, uint64(r.MaxActions))
	b = binary.AppendUvarint(b, uint64(r.MoveBits))
	b = wire.AppendBool(b, r.RotateSeats)
	b = binary.AppendUvarint(b, uint64(r.Retries))
	b = binary.AppendUvarint(b, uint64(r.GameTimeout))
	j := &m.Job
	b = binary.AppendUvarint(b, j.ID)
	b = binary.AppendUvarint(b, j.First)
	b = binary.AppendUvarint(b, uint64(j.Count))
	b = wire.AppendBool(b, j.Only != nil)
	b = binary.AppendUvarint(b, uint64(len(j.Only)))
	for _, i := range j.Only {
		b = binary.AppendUvarint(b, i)
	}
	return wire.Seal(b)
}

// DecodeJobMsg parses and checks a job message. It returns an error
// wrapping ErrProtocol for another protocol version and ErrBadMessage for
// anything else it cannot read; it never panics.
func DecodeJobMsg(b []byte) (*JobMsg, error) {
	r, ver, err := open(b, jobMagic, "job message")
	if err != nil {
		return nil, err
	}
	m := &JobMsg{Protocol: ver}
	s := &m.Run
	s.SimpipeVersion = r.String("simpipe version", maxString)
	s.RunID = r.String("run ID", maxString)
	s.Game = r.String("game", maxString)
	s.Lineup = r.String("lineup", maxString)
	if n := r.Count("model count", maxList); n > 0 {
		s.Models = make(map[string]string, n)
		for range n {
			ref := r.String("model reference", maxString)
			if _, dup := s.Models[ref]; dup && r.Err == nil {
				r.Fail("duplicate model reference")
			}
			s.Models[ref] = r.String("model", maxString)
		}
	}
	s.Seed = r.Uvarint("seed")
	s.MaxActions = r.Int("max actions", 1<<40)
	s.MoveBits = r.Int("move bits", 64)
	s.RotateSeats = r.Bool("rotate seats")
	s.Retries = r.Int("retries", 1<<20)
	s.GameTimeout = time.Duration(r.Int("game timeout", 1<<62))
	j := &m.Job
	j.ID = r.Uvarint("job ID")
	j.First = r.Uvarint("first game")
	j.Count = uint32(r.Int("game count", 1<<32-1))
	only := r.Bool("only flag")
	n := r.Count("only count", maxList)
	if only {
		j.Only = make([]uint64, 0, n)
	} else if n > 0 && r.Err == nil {
		r.Fail("games listed without the only flag")
	}
	for range n {
		i := r.Uvarint("only game")
		if r.Err == nil && (i < j.First || i-j.First >= uint64(j.Count)) {
			r.Fail("only game outside the job")
		}
		j.Only = append(j.Only, i)
	}
	if r.Err == nil && (s.MoveBits < 1 || s.MoveBits > 64) {
		r.Fail("move bits outside 1..64")
	}
	if err := r.Done("job message"); err != nil {
		return nil, err
	}
	return m, nil
}

// EncodeResultMsg returns m's bytes:
//
//	'S' 'R' protocol(uvarint) body crc32c(4)
func EncodeResultMsg(m *ResultMsg) []byte {
	b := make([]byte, 0, len(m.Record)+128)
	b = append(b, resultMagic[:]...)
	b = binary.AppendUvarint(b, protocol())
	b = wire.AppendString(b, m.RunID)
	b = binary.AppendUvarint(b, m.JobID)
	b = append(b, m.Settings[:]...)
	b = wire.AppendBytes(b, m.Record)
	b = wire.AppendBytes(b, m.Delta.Encode())
	b = binary.AppendUvarint(b, uint64(len(m.Failures)))
	for _, f := range m.Failures {
		b = binary.AppendUvarint(b, f.Index)
		b = binary.AppendUvarint(b, uint64(f.Attempts))
		b = wire.AppendString(b, f.Error)
		b = wire.AppendString(b, f.Stack)
	}
	b = binary.AppendUvarint(b, uint64(m.Attempts))
	return wire.Seal(b)
}

// DecodeResultMsg parses and checks a result message, with the errors of
// DecodeJobMsg. The record is copied out of b.
func DecodeResultMsg(b []byte) (*ResultMsg, error) {
	r, ver, err := open(b, resultMagic, "result message")
	if err != nil {
		return nil, err
	}
	m := &ResultMsg{Protocol: ver}
	m.RunID = r.String("run ID", maxString)
	m.JobID = r.Uvarint("job ID")
	copy(m.Settings[:], r.Next(uint64(len(m.Settings)), "settings hash"))
	m.Record = slices.Clone(r.Bytes("record", maxString))
	agg := r.Bytes("aggregate", maxString)
	n := r.Count("failure count", maxList)
	for range n {
		m.Failures = append(m.Failures, store.GameFailure{
			Index:    r.Uvarint("failed game"),
			Attempts: uint32(r.Int("failed attempts", 1<<32-1)),
			Error:    r.String("error", maxString),
			Stack:    r.String("stack", maxString),
		})
	}
	m.Attempts = uint32(r.Int("attempts", 1<<32-1))
	if err := r.Done("result message"); err != nil {
		return nil, err
	}
	d, err := store.DecodeAggregate(agg)
	if err != nil {
		return nil, fmt.Errorf("%w: result aggregate: %v", ErrBadMessage, err)
	}
	m.Delta = *d
	return m, nil
}

// open checks a message's magic, protocol version and checksum, and
// returns a reader over its body.
func open(b []byte, magic [2]byte, what string) (*wire.Reader, uint64, error) {
	if len(b) < 2 || b[0] != magic[0] || b[1] != magic[1] {
		return nil, 0, fmt.Errorf("%w: not a simpipe %s", ErrBadMessage, what)
	}
	ver, n := binary.Uvarint(b[2:])
	if n <= 0 {
		return nil, 0, fmt.Errorf("%w: %s without a protocol version", ErrBadMessage, what)
	}
	if want := protocol(); ver != want {
		return nil, ver, fmt.Errorf("%w: %s of protocol version %d, this simpipe speaks version %d", ErrProtocol, what, ver, want)
	}
	if len(b) < 2+n+4 {
		return nil, ver, fmt.Errorf("%w: %s of %d bytes", ErrBadMessage, what, len(b))
	}
	body, ok := wire.Unseal(b)
	if !ok {
		return nil, ver, fmt.Errorf("%w: %s fails its checksum", ErrBadMessage, what)
	}
	return &wire.Reader{B: body[2+n:], Kind: ErrBadMessage}, ver, nil
}
