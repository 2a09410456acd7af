package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "run.db")
	if r := simpipe(t, nil, "run", "--db", db, "--game", "tictactoe", "--games", "500", "--progress", "none"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	out := filepath.Join(dir, "report.html")
	r := simpipe(t, nil, "report", db, "-o", out)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, out)
	page := string(b)
	digest := inspect(t, db).ResultsDigest
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, digest) || strings.Count(page, "<svg") < 2 {
		t.Fatalf("report lacks the digest %s or its plots:\n%.2000s", digest, page)
	}
	// Standard output, and one named stage.
	if r := simpipe(t, nil, "report", db, "-o", "-", "--stage", "run"); r.code != 0 || r.stdout != page {
		t.Fatalf("-o -: exit %d, %d bytes (file has %d): %s", r.code, len(r.stdout), len(page), r.stderr)
	}
	for _, args := range [][]string{
		{"report", db, "-o", out, "--stage", "nope"},
		{"report", filepath.Join(dir, "missing.db"), "-o", out},
		{"report", db}, // no -o
	} {
		if r := simpipe(t, nil, args...); r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, r.code, r.stderr)
		}
	}
}

func TestReportLiveDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "live.db")
	startLiveRun(t, db, "run", "--db", db, "--game", "connect4", "--games", "50000000", "--workers", "1", "--progress", "none")
	out := filepath.Join(t.TempDir(), "report.html")
	r := simpipe(t, nil, "report", db, "-o", out)
	if r.code != 2 || !strings.Contains(r.stderr, "in use by another process") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("report on a live DB: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("report on a live DB wrote a file")
	}
}

// checkMode checks that the file at path has the mode a file created with
// 0644 gets under this process's umask (atomicfile.Perm), not 0600.
func checkMode(t *testing.T, path string) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "mode-reference")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("%s: mode %v, want %v", path, got.Mode().Perm(), want.Mode().Perm())
	}
}
