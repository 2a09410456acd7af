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
// played, no model yet) or "done".
func trainPhase(t *testing.T, path string, iterations int) string {
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

// TestTrainNTupleResumesToSameModel SIGKILLs an n-tuple training while it
// plays iterations 2 and 3 and while it learns iterations 2 and 4, resuming
// each time with another worker count, and checks from the DB where each
// kill landed and that the final ai.json is byte-identical to an
// uninterrupted run's.
func TestTrainNTupleResumesToSameModel(t *testing.T) {
	skipInShortMode(t)
	dir := t.TempDir()
	const iterations = 4
	args := func(db, out string, workers int) []string {
		return []string{"train", "--db", db, "--game", "connect4", "--iterations", fmt.Sprint(iterations),
			"--games-per-iteration", "10000", "--model", "ntuple", "--ntuple-weights", "20000",
			"--workers", fmt.Sprint(workers), "--progress", "none", "-o", out}
	}
	ref := filepath.Join(dir, "ref.json")
	if r := simpipe(t, nil, args(filepath.Join(dir, "ref.db"), ref, 2)...); r.code != 0 {
		t.Fatalf("reference training: exit %d: %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	db, out := filepath.Join(dir, "killed.db"), filepath.Join(dir, "killed.json")
	for i, k := range []struct {
		line  string
		delay time.Duration
		want  string
	}{
		{"iteration 2/4: playing", 150 * time.Millisecond, "play 2"},
		{"iteration 2/4: learning", 0, "learn 2"},
		{"iteration 3/4: playing", 250 * time.Millisecond, "play 3"},
		{"iteration 4/4: learning", 0, "learn 4"},
	} {
		killOnLine(t, args(db, out, 1+i%2), k.line, k.delay)
		if got := trainPhase(t, db, iterations); got != k.want {
			t.Fatalf("kill %d (after %q): landed in %s, want %s", i+1, k.line, got, k.want)
		}
		t.Logf("kill %d landed in %s", i+1, k.want)
	}
	if r := simpipe(t, nil, args(db, out, 2)...); r.code != 0 {
		t.Fatalf("resumed training: exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("resumed training wrote a different ai.json (%d bytes, want %d)", len(got), len(want))
	}
}
