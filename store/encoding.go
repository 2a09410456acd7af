package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/simpipe/simpipe/internal/wire"
	bolt "go.etcd.io/bbolt"
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

// sealValue seals a run config, a progress point or a kv value (schema 2):
// recordVersion, the value and a CRC-32C.
func sealValue(v []byte) []byte {
	return seal(append([]byte{recordVersion}, v...))
}

// openValue checks and strips sealValue's seal from a value read in tx. In
// a DB of schema 1, which stored these values bare, it returns v as it is.
func openValue(tx *bolt.Tx, v []byte, what string) ([]byte, error) {
	if schemaOf(tx) < 2 {
		return v, nil
	}
	body, err := unseal(v, what)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 || body[0] != recordVersion {
		return nil, fmt.Errorf("%w: %s has no record version %d", ErrCorrupt, what, recordVersion)
	}
	return body[1:], nil
}

// schemaOf returns the schema version of the DB tx reads; SchemaVersion for
// a DB without one yet (new: what it writes will be of this version).
func schemaOf(tx *bolt.Tx) uint32 {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return SchemaVersion
	}
	if v := meta.Get(keySchema); len(v) == 4 {
		return binary.BigEndian.Uint32(v)
	}
	return SchemaVersion
}

// upgradeSchema brings a DB of schema 1 to SchemaVersion within tx: it seals
// every run config, progress point and kv value, then records the new
// version. A DB already of this version is left alone.
func upgradeSchema(tx *bolt.Tx) error {
	if schemaOf(tx) >= SchemaVersion {
		return nil
	}
	resealAll := func(b *bolt.Bucket) error {
		if b == nil {
			return nil
		}
		var keys, vals [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if v != nil { // not a nested bucket
				keys, vals = append(keys, bytes.Clone(k)), append(vals, sealValue(v))
			}
			return nil
		})
		for i := range keys {
			if err == nil {
				err = b.Put(keys[i], vals[i])
			}
		}
		return err
	}
	if err := resealAll(tx.Bucket(bucketKV)); err != nil {
		return err
	}
	if stages := tx.Bucket(bucketStages); stages != nil {
		err := stages.ForEachBucket(func(name []byte) error {
			root := stages.Bucket(name)
			if meta := root.Bucket(bucketMeta); meta != nil {
				if v := meta.Get(keyConfig); v != nil {
					if err := meta.Put(keyConfig, sealValue(v)); err != nil {
						return err
					}
				}
			}
			return resealAll(root.Bucket(bucketProgress))
		})
		if err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, SchemaVersion))
}
