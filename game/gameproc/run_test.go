package gameproc_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game/gameproc"
	"github.com/simpipe/simpipe/internal/testbin"
	"github.com/simpipe/simpipe/pipeline"
)

// binary is the simpipe binary, built on first use by simpipeBin into a
// directory TestMain removes.
var binary struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// simpipeBin returns the simpipe binary, building it the first time.
func simpipeBin(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "simpipe-gameproc"); binary.err == nil {
			binary.bin, binary.err = testbin.Build(binary.dir, "../../cmd/simpipe")
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.bin
}

// cmdGames writes a games file declaring ref for the binary and returns the
// environment naming it.
func cmdGames(t *testing.T, ref reference) []string {
	t.Helper()
	prog := interpreter(t, ref.prog, ref.require)
	raw, err := json.Marshal(gameproc.GamesFile{Games: map[string]gameproc.Entry{
		ref.name: {Command: []string{prog, ref.file}, Dir: filepath.Join(examples(t), ref.dir)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "games.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "SIMPIPE_GAMES_FILE="+path)
}

// runBin runs the binary to completion and fails the test unless it exits 0.
func runBin(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(simpipeBin(t), args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("simpipe %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// runReport is the part of 'inspect --json' these tests read.
type runReport struct {
	ResultsDigest string `json:"results_digest"`
	GamesTotal    uint64 `json:"games_total"`
	GamesDone     uint64 `json:"games_done"`
	Failed        uint64 `json:"failed"`
}

func inspectDB(t *testing.T, env []string, db string) runReport {
	t.Helper()
	var r runReport
	out := runBin(t, env, "inspect", "--json", db)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("inspect --json: %v\n%s", err, out)
	}
	return r
}

// runArgs is a run of spec into db with the lineup args.
func runArgs(db, spec string, args ...string) []string {
	return append([]string{"run", "--db", db, "--game", spec, "--seed", "11", "--progress", "none", "--workers", "2"}, args...)
}

// TestHiddenCommands runs the binary on the Go Fish reference: simpipe
// gametest passes it with 3 seats; a run has the results digest of the same run of the
// built-in gofish, with random players and with MCTS; and a run that is
// SIGKILLed halfway (simpipe and, by Pdeathsig, its game processes) and run
// again finishes with that digest too.
func TestHiddenCommands(t *testing.T) {
	env := cmdGames(t, gofishPy)
	spec := "exec:" + gofishPy.name
	t.Run("Gametest", func(t *testing.T) {
		runBin(t, env, "gametest", "--game", spec+":players=3", "--games", "8")
	})
	digest := func(t *testing.T, spec string, args ...string) runReport {
		db := filepath.Join(t.TempDir(), "run.db")
		runBin(t, env, runArgs(db, spec, args...)...)
		return inspectDB(t, env, db)
	}
	lineups := []struct {
		name, params string
		args         []string
	}{
		{"Random", "", []string{"--games", "2000", "--chunk", "100"}},
		{"Random3", ":players=3", []string{"--games", "1000"}},
		{"MCTS", "", []string{"--games", "4", "--players", "mcts:iterations=50,random"}},
	}
	for _, l := range lineups {
		t.Run("Digest"+l.name, func(t *testing.T) {
			want := digest(t, "gofish"+l.params, l.args...)
			got := digest(t, spec+l.params, l.args...)
			if got.ResultsDigest != want.ResultsDigest || got.GamesDone != want.GamesTotal || got.Failed != 0 {
				t.Fatalf("%s: digest %s, %d of %d done, %d failed; built-in gofish: %s", spec+l.params, got.ResultsDigest, got.GamesDone, got.GamesTotal, got.Failed, want.ResultsDigest)
			}
		})
	}
	t.Run("KillResume", func(t *testing.T) {
		args := []string{"--games", "4000", "--chunk", "50"}
		want := digest(t, "gofish", args...)
		db := filepath.Join(t.TempDir(), "kill.db")
		killWhenCommitted(t, env, runArgs(db, spec, args...), db, 800)
		mid := inspectDB(t, env, db)
		if mid.GamesDone == 0 || mid.GamesDone >= mid.GamesTotal {
			t.Fatalf("after the kill %d of %d games are done; the kill must land mid-run", mid.GamesDone, mid.GamesTotal)
		}
		runBin(t, env, runArgs(db, spec, args...)...)
		got := inspectDB(t, env, db)
		if got.ResultsDigest != want.ResultsDigest || got.GamesDone != want.GamesTotal || got.Failed != 0 {
			t.Fatalf("killed at %d games and resumed: digest %s, %d done, %d failed; undisturbed built-in run: %s", mid.GamesDone, got.ResultsDigest, got.GamesDone, got.Failed, want.ResultsDigest)
		}
		t.Logf("killed with %d of %d games committed; resumed to the built-in digest", mid.GamesDone, got.GamesTotal)
	})
}

// killWhenCommitted starts the binary with args and SIGKILLs it once its
// live status reports at least n committed games. It fails the test if
// the run ends by itself first or does not die of the signal.
func killWhenCommitted(t *testing.T, env, args []string, db string, n uint64) {
	t.Helper()
	cmd := exec.Command(simpipeBin(t), args...)
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
poll:
	for {
		select {
		case err = <-done:
			t.Fatalf("the run ended (%v) before %d games were committed", err, n)
		case <-time.After(20 * time.Millisecond):
			if st, qerr := pipeline.QueryLive(db, time.Second); qerr == nil && st.GamesDone >= n {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				err = <-done
				break poll
			}
		}
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the run exited with %v, want death by SIGKILL", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the run exited with %v, want death by SIGKILL", err)
	}
}
