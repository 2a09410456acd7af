package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game/gameproc"
)

// needTool returns the path of prog, skipping the test when it is missing
// unless the variable require is set (.ci/run sets it).
func needTool(t *testing.T, prog, require string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv(require) != "" {
			t.Fatalf("%s is required (%s=%s) but missing: %v", prog, require, os.Getenv(require), err)
		}
		t.Skipf("%s not found (set %s=1 to make this a failure)", prog, require)
	}
	return p
}

// execGames writes a games file declaring both connect-four references and
// the faulty one, and returns the environment naming it.
func execGames(t *testing.T, faultEnv map[string]string, timeout string) []string {
	t.Helper()
	py := needTool(t, "python3", "SIMPIPE_REQUIRE_PYTHON")
	abs, err := filepath.Abs(filepath.Join("..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	games := gameproc.GamesFile{Games: map[string]gameproc.Entry{
		"c4py":   {Command: []string{py, "connect4.py"}, Dir: filepath.Join(abs, "connect4-py")},
		"faulty": {Command: []string{py, "faulty.py"}, Dir: mustAbs(t, filepath.Join("testdata", "gameproc")), Env: faultEnv, Timeout: timeout},
	}}
	if node, err := exec.LookPath("node"); err == nil {
		games.Games["c4js"] = gameproc.Entry{Command: []string{node, "connect4.js"}, Dir: filepath.Join(abs, "connect4-js")}
	} else if os.Getenv("SIMPIPE_REQUIRE_NODE") != "" {
		t.Fatalf("node is required (SIMPIPE_REQUIRE_NODE is set) but missing")
	}
	raw, _ := json.Marshal(games)
	path := filepath.Join(t.TempDir(), "games.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"SIMPIPE_GAMES_FILE=" + path}
}

func hasNode() bool { _, err := exec.LookPath("node"); return err == nil }

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// execRun runs a batch of game spec and returns its report.
func execRun(t *testing.T, env []string, spec string, wantCode int, args ...string) report {
	t.Helper()
	db := filepath.Join(t.TempDir(), "run.db")
	args = append([]string{"run", "--db", db, "--game", spec, "--seed", "11", "--progress", "none", "--workers", "2"}, args...)
	r := simpipe(t, env, args...)
	if r.code != wantCode {
		t.Fatalf("%s: exit %d, want %d: %s", spec, r.code, wantCode, r.stderr)
	}
	return inspect(t, db)
}

// TestExecDigest: a run of the Python and of the JavaScript connect four
// through the protocol has the digest of the built-in connect four, with
// random players and with MCTS.
func TestExecDigest(t *testing.T) {
	env := execGames(t, nil, "")
	lineups := []struct {
		name string
		args []string
	}{
		{"Random", []string{"--games", "3000"}},
		{"MCTS", []string{"--games", "6", "--players", "mcts:iterations=100,random"}},
	}
	for _, l := range lineups {
		t.Run(l.name, func(t *testing.T) {
			want := execRun(t, env, "connect4", 0, l.args...)
			for _, spec := range []string{"exec:c4py", "exec:c4js"} {
				if spec == "exec:c4js" && !hasNode() {
					continue
				}
				got := execRun(t, env, spec, 0, l.args...)
				if got.ResultsDigest != want.ResultsDigest || got.GamesDone != want.GamesTotal {
					t.Errorf("%s: digest %s, %d of %d done; built-in connect4: %s", spec, got.ResultsDigest, got.GamesDone, got.GamesTotal, want.ResultsDigest)
				}
			}
		})
	}
}

// TestExecFaults plants faults in the game process — SIGKILL, garbage, a
// reply out of protocol, a hang past the timeout — several times in a run;
// each run ends with every game done exactly once and the digest of an
// undisturbed run, and the strikes really happened.
func TestExecFaults(t *testing.T) {
	want := execRun(t, execGames(t, nil, ""), "exec:c4py", 0, "--games", "600", "--chunk", "50")
	for _, fault := range []string{"kill", "garbage", "protocol", "hang", "exit"} {
		t.Run(fault, func(t *testing.T) {
			dir := t.TempDir()
			times := "4"
			if fault == "hang" {
				times = "2"
			}
			env := execGames(t, map[string]string{"FAULT": fault, "FAULT_AT": "3", "FAULT_TIMES": times, "FAULT_DIR": dir}, "2s")
			got := execRun(t, env, "exec:faulty", 0, "--games", "600", "--chunk", "50")
			strikes, _ := filepath.Glob(filepath.Join(dir, "strike-*"))
			if fmt.Sprint(len(strikes)) != times {
				t.Fatalf("%d strikes of %s, want %s: the fault never happened", len(strikes), fault, times)
			}
			if got.ResultsDigest != want.ResultsDigest || got.GamesDone != 600 || got.Failed != 0 {
				t.Fatalf("%s: digest %s, done %d, failed %d; undisturbed %s", fault, got.ResultsDigest, got.GamesDone, got.Failed, want.ResultsDigest)
			}
		})
	}
}

// TestExecKeepsFailing: a process that dies on every game ends the game as
// failed, with the exit status and the tail of its standard error.
func TestExecKeepsFailing(t *testing.T) {
	dir := t.TempDir()
	env := execGames(t, map[string]string{"FAULT": "exit", "FAULT_AT": "1", "FAULT_TIMES": "1000", "FAULT_DIR": dir}, "")
	got := execRun(t, env, "exec:faulty", exitGamesFailed, "--games", "3", "--chunk", "1", "--retries", "1")
	if got.Failed != 3 || len(got.Failures) == 0 {
		t.Fatalf("failed %d, failures %d; want 3 failed", got.Failed, len(got.Failures))
	}
	f := got.Failures[0]
	if f.Attempts != 2 || !strings.Contains(f.Error, "exit status 3") || !strings.Contains(f.Error, "faulty: exit at request 1") {
		t.Fatalf("failure %+v: want 2 attempts, the exit status and the stderr tail", f)
	}
}

// TestExecNATS: an external game played by NATS workers, each starting its
// own game processes from its own games file (the job names the game), has
// the digest of a local run of the built-in connect four.
func TestExecNATS(t *testing.T) {
	env := execGames(t, nil, "")
	args := []string{"--games", "3000", "--chunk", "100", "--seed", "11", "--progress", "none"}
	want := execRun(t, env, "connect4", 0, "--games", "3000", "--chunk", "100")
	url := startNATS(t)
	db := filepath.Join(t.TempDir(), "nats.db")
	coord := start(t, env, append([]string{"run", "--db", db, "--nats", url, "--lease", "5s", "--game", "exec:c4py"}, args...)...)
	w1 := start(t, env, "worker", "--nats", url, "--workers", "1")
	w2 := start(t, env, "worker", "--nats", url, "--workers", "1")
	if code := coord.wait(t, 120*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	stopWorker(t, w1)
	stopWorker(t, w2)
	got := inspect(t, db)
	if got.ResultsDigest != want.ResultsDigest || got.GamesDone != 3000 {
		t.Fatalf("through NATS: digest %s, %d done; local built-in: %s", got.ResultsDigest, got.GamesDone, want.ResultsDigest)
	}
}

// alive reports whether pid is a process that has not exited (a zombie
// waiting for its parent counts as exited).
func alive(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(raw), ") ")
	return !strings.HasPrefix(after, "Z") && !strings.HasPrefix(after, "X")
}

// TestExecNoOrphans stops a run of an external game with Ctrl-C (SIGINT),
// and SIGKILLs another whose game process hangs without reading its input:
// no game process outlives simpipe.
func TestExecNoOrphans(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			fault := map[string]string{"PID_DIR": dir}
			if sig == syscall.SIGKILL { // only the kernel (Pdeathsig) can stop it now
				fault = map[string]string{"PID_DIR": dir, "FAULT": "hang", "FAULT_AT": "30", "FAULT_TIMES": "1", "FAULT_DIR": dir}
			}
			env := execGames(t, fault, "10m")
			db := filepath.Join(t.TempDir(), "run.db")
			p := start(t, env, "run", "--db", db, "--game", "exec:faulty", "--games", "10000000", "--chunk", "256", "--workers", "2", "--progress", "log")
			want := 2 // both simulators' processes
			if sig == syscall.SIGKILL {
				want = 1 // the one that hangs
			}
			var pids []int
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d game processes started, want %d: %s", len(pids), want, p.stderr())
				}
				files, _ := filepath.Glob(filepath.Join(dir, "pid-*"))
				pids = pids[:0]
				for _, f := range files {
					pid, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(f), "pid-"))
					pids = append(pids, pid)
				}
				strikes, _ := filepath.Glob(filepath.Join(dir, "strike-*"))
				if len(pids) >= want && (sig != syscall.SIGKILL || len(strikes) > 0) {
					break
				}
			}
			_ = p.cmd.Process.Signal(sig)
			p.wait(t, 60*time.Second)
			for _, pid := range pids {
				for deadline := time.Now().Add(30 * time.Second); alive(pid); time.Sleep(50 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("game process %d outlived simpipe (%v)", pid, sig)
					}
				}
			}
		})
	}
}

// TestExecOnPath: a program simpipe-game-NAME on PATH is the game
// exec:NAME, listed by 'simpipe games'.
func TestExecOnPath(t *testing.T) {
	py := needTool(t, "python3", "SIMPIPE_REQUIRE_PYTHON")
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\nexec %s %s\n", py, mustAbs(t, filepath.Join("..", "examples", "connect4-py", "connect4.py")))
	if err := os.WriteFile(filepath.Join(dir, "simpipe-game-pathc4"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH"), "SIMPIPE_GAMES_FILE=", "XDG_CONFIG_HOME=" + dir}
	r := simpipe(t, env, "games", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "exec:pathc4"`) {
		t.Fatalf("games: exit %d, exec:pathc4 not listed:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = simpipe(t, env, "gametest", "--game", "exec:pathc4", "--games", "20")
	if r.code != 0 {
		t.Fatalf("gametest: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// TestExecResume SIGKILLs simpipe twice in the middle of a run of an
// external game and resumes it: every game is played exactly once and the
// digest is the built-in game's.
func TestExecResume(t *testing.T) {
	env := execGames(t, nil, "")
	args := []string{"--game", "exec:c4py", "--games", "20000", "--chunk", "200", "--seed", "11", "--progress", "none", "--workers", "2"}
	want := execRun(t, env, "connect4", 0, "--games", "20000", "--chunk", "200")
	db := filepath.Join(t.TempDir(), "resume.db")
	for kill, at := range []uint64{2000, 9000} {
		p := start(t, env, append([]string{"run", "--db", db}, args...)...)
		done := waitLiveGames(t, db, at, 120*time.Second)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		p.wait(t, 60*time.Second)
		t.Logf("kill %d after %d live games", kill+1, done)
	}
	if r := simpipe(t, env, append([]string{"run", "--db", db}, args...)...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	got := inspect(t, db)
	if got.ResultsDigest != want.ResultsDigest || got.GamesDone != 20000 || got.Failed != 0 {
		t.Fatalf("resumed: digest %s, done %d, failed %d; built-in %s", got.ResultsDigest, got.GamesDone, got.Failed, want.ResultsDigest)
	}
	verify(t, db)
}
