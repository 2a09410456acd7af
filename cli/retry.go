package cli

import (
	"errors"
	"fmt"
	"slices"

	"github.com/simpipe/simpipe/store"
)

// retryCmd reissues failed jobs, so that the next run replays their failed
// games (and only those).
type retryCmd struct {
	File   string   `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Failed bool     `help:"Reissue every failed job." xor:"which"`
	Job    []uint64 `help:"Reissue these failed jobs (repeat the flag or separate IDs with commas; see 'simpipe jobs --state failed')." xor:"which" placeholder:"ID"`
	Stage  string   `default:"run" help:"Stage whose jobs to reissue ('run' for simpipe run)."`
}

func (c *retryCmd) Validate() error {
	if !c.Failed && len(c.Job) == 0 {
		return errors.New("say which jobs to retry: --failed or --job ID")
	}
	return nil
}

func (c *retryCmd) Run(s *streams) error {
	db, err := store.Open(c.File, &store.Options{NoCreate: true})
	if err != nil {
		return openErr(err)
	}
	defer db.Close()
	noteRecovery(s, db)
	stage := db.Stage(c.Stage)

	// Check every requested job before changing anything. The DB is open
	// for writing, so no other process can change it in between.
	want := map[uint64]bool{}
	for _, id := range c.Job {
		want[id] = true
	}
	var ids []uint64 // the jobs to reissue, in ID order
	games, jobs := 0, uint64(0)
	var refused error
	err = stage.Jobs(func(id uint64, rec *store.JobRecord) bool {
		jobs++
		if c.Failed && rec.State == store.FailedJob || want[id] {
			if rec.State != store.FailedJob {
				refused = usageErr(fmt.Errorf("job %d is %s, not failed; only failed jobs can be retried (nothing was changed)", id, stateName(rec.State)))
				return false
			}
			ids = append(ids, id)
			games += len(rec.Failures)
		}
		return true
	})
	if refused != nil {
		// Checked first: Stage.Jobs reports the early stop as an error.
		return refused
	}
	if err != nil {
		return noRunErr(db, c.File, c.Stage, err)
	}
	if len(ids) < len(want) {
		for _, id := range c.Job {
			if !slices.Contains(ids, id) {
				return usageErr(fmt.Errorf("no job %d: stage %s has jobs 0 to %d (nothing was changed)", id, c.Stage, int64(jobs)-1))
			}
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(s.out, "no failed jobs in stage %s; nothing to retry\n", c.Stage)
		return nil
	}
	n, err := stage.Reissue(ids)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return fmt.Errorf("reissued %d of %d failed jobs", n, len(ids))
	}
	fmt.Fprintf(s.out, "reissued %d failed %s (%d failed %s) in stage %s\n", n, plural(n, "job"), games, plural(games, "game"), c.Stage)
	if c.Stage == store.DefaultStage {
		fmt.Fprintf(s.out, "to replay them, run the same command again: %s run --db %s\n", progName, c.File)
	} else {
		fmt.Fprintf(s.out, "to replay them, run the command that plays stage %s again (the same '%s train' command for a training stage)\n", c.Stage, progName)
	}
	return nil
}

// plural returns noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
