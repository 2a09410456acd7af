// Package wire holds the pieces of simpipe's binary encodings shared by the
// store's records and the NATS messages: uvarint-based appenders, a CRC-32C
// seal, and a Reader that remembers its first error, so decoders check once
// at the end and never panic on short or bad input.
package wire

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// castagnoli is the CRC-32C table; the CPU computes it at many GB/s.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Seal appends the CRC-32C of b, so that a flipped bit anywhere is detected
// when the bytes are read.
func Seal(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// Unseal checks and strips the checksum Seal appended; ok is false for
// bytes that are too short or fail it.
func Unseal(b []byte) (body []byte, ok bool) {
	if len(b) < 4 {
		return nil, false
	}
	body = b[:len(b)-4]
	return body, crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(b[len(b)-4:])
}

// AppendBytes appends v with its length as a uvarint.
func AppendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// AppendString appends s with its length as a uvarint.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBool appends v as one byte, 0 or 1.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Reader decodes B. After the first failure, every read returns a zero
// value and Err keeps that first failure, wrapping Kind.
type Reader struct {
	B    []byte // what is left to read
	Err  error
	Kind error // the sentinel failures wrap (store.ErrCorrupt, cluster.ErrBadMessage)
}

// Fail records a failure to read what, unless one is recorded already.
func (r *Reader) Fail(what string) {
	if r.Err == nil {
		r.Err = fmt.Errorf("%w: %s", r.Kind, what)
	}
}

// Byte reads one byte.
func (r *Reader) Byte(what string) byte {
	if r.Err != nil || len(r.B) < 1 {
		r.Fail(what)
		return 0
	}
	c := r.B[0]
	r.B = r.B[1:]
	return c
}

// Bool reads a byte that must be 0 or 1.
func (r *Reader) Bool(what string) bool {
	if r.Err == nil && len(r.B) > 0 && r.B[0] > 1 {
		r.Fail(what)
	}
	return r.Byte(what) == 1
}

// Uvarint reads a uvarint.
func (r *Reader) Uvarint(what string) uint64 {
	if r.Err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.B)
	if n <= 0 {
		r.Fail(what)
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Int reads a uvarint of at most max.
func (r *Reader) Int(what string, max uint64) int {
	v := r.Uvarint(what)
	if v > max {
		r.Fail(what + " out of range")
		return 0
	}
	return int(v)
}

// Count reads a list length of at most max and at most the bytes left
// (every item takes at least one).
func (r *Reader) Count(what string, max uint64) int {
	n := r.Uvarint(what)
	if r.Err == nil && (n > max || n > uint64(len(r.B))) {
		r.Fail(what + " out of range")
		return 0
	}
	return int(n)
}

// Next returns the next n bytes without copying.
func (r *Reader) Next(n uint64, what string) []byte {
	if r.Err != nil || uint64(len(r.B)) < n {
		r.Fail(what)
		return nil
	}
	out := r.B[:n]
	r.B = r.B[n:]
	return out
}

// Bytes reads bytes written by AppendBytes, at most max of them, without
// copying.
func (r *Reader) Bytes(what string, max uint64) []byte {
	n := r.Uvarint(what)
	if r.Err == nil && n > max {
		r.Fail(what)
		return nil
	}
	return r.Next(n, what)
}

// String reads a string written by AppendString, at most max bytes long.
func (r *Reader) String(what string, max uint64) string { return string(r.Bytes(what, max)) }

// Done returns the first failure, or one if bytes are left over.
func (r *Reader) Done(what string) error {
	if r.Err == nil && len(r.B) != 0 {
		r.Fail(fmt.Sprintf("%d trailing bytes after %s", len(r.B), what))
	}
	return r.Err
}
