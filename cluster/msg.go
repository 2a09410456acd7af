package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/simpipe/simpipe/store"
)

// ProtocolVersion is the version of the job and result messages. Workers
// and coordinators refuse messages of any other version.
const ProtocolVersion = 1

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

// ModelSource resolves model references from the message.
func (r *RunSpec) ModelSource(ref string) ([]byte, error) {
	m, ok := r.Models[ref]
	if !ok {
		return nil, fmt.Errorf("model %q is not in the job message", ref)
	}
	return []byte(m), nil
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
	b = appendString(b, r.SimpipeVersion)
	b = appendString(b, r.RunID)
	b = appendString(b, r.Game)
	b = appendString(b, r.Lineup)
	refs := make([]string, 0, len(r.Models))
	for ref := range r.Models {
		refs = append(refs, ref)
	}
	slices.Sort(refs)
	b = binary.AppendUvarint(b, uint64(len(refs)))
	for _, ref := range refs {
		b = appendString(b, ref)
		b = appendString(b, r.Models[ref])
	}
	b = binary.AppendUvarint(b, r.Seed)
	b = binary.AppendUvarint(b, uint64(r.MaxActions))
	b = binary.AppendUvarint(b, uint64(r.MoveBits))
	b = appendBool(b, r.RotateSeats)
	b = binary.AppendUvarint(b, uint64(r.Retries))
	b = binary.AppendUvarint(b, uint64(r.GameTimeout))
	j := &m.Job
	b = binary.AppendUvarint(b, j.ID)
	b = binary.AppendUvarint(b, j.First)
	b = binary.AppendUvarint(b, uint64(j.Count))
	b = appendBool(b, j.Only != nil)
	b = binary.AppendUvarint(b, uint64(len(j.Only)))
	for _, i := range j.Only {
		b = binary.AppendUvarint(b, i)
	}
	return seal(b)
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
	s.SimpipeVersion = r.string("simpipe version")
	s.RunID = r.string("run ID")
	s.Game = r.string("game")
	s.Lineup = r.string("lineup")
	if n := r.count("model count"); n > 0 {
		s.Models = make(map[string]string, n)
		for range n {
			ref := r.string("model reference")
			if _, dup := s.Models[ref]; dup && r.err == nil {
				r.fail("duplicate model reference")
			}
			s.Models[ref] = r.string("model")
		}
	}
	s.Seed = r.uvarint("seed")
	s.MaxActions = r.int("max actions", 1<<40)
	s.MoveBits = r.int("move bits", 64)
	s.RotateSeats = r.bool("rotate seats")
	s.Retries = r.int("retries", 1<<20)
	s.GameTimeout = time.Duration(r.int("game timeout", 1<<62))
	j := &m.Job
	j.ID = r.uvarint("job ID")
	j.First = r.uvarint("first game")
	j.Count = uint32(r.int("game count", 1<<32-1))
	only := r.bool("only flag")
	n := r.count("only count")
	if only {
		j.Only = make([]uint64, 0, n)
	} else if n > 0 && r.err == nil {
		r.fail("games listed without the only flag")
	}
	for range n {
		i := r.uvarint("only game")
		if r.err == nil && (i < j.First || i-j.First >= uint64(j.Count)) {
			r.fail("only game outside the job")
		}
		j.Only = append(j.Only, i)
	}
	if r.err == nil && (s.MoveBits < 1 || s.MoveBits > 64) {
		r.fail("move bits outside 1..64")
	}
	if err := r.done("job message"); err != nil {
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
	b = appendString(b, m.RunID)
	b = binary.AppendUvarint(b, m.JobID)
	b = appendBytes(b, m.Record)
	b = appendBytes(b, m.Delta.Encode())
	b = binary.AppendUvarint(b, uint64(len(m.Failures)))
	for _, f := range m.Failures {
		b = binary.AppendUvarint(b, f.Index)
		b = binary.AppendUvarint(b, uint64(f.Attempts))
		b = appendString(b, f.Error)
		b = appendString(b, f.Stack)
	}
	b = binary.AppendUvarint(b, uint64(m.Attempts))
	return seal(b)
}

// DecodeResultMsg parses and checks a result message, with the errors of
// DecodeJobMsg. The record is copied out of b.
func DecodeResultMsg(b []byte) (*ResultMsg, error) {
	r, ver, err := open(b, resultMagic, "result message")
	if err != nil {
		return nil, err
	}
	m := &ResultMsg{Protocol: ver}
	m.RunID = r.string("run ID")
	m.JobID = r.uvarint("job ID")
	m.Record = slices.Clone(r.bytes("record"))
	agg := r.bytes("aggregate")
	n := r.count("failure count")
	for range n {
		m.Failures = append(m.Failures, store.GameFailure{
			Index:    r.uvarint("failed game"),
			Attempts: uint32(r.int("failed attempts", 1<<32-1)),
			Error:    r.string("error"),
			Stack:    r.string("stack"),
		})
	}
	m.Attempts = uint32(r.int("attempts", 1<<32-1))
	if err := r.done("result message"); err != nil {
		return nil, err
	}
	d, err := store.DecodeAggregate(agg)
	if err != nil {
		return nil, fmt.Errorf("%w: result aggregate: %v", ErrBadMessage, err)
	}
	m.Delta = *d
	return m, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func seal(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// open checks a message's magic, protocol version and checksum, and
// returns a reader over its body.
func open(b []byte, magic [2]byte, what string) (*reader, uint64, error) {
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
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, ver, fmt.Errorf("%w: %s fails its checksum", ErrBadMessage, what)
	}
	return &reader{b: body[2+n:]}, ver, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// reader decodes a message body, remembering the first error. It never
// panics on short or bad input.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrBadMessage, what)
	}
}

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// int reads a uvarint of at most max.
func (r *reader) int(what string, max uint64) int {
	v := r.uvarint(what)
	if v > max {
		r.fail(what + " out of range")
		return 0
	}
	return int(v)
}

// count reads a list length, bounded by the bytes left (every item takes
// at least one).
func (r *reader) count(what string) int {
	n := r.uvarint(what)
	if r.err == nil && (n > maxList || n > uint64(len(r.b))) {
		r.fail(what + " out of range")
		return 0
	}
	return int(n)
}

func (r *reader) bool(what string) bool {
	if r.err != nil || len(r.b) < 1 || r.b[0] > 1 {
		r.fail(what)
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

func (r *reader) bytes(what string) []byte {
	n := r.uvarint(what)
	if r.err != nil || n > maxString || n > uint64(len(r.b)) {
		r.fail(what)
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) string(what string) string { return string(r.bytes(what)) }

func (r *reader) done(what string) error {
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Sprintf("%d trailing bytes after %s", len(r.b), what))
	}
	return r.err
}
