package store

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/simpipe/simpipe/internal/atomicfile"
	bolt "go.etcd.io/bbolt"
)

// CompactTmpSuffix names the temporary copy beside a DB that Compact writes
// and then renames over it.
const CompactTmpSuffix = ".compact.tmp"

// CompactStats describes what Compact did.
type CompactStats struct {
	FileBefore, FileAfter int64 // file sizes in bytes
	UsedBefore, UsedAfter int64 // bytes the pages span (see Space)
	Free                  int64 // bytes of free pages dropped
	// Recovery is set when Open found a damaged meta page and used the
	// last good commit (see DB.Recovery).
	Recovery *MetaRecovery
}

// Compact rewrites the DB at path without its free pages, verified before
// it is used: the copy must hold the same stages, each passing Verify with
// the same results digest, and the same content key by key (ContentHash).
// A copy that fails is removed and the error wraps ErrCompactRejected; path
// is unchanged.
//
// With out empty, the copy is written beside path (path+CompactTmpSuffix,
// a leftover of a compaction that died is replaced) and renamed over it;
// otherwise it is written to out, which must not exist (an error wrapping
// fs.ErrExist), and path is left as it is. Either way the directory is
// fsynced before Compact returns.
//
// Compact opens path for writing although it only reads it: the exclusive
// lock keeps runs and other compactions out until the file is replaced. It
// fails with ErrLocked after timeout (DefaultTimeout when zero) if another
// process holds the DB. After the rename it keeps the lock for a little
// longer than DefaultTimeout, blocking: a process that opened path before
// the rename and waits for its lock would otherwise get the lock on the
// replaced file and write where nobody reads; held past its wait, it fails
// with ErrLocked instead, and a second try opens the new file.
func Compact(path, out string, timeout time.Duration) (st CompactStats, err error) {
	src, err := Open(path, &Options{NoCreate: true, Timeout: timeout})
	if err != nil {
		return st, err
	}
	defer src.Close()
	st.Recovery = src.Recovery()
	fi, err := os.Stat(path)
	if err != nil {
		return st, err
	}
	st.FileBefore = fi.Size()
	st.UsedBefore, st.Free = src.Space()

	dst := out
	if dst == "" {
		dst = path + CompactTmpSuffix
		// We hold path's lock, so no other compaction is writing dst.
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, err
		}
	} else if _, err := os.Lstat(dst); err == nil {
		return st, &fs.PathError{Op: "compact", Path: dst, Err: fs.ErrExist}
	}
	if err := src.CompactTo(dst); err != nil {
		os.Remove(dst)
		return st, err
	}
	if st.UsedAfter, err = checkCompacted(src, dst); err != nil {
		os.Remove(dst)
		return st, fmt.Errorf("%w, %s is unchanged: %w", ErrCompactRejected, path, err)
	}
	if fi, err = os.Stat(dst); err != nil {
		return st, err
	}
	st.FileAfter = fi.Size()
	target := dst
	if out == "" {
		if err := os.Rename(dst, path); err != nil {
			os.Remove(dst)
			return st, err
		}
		target = path
		time.Sleep(DefaultTimeout + 200*time.Millisecond)
	}
	return st, atomicfile.SyncDir(filepath.Dir(target))
}

// checkCompacted opens the copy at path and checks it against src (see
// compareCopy). It returns the bytes the copy's pages span.
func checkCompacted(src *DB, path string) (int64, error) {
	cp, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer cp.Close()
	used, _ := cp.Space()
	return used, compareCopy(src, cp)
}

// compareCopy checks the compacted copy cp against src: the same stages,
// each of which passes Verify with the same results digest, and the same
// content, key by key.
func compareCopy(src, cp *DB) error {
	want, err := src.Stages()
	if err != nil {
		return err
	}
	got, err := cp.Stages()
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("stages %v, want %v", got, want)
	}
	for _, name := range want {
		if err := cp.Stage(name).Verify(); err != nil {
			return fmt.Errorf("stage %s: %w", name, err)
		}
		d1, err := src.Stage(name).Digest()
		if err != nil {
			return fmt.Errorf("stage %s of the original: %w", name, err)
		}
		d2, err := cp.Stage(name).Digest()
		if err != nil {
			return fmt.Errorf("stage %s: %w", name, err)
		}
		if d1 != d2 {
			return fmt.Errorf("stage %s: results digest %x, want %x", name, d2, d1)
		}
	}
	h1, err := src.ContentHash()
	if err != nil {
		return err
	}
	h2, err := cp.ContentHash()
	if err != nil {
		return err
	}
	if h1 != h2 {
		return errors.New("content differs from the original")
	}
	return nil
}

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
