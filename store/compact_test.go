package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCompactTo fills a DB with two stages and a named value, committing one
// job at a time so that the file holds many freed pages, and checks that
// the compacted copy is no larger, holds the same content and digests, and
// verifies.
func TestCompactTo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, name := range []string{"a", "b"} {
		playStage(t, db, name, 2000, i)
	}
	if err := db.Put("model", []byte(`{"w":[1,2,3]}`)); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out.db")
	if err := db.CompactTo(out); err != nil {
		t.Fatal(err)
	}
	if err := db.CompactTo(out); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("compact onto an existing file: %v", err)
	}
	before, _ := os.Stat(path)
	after, _ := os.Stat(out)
	t.Logf("compacted %d -> %d bytes", before.Size(), after.Size())
	if after.Size() > before.Size() {
		t.Fatalf("compacted file grew: %d -> %d bytes", before.Size(), after.Size())
	}

	cp, err := Open(out, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	h1, err := db.ContentHash()
	if err != nil {
		t.Fatal(err)
	}
	h2, err := cp.ContentHash()
	if err != nil || h1 != h2 {
		t.Fatalf("content hash %x vs %x (%v)", h1, h2, err)
	}
	for _, name := range []string{"a", "b"} {
		d1, err1 := db.Stage(name).Digest()
		d2, err2 := cp.Stage(name).Digest()
		if err1 != nil || err2 != nil || d1 != d2 {
			t.Fatalf("stage %s digest %x vs %x (%v, %v)", name, d1, d2, err1, err2)
		}
		if err := cp.Stage(name).Verify(); err != nil {
			t.Fatalf("stage %s: %v", name, err)
		}
	}
	if v, _ := cp.Get("model"); string(v) != `{"w":[1,2,3]}` {
		t.Fatalf("named value %q", v)
	}

	// A change in any value changes the content hash.
	if err := db.Put("model", []byte(`{"w":[1,2,4]}`)); err != nil {
		t.Fatal(err)
	}
	if h3, _ := db.ContentHash(); h3 == h1 {
		t.Fatal("content hash ignores a changed value")
	}
}

// TestCompact checks the swap: in place the file is replaced by a smaller
// one with the same content and no temporary copy is left; onto an existing
// file or on a DB another process holds, Compact refuses and changes
// nothing.
func TestCompact(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	playStage(t, db, "a", 1000, 0)
	want, err := db.ContentHash()
	if err != nil {
		t.Fatal(err)
	}
	// Held by db: refused.
	if _, err := Compact(path, "", 100*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("compact of a held DB: %v, want ErrLocked", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	if err := os.WriteFile(other, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Compact(path, other, 0); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("compact onto an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "keep" {
		t.Fatalf("compact overwrote an existing file: %q", b)
	}

	stats, err := Compact(path, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if stats.FileAfter != fi.Size() || stats.FileAfter > stats.FileBefore || stats.UsedAfter > stats.UsedBefore {
		t.Fatalf("stats %+v, file now %d bytes", stats, fi.Size())
	}
	if _, err := os.Stat(path + CompactTmpSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary copy left behind: %v", err)
	}
	db, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.ContentHash(); err != nil || got != want {
		t.Fatalf("compacted content hash %x (%v), want %x", got, err, want)
	}
}
