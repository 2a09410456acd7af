package store

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
)

// compactTxMaxSize bounds the key and value bytes copied per transaction
// while compacting, and so the memory a compaction holds.
const compactTxMaxSize = 16 << 20

// CompactTo writes a compacted copy of the DB to a new file at path: every
// bucket, key, value and bucket sequence, with pages filled and free pages
// dropped. The copy is fsynced before CompactTo returns; the directory
// entry is not (the caller renames the file and syncs the directory).
// path must not exist. The DB itself is only read, in one read
// transaction, so writers are not blocked but the copy reflects the state
// when CompactTo started.
func (db *DB) CompactTo(path string) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(db.path); err == nil {
		mode = fi.Mode().Perm()
	}
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "compact", Path: path, Err: fs.ErrExist}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dst, err := bolt.Open(path, mode, &bolt.Options{
		Timeout:      DefaultTimeout,
		FreelistType: bolt.FreelistMapType,
		// One fsync at the end instead of one per transaction.
		NoSync: true,
	})
	if err != nil {
		return fmt.Errorf("compact: create %s: %w", path, err)
	}
	defer func() {
		if cerr := dst.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("compact: close %s: %w", path, cerr)
		}
	}()
	if err := bolt.Compact(dst, db.bolt, compactTxMaxSize); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := dst.Sync(); err != nil {
		return fmt.Errorf("compact: sync %s: %w", path, err)
	}
	return nil
}

// ContentHash returns a SHA-256 over the DB's logical content: every
// bucket's path and sequence and every key and value, in byte order. Two
// DBs with equal content hash equal whatever their page layout, so it
// compares a compacted copy with its source.
func (db *DB) ContentHash() ([32]byte, error) {
	h := sha256.New()
	err := db.read(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return hashBucket(h, 0, name, b)
		})
	})
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, err
}

// hashBucket feeds bucket b, called name at nesting depth, to h. Every
// field is length-prefixed and tagged, so that distinct contents cannot
// produce the same byte stream.
func hashBucket(h hash.Hash, depth int, name []byte, b *bolt.Bucket) error {
	field := func(tag byte, p []byte) {
		var hdr [1 + 2*binary.MaxVarintLen64]byte
		hdr[0] = tag
		n := 1 + binary.PutUvarint(hdr[1:], uint64(depth))
		n += binary.PutUvarint(hdr[n:], uint64(len(p)))
		h.Write(hdr[:n])
		h.Write(p)
	}
	field('b', name)
	field('s', binary.BigEndian.AppendUint64(nil, b.Sequence()))
	err := b.ForEach(func(k, v []byte) error {
		if v == nil { // a nested bucket
			return hashBucket(h, depth+1, k, b.Bucket(k))
		}
		field('k', k)
		field('v', v)
		return nil
	})
	field('e', nil)
	return err
}

// Space returns how many bytes the DB's pages span (at most the file size,
// which bbolt grows ahead in large steps) and how many of those are free
// pages, reusable by later commits and dropped by CompactTo. The free count
// is 0 for a DB opened read-only (it does not load the freelist).
func (db *DB) Space() (used, free int64) {
	_ = db.read(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	st := db.bolt.Stats()
	free = int64(st.FreePageN+st.PendingPageN) * int64(db.bolt.Info().PageSize)
	return used, free
}
