package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt keeps two meta pages, 0 and 1, at the start of the file; commit
// txid writes page txid%2, so one page always holds the last commit and the
// other the commit before it. Each is a 16-byte page header followed by the
// meta record, sealed by an FNV-64a checksum (go.etcd.io/bbolt
// internal/common/meta.go):
//
//	magic(4) version(4) pageSize(4) flags(4) root(8) sequence(8)
//	freelist(8) pgid(8) txid(8) checksum(8)
//
// in the machine's byte order. bbolt opens a file on whichever valid page
// has the higher txid, silently falling back to the other when one is
// damaged: its designed recovery from a torn meta write. simpipe reads both
// pages itself before bbolt does, so that it can say what happened.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	metaOffset     = 16 // page header
	metaSumLen     = 56 // bytes the checksum covers
	metaRecordLen  = 64
	defaultPageLen = 4096
)

// metaPage is what Open reads of one of bbolt's meta pages.
type metaPage struct {
	problem  string // why the page is invalid; "" when it is valid
	pageSize uint32
	pgid     uint64 // the commit's high-water mark: pages 0..pgid-1 are in use
	txid     uint64
}

// parseMeta checks the meta record at the start of b as bbolt does.
func parseMeta(b []byte) metaPage {
	if len(b) < metaOffset+metaRecordLen {
		return metaPage{problem: "missing (the file is too short)"}
	}
	m := b[metaOffset : metaOffset+metaRecordLen]
	ne := binary.NativeEndian
	p := metaPage{pageSize: ne.Uint32(m[8:]), pgid: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:])}
	h := fnv.New64a()
	h.Write(m[:metaSumLen])
	switch {
	case ne.Uint32(m[0:]) != boltMagic:
		p.problem = "bad magic number"
	case ne.Uint32(m[4:]) != boltVersion:
		p.problem = fmt.Sprintf("bbolt format version %d, not %d", ne.Uint32(m[4:]), boltVersion)
	case ne.Uint64(m[metaSumLen:]) != h.Sum64():
		p.problem = "checksum mismatch"
	}
	return p
}

// readMetaPages reads both meta pages of the bbolt file at path, finding
// page 1 as bbolt does: one page size (from page 0, or the default when page
// 0 is invalid) from the start. It also returns the file's size.
func readMetaPages(path string) (metas [2]metaPage, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return metas, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return metas, 0, err
	}
	read := func(off int64) ([]byte, error) {
		b := make([]byte, metaOffset+metaRecordLen)
		n, err := f.ReadAt(b, off)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return b[:n], err
	}
	b0, err := read(0)
	if err != nil {
		return metas, 0, err
	}
	metas[0] = parseMeta(b0)
	pageLen := int64(defaultPageLen)
	if metas[0].problem == "" {
		pageLen = int64(metas[0].pageSize)
	}
	b1, err := read(pageLen)
	if err != nil {
		return metas, 0, err
	}
	metas[1] = parseMeta(b1)
	return metas, fi.Size(), nil
}

// MetaRecovery tells what Open did about a DB with one damaged meta page.
type MetaRecovery struct {
	// Page is the damaged meta page, 0 or 1; Problem says what is wrong
	// with it ("checksum mismatch", "bad magic number", ...).
	Page    int
	Problem string
	// Txid is the last good commit, the one the intact page records: the
	// DB holds its data. A later commit, if the damaged page held one, is
	// lost; the games it had committed are pending again, and the next run
	// plays them.
	Txid uint64
	// Repaired reports that Open, writable, rewrote the damaged page (with
	// an empty commit, after checking the last good commit's pages and
	// records). A read-only Open leaves the file as it is.
	Repaired bool
}

// String is the one-line message for the user.
func (r *MetaRecovery) String() string {
	if r.Repaired {
		return fmt.Sprintf("recovered: meta page %d was damaged (%s); using the last good commit (txid %d), and meta page %d is rewritten",
			r.Page, r.Problem, r.Txid, r.Page)
	}
	return fmt.Sprintf("meta page %d is damaged (%s); reading the last good commit (txid %d); the next run repairs the file",
		r.Page, r.Problem, r.Txid)
}

// checkMetaPages decides, before bbolt opens the file, what to do with its
// meta pages: nil when both are valid, a MetaRecovery when exactly one is,
// and an error naming both pages' problems when neither is (ErrNotSimpipe)
// or when the file is shorter than its last good commit (ErrCorrupt).
func checkMetaPages(path string) (*MetaRecovery, error) {
	metas, size, err := readMetaPages(path)
	if err != nil {
		return nil, err
	}
	var rec *MetaRecovery
	good := metas[0]
	switch {
	case metas[0].problem != "" && metas[1].problem != "":
		return nil, fmt.Errorf("%w (neither meta page is valid: meta page 0: %s; meta page 1: %s)",
			ErrNotSimpipe, metas[0].problem, metas[1].problem)
	case metas[0].problem != "":
		good = metas[1]
		rec = &MetaRecovery{Page: 0, Problem: metas[0].problem, Txid: good.txid}
	case metas[1].problem != "":
		rec = &MetaRecovery{Page: 1, Problem: metas[1].problem, Txid: good.txid}
	case metas[1].txid > metas[0].txid:
		good = metas[1]
	}
	if need := int64(good.pgid) * int64(good.pageSize); size < need {
		return nil, fmt.Errorf("%w: the file is truncated: %d bytes, but its last good commit (txid %d) uses %d pages of %d bytes (%d bytes)",
			ErrCorrupt, size, good.txid, good.pgid, good.pageSize, need)
	}
	return rec, nil
}
