package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/simpipe/simpipe/store"
)

// readOnlyTimeout is how long a command that only reads a DB waits for a
// run's file lock before it refuses: a run holds the lock for its whole
// life, so waiting longer would not help.
const readOnlyTimeout = 300 * time.Millisecond

// openReadOnly opens the DB at file for a command that only reads it, with
// the standard refusals (exit 2, one line): a missing, foreign, damaged or
// newer file, and a DB a run holds. For the last, onLocked, when not nil,
// gives the command's own answer (a live status, say) instead of
// openErr's message. A recovered meta page is noted (noteRecovery).
func openReadOnly(s *streams, file string, onLocked func(lockErr error) error) (*store.DB, error) {
	db, err := store.Open(file, &store.Options{ReadOnly: true, Timeout: readOnlyTimeout})
	switch {
	case err == nil:
		noteRecovery(s, db)
		return db, nil
	case errors.Is(err, store.ErrLocked) && onLocked != nil:
		return nil, onLocked(err)
	}
	return nil, openErr(err)
}

// stageConfig returns the named stage of db and its run config; a stage
// that holds no run is refused by noRunErr.
func stageConfig(db *store.DB, file, name string) (*store.Stage, *store.Config, error) {
	stage := db.Stage(name)
	cfg, err := stage.Config()
	if err != nil {
		return nil, nil, noRunErr(db, file, name, err)
	}
	return stage, cfg, nil
}

// noRunErr turns store.ErrNoRun for stage name into a refusal (exit 2)
// that lists the stages the DB holds, which a newcomer needs on a training
// DB (it has no 'run' stage). Other errors pass unchanged.
func noRunErr(db *store.DB, file, name string, err error) error {
	if !errors.Is(err, store.ErrNoRun) {
		return err
	}
	stages, serr := db.Stages()
	switch {
	case serr != nil:
		return serr
	case len(stages) == 0:
		return usageErr(fmt.Errorf("%s: %w in stage %q: it holds no stages yet", file, err, name))
	}
	return usageErr(fmt.Errorf("%s: %w in stage %q; its stages are %s (choose one with --stage)", file, err, name, strings.Join(stages, ", ")))
}

// fileSize returns the size of the file at path.
func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
