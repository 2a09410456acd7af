package store

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// recordVersion is the first byte of every binary record. Decoders refuse
// other values, so a future format change cannot be misread.
const recordVersion = 1

// reader decodes a record, remembering the first error so that callers
// check once at the end. It never panics on short or bad input.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
}

func (r *reader) byte(what string) byte {
	if r.err != nil || len(r.b) < 1 {
		r.fail(what)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
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

// bytes returns the next n bytes without copying.
func (r *reader) bytes(n uint64, what string) []byte {
	if r.err != nil || uint64(len(r.b)) < n {
		r.fail(what)
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) string(what string) string {
	n := r.uvarint(what)
	return string(r.bytes(n, what))
}

func (r *reader) version(what string) {
	if v := r.byte(what); r.err == nil && v != recordVersion {
		r.fail(fmt.Sprintf("%s has record version %d, want %d", what, v, recordVersion))
	}
}

// done returns the first error, or an error if bytes are left over.
func (r *reader) done(what string) error {
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Sprintf("%d trailing bytes after %s", len(r.b), what))
	}
	return r.err
}

// castagnoli is the CRC-32C table; the CPU computes it at many GB/s.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// seal appends the CRC-32C of b, so that a flipped bit anywhere in a stored
// record is detected when it is read.
func seal(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// unseal checks and strips the checksum seal appended.
func unseal(b []byte, what string) ([]byte, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: %s of %d bytes", ErrCorrupt, what, len(b))
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, fmt.Errorf("%w: %s fails its checksum", ErrCorrupt, what)
	}
	return body, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// key encodes a job ID as a bucket key; big-endian keeps bbolt's byte order
// equal to numeric order.
func key(id uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id)
}
