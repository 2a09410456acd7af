package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/simpipe/simpipe/store"
)

// compactCmd rewrites a DB without its free pages.
type compactCmd struct {
	File string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Out  string `short:"o" help:"Write the compacted copy to this new file and leave FILE as it is (default: replace FILE)." placeholder:"OUT"`
}

// compactTmpSuffix names the temporary copy beside FILE that replaces it.
const compactTmpSuffix = ".compact.tmp"

func (c *compactCmd) Run(s *streams) error {
	// Open for writing although compaction only reads: the exclusive lock
	// keeps runs (and other compactions) out until FILE has been replaced.
	src, err := store.Open(c.File, &store.Options{NoCreate: true, Timeout: 300 * time.Millisecond})
	if errors.Is(err, store.ErrLocked) {
		return usageErr(fmt.Errorf("%s: %w; compact refuses a live DB: stop the run first (it resumes where it stopped)", c.File, store.ErrLocked))
	}
	if err != nil {
		return openErr(err)
	}
	defer src.Close()
	noteRecovery(s, src)
	before, err := fileSize(c.File)
	if err != nil {
		return err
	}
	usedBefore, free := src.Space()

	dst := c.Out
	if dst == "" {
		dst = c.File + compactTmpSuffix
		// A leftover of a compaction that died; we hold FILE's lock, so
		// no other compaction is writing it.
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	} else if _, err := os.Lstat(dst); err == nil {
		return usageErr(fmt.Errorf("%s already exists; compact writes a new file", dst))
	}
	if err := src.CompactTo(dst); err != nil {
		os.Remove(dst)
		return err
	}
	usedAfter, err := checkCompacted(src, dst)
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("compacted copy rejected, %s is unchanged: %w", c.File, err)
	}
	after, err := fileSize(dst)
	if err != nil {
		return err
	}
	target := dst
	if c.Out == "" {
		if err := os.Rename(dst, c.File); err != nil {
			os.Remove(dst)
			return err
		}
		target = c.File
		// A process that opened FILE before the rename and is waiting for
		// its lock would get the lock on the replaced file once we close
		// it, and write where nobody reads. Hold the lock past the wait
		// limit of simpipe's commands, so that such a process fails with
		// "in use" instead, and a second try opens the new file.
		time.Sleep(store.DefaultTimeout + 200*time.Millisecond)
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "compacted %s: file %d -> %d bytes (%.1f%% smaller); pages in use %d -> %d bytes (%d bytes of free pages dropped)\n",
		c.File, before, after, 100*float64(before-after)/float64(max(before, 1)), usedBefore, usedAfter, free)
	if c.Out != "" {
		fmt.Fprintf(s.out, "wrote %s; %s is unchanged\n", c.Out, c.File)
	}
	return nil
}

// checkCompacted opens the copy at path and checks it against src: the same
// stages, each of which passes Verify with the same results digest, and
// the same content, key by key. It returns the bytes the copy's pages span.
func checkCompacted(src *store.DB, path string) (int64, error) {
	cp, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer cp.Close()
	used, _ := cp.Space()
	return used, compareCopy(src, cp)
}

// compareCopy checks the compacted copy cp against src.
func compareCopy(src, cp *store.DB) error {
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

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// syncDir fsyncs a directory, making a rename in it durable.
func syncDir(dir string) error {
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
