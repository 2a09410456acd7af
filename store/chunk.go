package store

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/simpipe/simpipe/game"
)

// Status is how one game of a job ended.
type Status uint8

const (
	// Completed games reached a terminal state.
	Completed Status = iota
	// Incomplete games hit the max-actions cap; they have moves but no
	// winners.
	Incomplete
	// Failed games panicked (or otherwise failed) on every attempt; they
	// have no moves. The error is in the JobRecord.
	Failed
)

func (s Status) String() string {
	switch s {
	case Completed:
		return "completed"
	case Incomplete:
		return "incomplete"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// GameEntry is one game's stored result.
type GameEntry struct {
	Status  Status
	Winners game.Seats
	Moves   []game.Move
}

// ChunkEncoder builds the results record of one job:
//
//	version(1) moveBits(1) first(uvarint) count(uvarint) entry...
//	entry: status(1) [winners(1) moves(uvarint) packed-moves]
//
// Moves are packed little-endian, moveBits bits each, padded to a byte per
// game. Each entry is canonical, so its bytes feed the results digest
// directly. The zero value is not usable; call Reset.
type ChunkEncoder struct {
	first    uint64
	count    uint64
	moveBits uint8
	entries  []byte
}

// Reset starts a record for games first, first+1, ... with moves of
// moveBits bits (1 to 64).
func (e *ChunkEncoder) Reset(first uint64, moveBits int) {
	if moveBits < 1 || moveBits > 64 {
		panic(fmt.Sprintf("store: moveBits %d outside 1..64", moveBits))
	}
	e.first, e.count, e.moveBits, e.entries = first, 0, uint8(moveBits), e.entries[:0]
}

// Add appends the next game.
func (e *ChunkEncoder) Add(g GameEntry) {
	e.count++
	e.entries = appendEntry(e.entries, g, e.moveBits)
}

func appendEntry(b []byte, g GameEntry, bits uint8) []byte {
	b = append(b, byte(g.Status))
	if g.Status == Failed {
		return b
	}
	b = append(b, byte(g.Winners))
	b = binary.AppendUvarint(b, uint64(len(g.Moves)))
	need := (len(g.Moves)*int(bits) + 7) / 8
	start := len(b)
	b = slices.Grow(b, need+8)[:start+need+8] // 8 bytes of slack for word writes
	out := b[start:]
	mask := ^uint64(0) >> (64 - bits)
	var acc uint64 // pending bits, LSB first
	var n uint8    // number of pending bits
	w := 0
	moves := g.Moves
	if bits <= 8 {
		// Eight moves make at most 64 bits: pack them with independent
		// shifts, then append the group as one unit.
		group := 8 * bits
		for ; len(moves) >= 8; moves = moves[8:] {
			x := uint64(moves[0])&mask | (uint64(moves[1])&mask)<<bits |
				(uint64(moves[2])&mask)<<(2*bits) | (uint64(moves[3])&mask)<<(3*bits) |
				(uint64(moves[4])&mask)<<(4*bits) | (uint64(moves[5])&mask)<<(5*bits) |
				(uint64(moves[6])&mask)<<(6*bits) | (uint64(moves[7])&mask)<<(7*bits)
			acc |= x << n
			n += group
			if n >= 64 {
				binary.LittleEndian.PutUint64(out[w:], acc)
				w += 8
				n -= 64
				acc = x >> (group - n) // 0 when n == 0 (a shift by 64)
			}
		}
	}
	for _, m := range moves {
		v := uint64(m) & mask
		acc |= v << n
		n += bits
		if n >= 64 {
			binary.LittleEndian.PutUint64(out[w:], acc)
			w += 8
			n -= 64
			acc = v >> (bits - n) // the bits of v that did not fit; 0 when n == 0
		}
	}
	binary.LittleEndian.PutUint64(out[w:], acc)
	return b[:start+need]
}

// Bytes returns the finished record (a new slice).
func (e *ChunkEncoder) Bytes() []byte {
	return e.AppendRecord(make([]byte, 0, len(e.entries)+28))
}

// AppendRecord appends the finished record to dst, so that callers can
// reuse buffers.
func (e *ChunkEncoder) AppendRecord(dst []byte) []byte {
	b := append(dst, recordVersion, e.moveBits)
	b = binary.AppendUvarint(b, e.first)
	b = binary.AppendUvarint(b, e.count)
	return seal(append(b, e.entries...))
}

// Chunk is a decoded results record. Entries alias the record's bytes.
type Chunk struct {
	First    uint64
	MoveBits int
	// Raw holds each game's canonical entry bytes, in index order.
	Raw [][]byte
}

// DecodeChunk checks a results record's checksum, then parses and
// validates it.
func DecodeChunk(b []byte) (*Chunk, error) {
	body, err := unseal(b, "results record")
	if err != nil {
		return nil, err
	}
	return decodeChunkBody(body)
}

func decodeChunkBody(b []byte) (*Chunk, error) {
	r := newReader(b)
	readVersion(r, "results record")
	bits := int(r.Byte("move width"))
	first := r.Uvarint("first game")
	count := r.Uvarint("game count")
	if r.Err == nil && (bits < 1 || bits > 64) {
		r.Fail(fmt.Sprintf("move width %d", bits))
	}
	if r.Err == nil && count > uint64(len(r.B)) {
		r.Fail(fmt.Sprintf("%d games in %d bytes", count, len(r.B)))
	}
	if r.Err != nil {
		return nil, r.Err
	}
	c := &Chunk{First: first, MoveBits: bits, Raw: make([][]byte, 0, count)}
	for i := uint64(0); i < count; i++ {
		start := r.B
		status := Status(r.Byte("status"))
		switch status {
		case Failed:
		case Completed, Incomplete:
			r.Byte("winners")
			n := r.Uvarint("move count")
			if n > uint64(len(r.B))*8 {
				r.Fail("move count")
			}
			r.Next((n*uint64(bits)+7)/8, "moves")
		default:
			r.Fail(fmt.Sprintf("game status %d", status))
		}
		if r.Err != nil {
			return nil, fmt.Errorf("game %d: %w", first+i, r.Err)
		}
		c.Raw = append(c.Raw, start[:len(start)-len(r.B)])
	}
	if err := r.Done("results record"); err != nil {
		return nil, err
	}
	return c, nil
}

// Len returns the number of games in the chunk.
func (c *Chunk) Len() int { return len(c.Raw) }

// Status returns how game i of the chunk ended.
func (c *Chunk) Status(i int) Status { return Status(c.Raw[i][0]) }

// Winners returns the winners of game i of the chunk: none for a draw, an
// incomplete or a failed game.
func (c *Chunk) Winners(i int) game.Seats {
	if c.Status(i) == Failed {
		return 0
	}
	return game.Seats(c.Raw[i][1])
}

// ResultFor returns game i's result for seat by the rule of
// game.Seats.ResultFor (an incomplete game is a draw). A failed game has no
// result; callers skip it.
func (c *Chunk) ResultFor(i, seat int) game.Result { return c.Winners(i).ResultFor(seat) }

// Length returns the number of actions of game i of the chunk (0 for a
// failed game), read from the entry's header without unpacking its moves.
func (c *Chunk) Length(i int) uint64 {
	if c.Status(i) == Failed {
		return 0
	}
	n, _ := binary.Uvarint(c.Raw[i][2:]) // DecodeChunk validated the entry
	return n
}

// Entry decodes game i of the chunk.
func (c *Chunk) Entry(i int) GameEntry {
	g, _ := DecodeEntry(c.Raw[i], c.MoveBits)
	return g
}

// DecodeEntry decodes one entry encoded with moveBits-bit moves.
func DecodeEntry(raw []byte, moveBits int) (GameEntry, error) {
	r := newReader(raw)
	g := GameEntry{Status: Status(r.Byte("status"))}
	if g.Status == Failed || r.Err != nil {
		return g, r.Done("entry")
	}
	g.Winners = game.Seats(r.Byte("winners"))
	n := r.Uvarint("move count")
	if r.Err == nil && n > uint64(len(r.B))*8 {
		r.Fail("move count")
	}
	packed := r.Next((n*uint64(moveBits)+7)/8, "moves")
	if err := r.Done("entry"); err != nil {
		return GameEntry{}, err
	}
	g.Moves = make([]game.Move, n)
	bitPos := 0
	for i := range g.Moves {
		var v uint64
		for k := 0; k < moveBits; k++ {
			if packed[bitPos/8]&(1<<(bitPos%8)) != 0 {
				v |= 1 << k
			}
			bitPos++
		}
		g.Moves[i] = game.Move(v)
	}
	return g, nil
}
