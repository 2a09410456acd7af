package gameproc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/connect4"
	"github.com/simpipe/simpipe/game/gameproc"
	"github.com/simpipe/simpipe/game/gametest"
)

// examples is the examples directory of this module.
func examples(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples")
}

// interpreter returns the path of prog, skipping the test when it is
// missing unless the variable require is set (CI sets it).
func interpreter(t testing.TB, prog, require string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv(require) != "" {
			t.Fatalf("%s is required (%s is set) but missing: %v", prog, require, err)
		}
		t.Skipf("%s not found; set %s to make this a failure", prog, require)
	}
	return p
}

// reference is one reference implementation in examples/.
type reference struct {
	name, prog, require, dir, file string
}

var references = []reference{
	{"connect4-py", "python3", "SIMPIPE_REQUIRE_PYTHON", "connect4-py", "connect4.py"},
	{"connect4-js", "node", "SIMPIPE_REQUIRE_NODE", "connect4-js", "connect4.js"},
}

// gamesFile writes a games file with entries and makes it the one
// exec: specs read for the rest of the test.
func gamesFile(t testing.TB, entries map[string]gameproc.Entry) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "games.json")
	raw, err := json.Marshal(gameproc.GamesFile{Games: entries})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	gameproc.SetGamesFile(path)
	t.Cleanup(func() { gameproc.SetGamesFile(""); gameproc.CloseAll() })
}

// open returns the game of ref, declared in a fresh games file, with the
// extra environment env.
func open(t testing.TB, ref reference, env map[string]string) game.Game {
	t.Helper()
	prog := interpreter(t, ref.prog, ref.require)
	gamesFile(t, map[string]gameproc.Entry{ref.name: {
		Command: []string{prog, ref.file}, Dir: filepath.Join(examples(t), ref.dir), Env: env,
	}})
	var reg game.Registry
	gameproc.Register(&reg)
	g, err := reg.New("exec:" + ref.name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestConformance(t *testing.T) {
	for _, ref := range references {
		t.Run(ref.name, func(t *testing.T) {
			gametest.Run(t, open(t, ref, nil))
		})
	}
}

// play plays games 0..n-1 of seed with players and returns their outcomes.
func play(t testing.TB, g game.Game, players []game.Player, seed uint64, n int) []game.Outcome {
	t.Helper()
	var out []game.Outcome
	st := g.NewState()
	var sc game.Scratch
	for i := range n {
		st.Reset()
		o := game.Play(st, players, game.NewRNG(seed, uint64(i)), 0, &sc)
		o.Moves = append([]game.Move(nil), o.Moves...)
		out = append(out, o)
	}
	return out
}

func TestSameGamesAsBuiltin(t *testing.T) {
	mcts := func(g game.Game) game.Player {
		p, err := ai.NewPlayer(g, "mcts:iterations=30")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, ref := range references {
		t.Run(ref.name, func(t *testing.T) {
			g := open(t, ref, nil)
			builtin := connect4.Game{}
			cases := []struct {
				name   string
				games  int
				lineup func(game.Game) []game.Player
			}{
				{"Random", 300, func(game.Game) []game.Player { return []game.Player{ai.Random{}, ai.Random{}} }},
				{"MCTSvsRandom", 3, func(g game.Game) []game.Player { return []game.Player{mcts(g), ai.Random{}} }},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					want := play(t, builtin, tc.lineup(builtin), 7, tc.games)
					got := play(t, g, tc.lineup(g), 7, tc.games)
					for i := range want {
						if !slicesEqual(got[i].Moves, want[i].Moves) || got[i].Winners != want[i].Winners || got[i].Completed != want[i].Completed {
							t.Fatalf("game %d: %v %v, built-in %v %v", i, got[i].Moves, got[i].Winners, want[i].Moves, want[i].Winners)
						}
					}
				})
			}
		})
	}
}

func slicesEqual(a, b []game.Move) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestConformanceCatchesPlantedBugs copies the Python reference with one
// planted bug each and checks that gametest names the right check. A clone
// that shares its board is met by Reset, not Clone: simpipe keeps what the
// process said about a position, so a fork that corrupts its original shows
// when the process is next asked about the original — most often the
// initial position, which every game forks.
func TestConformanceCatchesPlantedBugs(t *testing.T) {
	py := interpreter(t, "python3", "SIMPIPE_REQUIRE_PYTHON")
	cases := []struct {
		name, old, new, check string
	}{
		{"CloneSharesBoard", "c.discs = self.discs[:]", "c.discs = self.discs", "Reset"},
		{"OrderNotByPosition", "return [c for c in range(COLS) if self.open >> c & 1]",
			"global CALLS\n        CALLS += 1\n        out = [c for c in range(COLS) if self.open >> c & 1]\n        return out[CALLS % len(out):] + out[:CALLS % len(out)]", "Replay"},
		{"WrongWinner", "return [self.winner] if", "return [self.winner + 5] if", "Winners"},
	}
	src := filepath.Join(examples(t), "connect4-py")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"connect4.py", "simpipe_game.py"} {
				raw, err := os.ReadFile(filepath.Join(src, f))
				if err != nil {
					t.Fatal(err)
				}
				s := string(raw)
				if f == "connect4.py" {
					if !strings.Contains(s, tc.old) {
						t.Fatalf("connect4.py has no %q to plant the bug in", tc.old)
					}
					s = strings.Replace(s, tc.old, tc.new, 1) + "\nCALLS = 0\n"
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			gamesFile(t, map[string]gameproc.Entry{"planted": {Command: []string{py, "connect4.py"}, Dir: dir}})
			var reg game.Registry
			gameproc.Register(&reg)
			g, err := reg.New("exec:planted")
			if err != nil {
				t.Fatal(err)
			}
			failures := gametest.Check(g, gametest.Options{Games: 30})
			for _, f := range failures {
				if strings.HasPrefix(f, tc.check+":") {
					return
				}
			}
			t.Fatalf("no %s failure; got %q", tc.check, failures)
		})
	}
}

// TestChanceGame plays a Python copy of game/pig (testdata/pig.py) through
// the protocol: it passes the conformance checks, and its games — dice
// drawn by the process from simpipe's words, and by MCTS from the weights
// it reports — equal the built-in pig's.
func TestChanceGame(t *testing.T) {
	py := interpreter(t, "python3", "SIMPIPE_REQUIRE_PYTHON")
	dir, _ := filepath.Abs("testdata")
	gamesFile(t, map[string]gameproc.Entry{"pig": {Command: []string{py, "pig.py"}, Dir: dir}})
	reg := builtin.Registry() // the built-in games and exec:
	for _, spec := range []string{"pig:players=3,target=30,dice=5", "pig:target=20,horizon=15"} {
		t.Run(spec, func(t *testing.T) {
			g, err := reg.New("exec:" + spec)
			if err != nil {
				t.Fatal(err)
			}
			want, err := reg.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			if g.Spec() != "exec:"+want.Spec() || g.MoveBits() != want.MoveBits() || g.Players() != want.Players() {
				t.Fatalf("%s: %d players, %d bits; built-in %s: %d, %d", g.Spec(), g.Players(), g.MoveBits(), want.Spec(), want.Players(), want.MoveBits())
			}
			gametest.RunWith(t, g, gametest.Options{Games: 30})
			lineups := map[string]func(game.Game) []game.Player{
				"Random": func(g game.Game) []game.Player { return randoms(g.Players()) },
				"MCTS": func(g game.Game) []game.Player {
					p, err := ai.NewPlayer(g, "mcts:iterations=20")
					if err != nil {
						t.Fatal(err)
					}
					return append([]game.Player{p}, randoms(g.Players()-1)...)
				},
			}
			for name, lineup := range lineups {
				w := play(t, want, lineup(want), 3, 40)
				got := play(t, g, lineup(g), 3, 40)
				for i := range w {
					if !slicesEqual(got[i].Moves, w[i].Moves) || got[i].Winners != w[i].Winners || got[i].Completed != w[i].Completed {
						t.Fatalf("%s game %d: %v %v, built-in %v %v", name, i, got[i].Moves, got[i].Winners, w[i].Moves, w[i].Winners)
					}
				}
			}
		})
	}
}

func randoms(n int) []game.Player {
	out := make([]game.Player, n)
	for i := range out {
		out[i] = ai.Random{}
	}
	return out
}

// TestRefusals: a process of a protocol version simpipe does not speak, or
// of a hidden-information game speaking version 1, is refused with the
// reason when the game is built.
func TestRefusals(t *testing.T) {
	sh := interpreter(t, "sh", "SIMPIPE_REQUIRE_SH")
	cases := []struct{ name, hello, init, want string }{
		{"Version", `{"protocol":3,"name":"v","doc":"","params":[]}`, `{}`, "speaks protocol 3, want 1 to 2"},
		{"NoVersion", `{"name":"v","doc":"","params":[]}`, `{}`, "speaks protocol 0, want 1 to 2"},
		{"Hidden", `{"protocol":1,"name":"h","doc":"","params":[]}`,
			`{"players":2,"move_bits":3,"structure":{"topology":0,"hidden":true}}`, "hidden information needs protocol version 2"},
		{"Players", `{"protocol":1,"name":"p","doc":"","params":[]}`,
			`{"players":9,"move_bits":3,"structure":{"topology":0}}`, "9 players"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			script := fmt.Sprintf("read l; echo '%s'; read l; echo '%s'; read l\n", tc.hello, tc.init)
			gamesFile(t, map[string]gameproc.Entry{"canned": {Command: []string{sh, "-c", script}}})
			var reg game.Registry
			gameproc.Register(&reg)
			_, err := reg.New("exec:canned")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestBatchPlayouts: games played in one playouts request equal the
// built-in game's, capped or not, including the games whose words ran out
// (a fresh process ships 16 words a game at first) and are played again alone.
func TestBatchPlayouts(t *testing.T) {
	for _, ref := range references {
		t.Run(ref.name, func(t *testing.T) {
			g := open(t, ref, map[string]string{"SIMPIPE_TEST": t.Name()}) // a process of its own
			for _, maxActions := range []int{0, 10} {
				var rngs []*game.RNG
				for i := range 200 {
					rngs = append(rngs, game.NewRNG(5, uint64(i)))
				}
				got := g.NewState().(game.BatchPlayouter).PlayUniformBatch(rngs, maxActions, nil)
				st := connect4.Game{}.NewState()
				var sc game.Scratch
				for i, o := range got {
					st.Reset()
					w := game.Play(st, []game.Player{ai.Random{}, ai.Random{}}, game.NewRNG(5, uint64(i)), maxActions, &sc)
					if !slicesEqual(o.Moves, w.Moves) || o.Winners != w.Winners || o.Completed != w.Completed {
						t.Fatalf("max %d, game %d: %v %v %v, built-in %v %v %v", maxActions, i, o.Moves, o.Winners, o.Completed, w.Moves, w.Winners, w.Completed)
					}
				}
			}
		})
	}
}

// TestPythonLibrariesIdentical: each Python reference ships the protocol
// library beside its rules, so an author copies one directory; the copies
// must stay one library, not drift into two.
func TestPythonLibrariesIdentical(t *testing.T) {
	dir := examples(t)
	a, err := os.ReadFile(filepath.Join(dir, "connect4-py", "simpipe_game.py"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "gofish-py", "simpipe_game.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("examples/connect4-py/simpipe_game.py and examples/gofish-py/simpipe_game.py differ; change both")
	}
}
