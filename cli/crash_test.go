package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store/storetest"
)

// killAt blocks until the moment to SIGKILL the process started for the
// landed+1-th kill and returns true, or returns false once done is closed
// (the process exited by itself).
type killAt func(rng *rand.Rand, landed int, done <-chan struct{}) bool

// afterDelay is a killAt that waits a random lo to hi ms after the start.
func afterDelay(lo, hi int) killAt {
	return func(rng *rand.Rand, _ int, done <-chan struct{}) bool {
		return sleepOrDone(time.Duration(lo+rng.IntN(hi-lo))*time.Millisecond, done)
	}
}

// sleepOrDone waits d and returns true, or returns false as soon as done is
// closed.
func sleepOrDone(d time.Duration, done <-chan struct{}) bool {
	select {
	case <-done:
		return false
	case <-time.After(d):
		return true
	}
}

// killSeed returns the seed of the kill moments: SIMPIPE_KILL_SEED to replay
// a logged campaign, else the clock.
func killSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("SIMPIPE_KILL_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("kill-time seed %d (SIMPIPE_KILL_SEED replays it)", seed)
	return seed
}

// killLoop starts the binary with argsFor(attempt) again and again,
// SIGKILLing it when when says so and calling afterKill, until kills kills
// have landed; then it lets the next start finish and returns the number
// of kills. Only a process that died of the SIGKILL counts as a landed
// kill. A run that fails, or that finishes before enough kills landed,
// fails the test.
func killLoop(t *testing.T, kills int, when killAt, argsFor func(attempt int) []string, afterKill func()) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(killSeed(t), 0))
	landed := 0
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(bin, argsFor(attempt)...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var waitErr error
		go func() { waitErr = cmd.Wait(); close(done) }()
		if landed < kills && when(rng, landed, done) {
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
		<-done
		var ee *exec.ExitError
		if errors.As(waitErr, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				landed++
				afterKill()
				continue
			}
		}
		if waitErr != nil {
			t.Fatalf("run exited: %v\n%s", waitErr, errb.String())
		}
		if landed < kills {
			t.Fatalf("only %d of %d kills landed before the run finished", landed, kills)
		}
		return landed
	}
}

// killRepeatedly is killLoop with each kill after a random delay of lo to
// hi ms from the start, for runs whose progress the test does not follow.
func killRepeatedly(t *testing.T, kills, lo, hi int, argsFor func(attempt int) []string, afterKill func()) int {
	t.Helper()
	return killLoop(t, kills, afterDelay(lo, hi), argsFor, afterKill)
}

// progressKills places the kills of a run of total games by its progress,
// not by the clock, so that they land where they should however loaded (or
// idle) the machine is. The run is split into kills equal parts. The first
// kill comes 0 to lo ms after the start, while the run is created or
// resumes, or as soon as a fifth of the first part is committed. Kill j
// (j = 1 .. kills-1) waits until the live socket reports a random point of
// part j (between 20 % and 80 % of it) committed, and more than *floor (what
// the kill before left: one commit may hold many games), then a random 0 to
// extra ms more (so that kills do not all follow a commit closely), cut
// short if the end of the part is committed first. Each of them thus
// follows new commits of the process it kills, and the last one leaves a
// whole part to play. *seen is set to the committed count the socket
// reported before the kill (0 when it reported none).
func progressKills(db string, total uint64, kills, lo, extra int, seen, floor *uint64) killAt {
	return func(rng *rand.Rand, landed int, done <-chan struct{}) bool {
		*seen = 0
		part := float64(total) / float64(kills)
		target := uint64(part * (float64(landed-1) + 0.2 + 0.6*rng.Float64()))
		end := uint64(part * float64(landed))
		// poll waits until the socket reports at least n committed games
		// or, when by is not zero, until by.
		poll := func(n uint64, by time.Time) bool {
			for {
				if !sleepOrDone(20*time.Millisecond, done) {
					return false
				}
				if st, err := pipeline.QueryLive(db, time.Second); err == nil && st.GamesDone >= n {
					*seen = st.GamesDone
					return true
				}
				if !by.IsZero() && time.Now().After(by) {
					return true
				}
			}
		}
		if landed == 0 {
			return poll(uint64(part*0.2), time.Now().Add(time.Duration(rng.IntN(lo+1))*time.Millisecond))
		}
		target = max(target, *floor+1)
		if !poll(target, time.Time{}) {
			return false
		}
		return poll(max(end, target), time.Now().Add(time.Duration(rng.IntN(extra+1))*time.Millisecond))
	}
}

// crashCycle runs args into a new DB, SIGKILLing it kills times at moments
// chosen by progressKills, and after every kill checks the DB and that its
// committed games rose: beyond the count after the kill before, and at least
// to what the killed process had reported as committed. Then it lets the
// last run finish and compares the outcome with want.
func crashCycle(t *testing.T, args []string, want report, kills, lo, extra int) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "crash.db")
	var seen, last uint64
	var history []uint64
	landed := killLoop(t, kills, progressKills(db, want.GamesTotal, kills, lo, extra, &seen, &last), func(attempt int) []string {
		workers := fmt.Sprint(1 + attempt%3) // vary the worker count across resumes
		return append([]string{"run", "--db", db, "--workers", workers}, args...)
	}, func() {
		if _, err := os.Stat(db); seen == 0 && errors.Is(err, fs.ErrNotExist) {
			return // the early kill landed before the DB was created
		}
		verify(t, db) // consistent after every kill
		if seen == 0 {
			return // the early kill: maybe before the first commit
		}
		done := committed(t, db)
		history = append(history, done)
		if done < seen || done <= last {
			t.Fatalf("after kill %d the DB holds %d games; the killed run had reported %d committed, the kill before left %d (history %v)",
				len(history), done, seen, last, history)
		}
		last = done
	})
	if landed != kills || len(history) < kills-1 {
		t.Fatalf("%d kills landed, %d after progress; want %d and at least %d", landed, len(history), kills, kills-1)
	}
	got := inspect(t, db)
	verify(t, db)
	t.Logf("kills %d, games committed after each kill %v of %d: lost 0, duplicated 0 (every game index has exactly one result); digest %s",
		landed, history, got.GamesTotal, got.ResultsDigest)
	sameOutcome(t, got, want)
}

// committed returns the games with a committed result (done or failed) in
// the DB of a stopped run, read in this process.
func committed(t *testing.T, path string) uint64 {
	t.Helper()
	return storetest.Aggregate(t, path).Finished()
}
