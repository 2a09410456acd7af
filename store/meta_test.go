package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMetaRecovery damages each meta page of a DB in turn: a read-only Open
// reads the other page's commit and reports it without writing; a writable
// Open rewrites the damaged page, after which both pages are valid again.
func TestMetaRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	stage := db.Stage(DefaultStage)
	if err := stage.CreateRun(testConfig(100)); err != nil {
		t.Fatal(err)
	}
	if err := stage.ExtendRun(200); err != nil {
		t.Fatal(err)
	}
	db.Close()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	metas, _, err := readMetaPages(path)
	if err != nil || metas[0].problem != "" || metas[1].problem != "" || metas[0].txid == metas[1].txid {
		t.Fatalf("intact file: %+v, %v", metas, err)
	}
	for page := range 2 {
		b := append([]byte(nil), orig...)
		b[page*defaultPageLen+metaOffset+60] ^= 0x80 // in the checksum
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ro, err := Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("page %d damaged, read-only: %v", page, err)
		}
		r := ro.Recovery()
		ro.Close()
		if r == nil || r.Page != page || r.Problem != "checksum mismatch" || r.Txid != metas[1-page].txid || r.Repaired {
			t.Fatalf("page %d damaged, read-only: recovery %+v", page, r)
		}
		if after, _ := os.ReadFile(path); string(after) != string(b) {
			t.Fatalf("page %d damaged: a read-only Open wrote to the file", page)
		}
		rw, err := Open(path, nil)
		if err != nil {
			t.Fatalf("page %d damaged, writable: %v", page, err)
		}
		r = rw.Recovery()
		rw.Close()
		if r == nil || r.Page != page || !r.Repaired {
			t.Fatalf("page %d damaged, writable: recovery %+v", page, r)
		}
		if again, err := checkMetaPages(path); again != nil || err != nil {
			t.Fatalf("page %d after the repair: %+v, %v", page, again, err)
		}
	}
}
