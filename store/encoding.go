package store

import (
	"encoding/binary"
	"fmt"

	"github.com/simpipe/simpipe/internal/wire"
)

// recordVersion is the first byte of every binary record. Decoders refuse
// other values, so a future format change cannot be misread.
const recordVersion = 1

// maxText bounds the error and stack strings a record may hold.
const maxText = 1 << 24

// newReader reads a record body; its failures wrap ErrCorrupt.
func newReader(b []byte) *wire.Reader { return &wire.Reader{B: b, Kind: ErrCorrupt} }

// readVersion reads a record's version byte and refuses any other version.
func readVersion(r *wire.Reader, what string) {
	if v := r.Byte(what); r.Err == nil && v != recordVersion {
		r.Fail(fmt.Sprintf("%s has record version %d, want %d", what, v, recordVersion))
	}
}

// seal appends a CRC-32C to a record, so that a flipped bit anywhere in it
// is detected when it is read.
func seal(b []byte) []byte { return wire.Seal(b) }

// unseal checks and strips the checksum seal appended.
func unseal(b []byte, what string) ([]byte, error) {
	body, ok := wire.Unseal(b)
	switch {
	case len(b) < 4:
		return nil, fmt.Errorf("%w: %s of %d bytes", ErrCorrupt, what, len(b))
	case !ok:
		return nil, fmt.Errorf("%w: %s fails its checksum", ErrCorrupt, what)
	}
	return body, nil
}

// key encodes a job ID as a bucket key; big-endian keeps bbolt's byte order
// equal to numeric order.
func key(id uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id)
}
