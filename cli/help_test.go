package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden help files in testdata/help")

// TestHelpGolden checks every command's --help against testdata/help, so a
// change to the CLI's surface shows up in review. Refresh with
// go test ./cli -run TestHelpGolden -update.
func TestHelpGolden(t *testing.T) {
	commands := []string{"", "run", "inspect", "show", "games", "train", "eval", "play", "move", "gametest", "perft", "export", "jobs",
		"retry", "compact", "report", "ui", "worker", "nats-server"}
	for _, cmd := range commands {
		name := cmd
		if name == "" {
			name = "simpipe"
		}
		t.Run(name, func(t *testing.T) {
			args := []string{"--help"}
			if cmd != "" {
				args = []string{cmd, "--help"}
			}
			var out, errb bytes.Buffer
			if code := runMain(context.Background(), registry(), args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			golden := filepath.Join("testdata", "help", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s --help differs from %s (run with -update if intended):\n%s", name, golden, out.String())
			}
		})
	}
}

// TestConfigFileAndEnv: flags can come from a JSON file (--config) and from
// SIMPIPE_* variables; the command line wins over both.
func TestConfigFileAndEnv(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.json")
	if err := os.WriteFile(cfg, []byte(`{"seed": 7, "progress": "none", "games": 50, "game": "tictactoe"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "c.db")
	if r := simpipe(t, []string{"SIMPIPE_MAX_ACTIONS=6"}, "--config", cfg, "run", "--db", db, "--games", "80"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := inspect(t, db)
	if rep.GamesTotal != 80 || rep.Incomplete == 0 {
		t.Fatalf("report %+v: want 80 games (command line over file) with a cap of 6 actions (env)", rep)
	}
	r := simpipe(t, nil, "inspect", "--json", db)
	if !bytes.Contains([]byte(r.stdout), []byte(`"seed": 7`)) {
		t.Fatalf("seed from the config file not used:\n%s", r.stdout)
	}
	if r := simpipe(t, nil, "--config", filepath.Join(dir, "missing.json"), "games"); r.code != 2 {
		t.Fatalf("missing config file: exit %d", r.code)
	}
}

// TestShellCompletion answers a shell's completion request the way bash's
// 'complete -C simpipe simpipe' asks it (COMP_LINE and COMP_POINT).
func TestShellCompletion(t *testing.T) {
	for line, want := range map[string]string{
		"simpipe ru":       "run\n",
		"simpipe run --ma": "--max-actions\n--max-db-size\n",
	} {
		r := simpipe(t, []string{"COMP_LINE=" + line, "COMP_POINT=" + strconv.Itoa(len(line))})
		got := strings.Split(strings.TrimSpace(r.stdout), "\n")
		slices.Sort(got)
		if r.code != 0 || strings.Join(got, "\n")+"\n" != want {
			t.Errorf("completing %q: exit %d, got %q, want %q", line, r.code, r.stdout, want)
		}
	}
}

func TestRunJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	r := simpipe(t, nil, "run", "--db", db, "--game", "tictactoe", "--games", "100", "--json", "--progress", "none")
	var s runSummary
	if err := json.Unmarshal([]byte(r.stdout), &s); r.code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s", r.code, err, r.stdout)
	}
	if s.GamesDone != 100 || s.Played != 100 || s.ResultsDigest != inspect(t, db).ResultsDigest {
		t.Fatalf("%+v", s)
	}
}

// TestHelpProgName checks that an author's own binary calls itself by its
// name in --help examples, in flag help and in install-completions.
// It sets progName, so it does not run in parallel.
func TestHelpProgName(t *testing.T) {
	defer func(old string) { progName = old }(progName)
	progName = "kalah"
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"inspect", "--help"}, {"retry", "--help"}, {"install-completions"}} {
		var out, errb bytes.Buffer
		code := runMain(context.Background(), registry(), args, &out, &errb)
		if args[0] == "install-completions" && code != 0 && strings.Contains(errb.String(), "shell") {
			t.Logf("install-completions: %s (skipped: no supported login shell)", errb.String())
			continue
		}
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		if s := out.String(); strings.Contains(s, "simpipe ") || !strings.Contains(s, "kalah") {
			t.Errorf("%v names simpipe, or not kalah:\n%s", args, s)
		}
	}
}
