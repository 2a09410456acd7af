// Package atomicfile writes files that are either absent, as they were, or
// complete: the bytes go to a temporary file beside the target, which is
// fsynced, renamed over the target, and made durable by an fsync of the
// directory. A crash at any point leaves the old file (or none) and at most
// a hidden temporary file.
//
// simpipe does not use github.com/google/renameio for this: that package
// sees to atomicity only and leaves the directory unsynced, so a power loss
// after the rename could still lose the new name.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Perm is the mode new files are created with, before the umask: the usual
// 0644, as os.Create's 0666 would be too open for models and reports.
const Perm fs.FileMode = 0o644

// File is a file being written under a temporary name beside its target.
// Write to it, then Commit to put it in place, or Abort to drop it; Abort
// after Commit does nothing, so it can be deferred.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts a file that Commit will put at path. The temporary file is
// created in path's directory (a rename works only within a file system)
// with mode Perm subject to the umask.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	for {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, Perm)
		if errors.Is(err, fs.ErrExist) {
			continue // another writer's temporary file: draw another name
		}
		if err != nil {
			return nil, err
		}
		return &File{File: f, path: path}, nil
	}
}

// Path returns the target path.
func (f *File) Path() string { return f.path }

// Commit fsyncs and closes the file, renames it over the target and fsyncs
// the directory. On error the temporary file is removed and the target is
// as it was, unless only the directory fsync failed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit of a finished file")
	}
	f.done = true
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return SyncDir(filepath.Dir(f.path))
}

// Abort closes and removes the temporary file; the target is untouched.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes b to path atomically (see the package comment), with
// mode Perm subject to the umask for a new file.
func WriteFile(path string, b []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Commit()
}

// SyncDir fsyncs a directory, making a rename or a new file in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
