package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/store"
	"github.com/simpipe/simpipe/train"
)

// trainPhase says where a killed training stood, read from its DB: "play K"
// (iteration K's stage missing or unfinished), "learn K" (its games all
// played, no model yet), "yardstick K" (its model stored, its yardstick
// evaluation started and unfinished; with yardstick only) or "done".
func trainPhase(t *testing.T, path string, iterations int, yardstick bool) string {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for k := 1; k <= iterations; k++ {
		model, err := db.Get(fmt.Sprintf("train/model/%03d", k))
		if err != nil {
			t.Fatal(err)
		}
		if model != nil {
			if yardstick {
				if phase := yardstickPhase(t, db, k); phase != "" {
					return phase
				}
			}
			continue
		}
		stage := db.Stage(train.StageName(k))
		cfg, err := stage.Config()
		if err != nil {
			return fmt.Sprintf("play %d", k) // stage not created yet
		}
		agg, err := stage.Aggregate()
		if err != nil {
			t.Fatal(err)
		}
		if agg.GamesDone+agg.Failed < cfg.Games {
			return fmt.Sprintf("play %d", k)
		}
		return fmt.Sprintf("learn %d", k)
	}
	return "done"
}

// yardstickPhase returns "yardstick K" when iteration k's yardstick result is
// not stored and its evaluation stage has played some but not all of its
// games, "yardstick K before its first commit" when it has played none or
// has no stage yet, "" when the result is stored, and fails t otherwise.
func yardstickPhase(t *testing.T, db *store.DB, k int) string {
	t.Helper()
	if r, err := train.StoredYardstick(db, k); err != nil || r != nil {
		if err != nil {
			t.Fatal(err)
		}
		return ""
	}
	stages, err := db.Stages()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range stages {
		cfg, err := db.Stage(name).Config()
		if !strings.HasPrefix(name, "eval-") || err != nil || !strings.Contains(cfg.Players, fmt.Sprintf("file=iteration-%d,", k)) {
			continue
		}
		agg, err := db.Stage(name).Aggregate()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case agg.GamesDone == 0:
			return fmt.Sprintf("yardstick %d before its first commit", k)
		case agg.GamesDone >= cfg.Games:
			t.Fatalf("iteration %d: yardstick stage %s has %d of %d games and no stored result", k, name, agg.GamesDone, cfg.Games)
		}
		return fmt.Sprintf("yardstick %d", k)
	}
	return fmt.Sprintf("yardstick %d before its first commit", k) // its stage is not made yet
}

// yardstickResults returns the stored yardstick results of iterations 1 to n.
func yardstickResults(t *testing.T, path string, n int) []string {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for k := 1; k <= n; k++ {
		b, err := db.Get(train.YardstickKey(k))
		if err != nil || b == nil {
			t.Fatalf("iteration %d: no yardstick result (%v)", k, err)
		}
		out = append(out, string(b))
	}
	return out
}

// killOnLine runs args and SIGKILLs it after delay once a line of its standard
// error contains line; it fails t if the command ends first.
func killOnLine(t *testing.T, args []string, line string, delay time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		fmt.Fprintln(&seen, sc.Text())
		if strings.Contains(sc.Text(), line) {
			time.Sleep(delay)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	go func() { _, _ = bufio.NewReader(stderr).WriteTo(&bytes.Buffer{}) }()
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("waiting for %q: the training ended (%v) before the kill:\n%s", line, err, seen.String())
	}
}

// TestTrainNTupleResumesToSameModel SIGKILLs an n-tuple training with a
// yardstick while it plays iterations 2 and 3, while it learns iterations 2
// and 4, and while it measures iterations 2 and 3 against the yardstick,
// resuming each time with another worker count, and checks from the DB
// where each kill landed, that the final ai.json is byte-identical to that
// of an uninterrupted run without a yardstick, and that the stored
// yardstick results equal those of the reference DB given the yardstick
// afterwards (which leaves its ai.json unchanged too).
func TestTrainNTupleResumesToSameModel(t *testing.T) {
	skipInShortMode(t)
	dir := t.TempDir()
	const iterations = 4
	args := func(db, out string, workers int) []string {
		return []string{"train", "--db", db, "--game", "connect4", "--iterations", fmt.Sprint(iterations),
			"--games-per-iteration", "50000", "--model", "ntuple", "--ntuple-weights", "20000",
			"--workers", fmt.Sprint(workers), "--progress", "none", "-o", out}
	}
	yardstick := []string{"--yardstick", "mcts:iterations=200", "--yardstick-games", "2000"}
	refDB, ref := filepath.Join(dir, "ref.db"), filepath.Join(dir, "ref.json")
	if r := simpipe(t, nil, args(refDB, ref, 2)...); r.code != 0 {
		t.Fatalf("reference training: exit %d: %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	r := simpipe(t, nil, append(args(refDB, ref, 2), yardstick...)...)
	if r.code != 0 {
		t.Fatalf("reference yardstick: exit %d: %s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(ref); !bytes.Equal(got, want) {
		t.Fatal("adding a yardstick to the finished training changed its ai.json")
	}
	if n := strings.Count(r.stderr, "yardstick score "); n != iterations {
		t.Fatalf("%d yardstick score lines, want %d:\n%s", n, iterations, r.stderr)
	}
	wantResults := yardstickResults(t, refDB, iterations)

	db, out := filepath.Join(dir, "killed.db"), filepath.Join(dir, "killed.json")
	for i, k := range []struct {
		line  string
		delay time.Duration
		want  string
	}{
		{"iteration 2/4: playing", 150 * time.Millisecond, "play 2"},
		{"iteration 2/4: learning", 0, "learn 2"},
		{"iteration 2/4: yardstick:", 300 * time.Millisecond, "yardstick 2"},
		{"iteration 3/4: playing", 250 * time.Millisecond, "play 3"},
		{"iteration 3/4: yardstick:", 300 * time.Millisecond, "yardstick 3"},
		{"iteration 4/4: learning", 0, "learn 4"},
	} {
		// A kill timed from a line can come before the phase's first commit
		// on a loaded machine; such a kill is a landing too, and the next
		// waits twice as long, up to four times, for the one the test wants.
		for try, delay := 1, k.delay; ; try, delay = try+1, 2*delay {
			killOnLine(t, append(args(db, out, 1+i%2), yardstick...), k.line, delay)
			got := trainPhase(t, db, iterations, true)
			if got == k.want {
				break
			}
			if got != k.want+" before its first commit" || try == 4 {
				t.Fatalf("kill %d (%s after %q): landed in %s, want %s", i+1, delay, k.line, got, k.want)
			}
			t.Logf("kill %d landed in %s; again, %s after the line", i+1, got, 2*delay)
		}
		t.Logf("kill %d landed in %s", i+1, k.want)
	}
	if r := simpipe(t, nil, append(args(db, out, 2), yardstick...)...); r.code != 0 {
		t.Fatalf("resumed training: exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("resumed training wrote a different ai.json (%d bytes, want %d)", len(got), len(want))
	}
	for k, res := range yardstickResults(t, db, iterations) {
		if res != wantResults[k] {
			t.Errorf("iteration %d: yardstick result\n%s\nwant\n%s", k+1, res, wantResults[k])
		}
	}
	// Another yardstick is refused, and so is leaving it out.
	for _, extra := range [][]string{{"--yardstick", "mcts:iterations=100"}, nil} {
		r := simpipe(t, nil, append(args(db, out, 2), extra...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "contradicts the stored training run") {
			t.Errorf("resume with %q: exit %d: %s", extra, r.code, r.stderr)
		}
	}
}
