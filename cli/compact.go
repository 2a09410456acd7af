package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/simpipe/simpipe/store"
)

// compactCmd rewrites a DB without its free pages.
type compactCmd struct {
	File string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Out  string `short:"o" help:"Write the compacted copy to this new file and leave FILE as it is (default: replace FILE)." placeholder:"OUT"`
}

func (c *compactCmd) Run(s *streams) error {
	st, err := store.Compact(c.File, c.Out, 300*time.Millisecond)
	switch {
	case errors.Is(err, store.ErrLocked):
		return usageErr(fmt.Errorf("%s: %w; compact refuses a live DB: stop the run first (it resumes where it stopped)", c.File, store.ErrLocked))
	case c.Out != "" && errors.Is(err, fs.ErrExist):
		return usageErr(fmt.Errorf("%s already exists; compact writes a new file", c.Out))
	case errors.Is(err, store.ErrCompactRejected):
		return err
	case err != nil:
		return openErr(err)
	}
	if st.Recovery != nil {
		fmt.Fprintf(s.err, "%s: %s: %s\n", progName, c.File, st.Recovery)
	}
	fmt.Fprintf(s.out, "compacted %s: file %d -> %d bytes (%.1f%% smaller); pages in use %d -> %d bytes (%d bytes of free pages dropped)\n",
		c.File, st.FileBefore, st.FileAfter, 100*float64(st.FileBefore-st.FileAfter)/float64(max(st.FileBefore, 1)), st.UsedBefore, st.UsedAfter, st.Free)
	if c.Out != "" {
		fmt.Fprintf(s.out, "wrote %s; %s is unchanged\n", c.Out, c.File)
	}
	return nil
}
