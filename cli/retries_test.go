package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/store"
)

// flakyRun runs test-flaky:fails=k with --retries retries, one game per
// job, and returns the run's DB and exit code.
func flakyRun(t *testing.T, k, retries int) (string, int) {
	t.Helper()
	db := filepath.Join(t.TempDir(), fmt.Sprintf("flaky-%d-%d.db", k, retries))
	r := simpipe(t, nil, "run", "--db", db, "--game", fmt.Sprintf("test-flaky:fails=%d", k), "--games", "400",
		"--chunk", "1", "--seed", "7", "--workers", "2", "--progress", "none", "--retries", fmt.Sprint(retries))
	if strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("run crashed: %s", r.stderr)
	}
	return db, r.code
}

// affectedGames returns the indices of the games of a finished run whose
// first move is the chance roll (0) that makes test-flaky fail, read from
// the stored moves. (It reads the store in this process: replaying the
// games, as 'export' does, would count as attempts of the affected ones.)
func affectedGames(t *testing.T, path string) map[uint64]bool {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stage := db.Stage(store.DefaultStage)
	affected := map[uint64]bool{}
	for i := uint64(0); i < 400; i++ {
		entry, _, _, err := stage.Game(i)
		if err != nil || entry == nil || len(entry.Moves) == 0 {
			t.Fatalf("game %d: %+v, %v", i, entry, err)
		}
		if entry.Moves[0] == 0 {
			affected[i] = true
		}
	}
	return affected
}

// TestRetries plays a game that fails the first k attempts of about one
// game in ten. With k <= --retries every game ends done, and the attempt
// count stored for each affected game's job is k+1 (1 for the others);
// with k > --retries the affected games, and only they, are failed after
// retries+1 attempts, and the error kept is the last attempt's. The counts
// are read back from the store ('jobs', 'inspect'), never taken from the
// configuration.
func TestRetries(t *testing.T) {
	const retries = 2
	db, code := flakyRun(t, retries, retries)
	if code != 0 {
		t.Fatalf("fails=%d, --retries %d: exit %d, want 0 (every game recovers on a retry)", retries, retries, code)
	}
	if rep := inspect(t, db); rep.GamesDone != 400 || rep.Failed != 0 {
		t.Fatalf("fails=%d, --retries %d: done %d, failed %d; want all 400 done", retries, retries, rep.GamesDone, rep.Failed)
	}
	affected := affectedGames(t, db)
	if len(affected) < 20 || len(affected) > 70 {
		t.Fatalf("%d affected games of 400, want about 40", len(affected))
	}
	out := jobs(t, db)
	if len(out.Jobs) != 400 {
		t.Fatalf("%d jobs listed, want 400", len(out.Jobs))
	}
	for _, j := range out.Jobs { // one game per job: job i plays game i
		want := uint32(1)
		if affected[j.ID] {
			want = retries + 1
		}
		if j.State != "done" || j.Attempts != want {
			t.Fatalf("job %d (affected %v): state %s, %d attempts stored; want done after %d", j.ID, affected[j.ID], j.State, j.Attempts, want)
		}
	}
	// A retried game is played as if it had never failed.
	clean, code := flakyRun(t, 0, retries)
	if code != 0 {
		t.Fatalf("fails=0: exit %d", code)
	}
	if got, want := inspect(t, db).ResultsDigest, inspect(t, clean).ResultsDigest; got != want {
		t.Fatalf("retried games differ from games that never failed: digest %s, want %s", got, want)
	}

	db, code = flakyRun(t, retries+1, retries)
	if code != 3 {
		t.Fatalf("fails=%d, --retries %d: exit %d, want 3 (some games failed)", retries+1, retries, code)
	}
	rep := inspect(t, db)
	if rep.Failed != uint64(len(affected)) || rep.GamesDone != 400-rep.Failed {
		t.Fatalf("fails=%d, --retries %d: failed %d, done %d; want the %d affected games failed",
			retries+1, retries, rep.Failed, rep.GamesDone, len(affected))
	}
	lastAttempt := fmt.Sprintf("attempt %d (of the first %d)", retries+1, retries+1)
	failed := jobs(t, db, "--state", "failed")
	if len(failed.Jobs) != len(affected) {
		t.Fatalf("%d failed jobs, want the %d affected games' jobs", len(failed.Jobs), len(affected))
	}
	for _, j := range failed.Jobs {
		if !affected[j.ID] || j.Attempts != retries+1 || len(j.Failures) != 1 {
			t.Fatalf("failed job %+v: want an affected game's, after %d attempts", j, retries+1)
		}
		f := j.Failures[0]
		if f.Game != j.ID || f.Attempts != retries+1 || !strings.Contains(f.Error, lastAttempt) || !strings.Contains(f.Stack, "testgames") {
			t.Fatalf("job %d failure %+v: want %d attempts, the error of %q and a stack", j.ID, f, retries+1, lastAttempt)
		}
	}
}
