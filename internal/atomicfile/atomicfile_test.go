package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteFile checks the content, that nothing but the target is left,
// and the mode: 0644 subject to the umask. It sets the process umask, so it
// does not run in parallel.
func TestWriteFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		umask int
		want  fs.FileMode
	}{
		{"Umask022", 0o022, 0o644},
		{"Umask077", 0o077, 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := syscall.Umask(tc.umask)
			defer syscall.Umask(old)
			dir := t.TempDir()
			path := filepath.Join(dir, "ai.json")
			for _, content := range []string{"first", "second"} {
				if err := WriteFile(path, []byte(content)); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(path)
				if err != nil || string(b) != content {
					t.Fatalf("read %q, %v; want %q", b, err, content)
				}
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tc.want {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tc.want)
			}
			checkOnly(t, dir, "ai.json")
		})
	}
}

// TestAbort checks that an aborted file leaves the target as it was and no
// temporary file behind.
func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("partial"); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	f.Abort() // a second Abort, as a deferred one would be, does nothing
	if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
		t.Fatalf("target %q, %v after Abort; want \"old\"", b, err)
	}
	checkOnly(t, dir, "out.csv")
}

func checkOnly(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != name {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only %q", names, name)
	}
}
