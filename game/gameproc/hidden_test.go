package gameproc_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/gameproc"
	"github.com/simpipe/simpipe/game/gametest"
)

// gofishPy is the hidden-information reference, protocol version 2.
var gofishPy = reference{"gofish-py", "python3", "SIMPIPE_REQUIRE_PYTHON", "gofish-py", "gofish.py"}

// openSpec returns exec:ref.name with params (":players=3"), declared in
// a fresh games file, and the built-in game of builtinSpec.
func openSpec(t testing.TB, ref reference, params, builtinSpec string) (ext, want game.Game) {
	t.Helper()
	open(t, ref, nil) // declares it
	reg := builtin.Registry()
	ext, err := reg.New("exec:" + ref.name + params)
	if err != nil {
		t.Fatal(err)
	}
	if want, err = reg.New(builtinSpec); err != nil {
		t.Fatal(err)
	}
	return ext, want
}

// TestHiddenConformance: the Go Fish reference passes gametest over
// protocol version 2, views and determinizations included. (With 3 seats,
// through simpipe gametest: TestHiddenCommands.)
func TestHiddenConformance(t *testing.T) {
	g, _ := openSpec(t, gofishPy, "", "gofish")
	gametest.RunWith(t, g, gametest.Options{Games: 20})
}

// TestHiddenSameGamesAsBuiltin: games of the Go Fish reference equal the
// built-in gofish's for the same seed, with random players (one playout
// request a game) and with MCTS, whose every iteration searches a
// determinization of the deciding seat's view that the process draws from
// simpipe's words.
func TestHiddenSameGamesAsBuiltin(t *testing.T) {
	for _, params := range []string{"", ":players=3"} {
		t.Run("players"+params, func(t *testing.T) {
			g, want := openSpec(t, gofishPy, params, "gofish"+params)
			if strings.TrimPrefix(g.Spec(), "exec:gofish-py") != strings.TrimPrefix(want.Spec(), "gofish") || g.MoveBits() != want.MoveBits() || g.Players() != want.Players() {
				t.Fatalf("%s: %d players, %d bits; built-in %s: %d, %d", g.Spec(), g.Players(), g.MoveBits(), want.Spec(), want.Players(), want.MoveBits())
			}
			lineups := []struct {
				name   string
				games  int
				lineup func(game.Game) []game.Player
			}{
				{"Random", 200, func(g game.Game) []game.Player { return randoms(g.Players()) }},
				{"MCTS", 3, func(g game.Game) []game.Player {
					p, err := ai.NewPlayer(g, "mcts:iterations=30")
					if err != nil {
						t.Fatal(err)
					}
					return append([]game.Player{p}, randoms(g.Players()-1)...)
				}},
			}
			for _, l := range lineups {
				t.Run(l.name, func(t *testing.T) {
					w := play(t, want, l.lineup(want), 9, l.games)
					got := play(t, g, l.lineup(g), 9, l.games)
					for i := range w {
						if !slicesEqual(got[i].Moves, w[i].Moves) || got[i].Winners != w[i].Winners || got[i].Completed != w[i].Completed {
							t.Fatalf("game %d: %v %v, built-in %v %v", i, got[i].Moves, got[i].Winners, w[i].Moves, w[i].Winners)
						}
					}
				})
			}
		})
	}
}

// TestHiddenDeterminizeAsBuiltin walks random games of the reference and
// of the built-in gofish in step and, at every decision, compares each
// seat's view (text, legal moves, quantities) and a determinization of it
// from the same RNG: the sampled position and the words it used. With 4
// and 6 seats some views are tight enough that the four greedy deals fail
// and the max-flow deal runs (about 1 in 900 determinizations with 4 seats,
// 1 in 300 with 6, counted in the Python reference).
func TestHiddenDeterminizeAsBuiltin(t *testing.T) {
	for _, tc := range []struct {
		params string
		games  int
	}{{":players=4", 12}, {":players=6", 6}} {
		t.Run("players"+tc.params, func(t *testing.T) {
			g, want := openSpec(t, gofishPy, tc.params, "gofish"+tc.params)
			compared := 0
			for i := range tc.games {
				rng := game.NewRNG(21, uint64(i))
				ext, st := g.NewState(), want.NewState()
				for ply := 0; ; ply++ {
					legal := st.Legal(nil)
					if got := ext.Legal(nil); !slicesEqual(got, legal) {
						t.Fatalf("game %d ply %d: legal %v, built-in %v", i, ply, got, legal)
					}
					if len(legal) == 0 {
						break
					}
					var m game.Move
					if st.ToMove() == game.Chance {
						m = legal[rng.Weighted(st.(game.ChanceState).ChanceWeights(nil))]
					} else {
						for viewer := range g.Players() {
							compareViews(t, ext.(game.HiddenState).View(viewer), st.(game.HiddenState).View(viewer), g.Players(),
								game.NewRNG(22, uint64(i)<<32|uint64(ply)<<3|uint64(viewer)))
							compared++
						}
						m = legal[rng.IntN(len(legal))]
					}
					st.Apply(m)
					ext.Apply(m)
				}
			}
			t.Logf("%d views compared", compared)
		})
	}
}

// compareViews fails the test unless the views got (of the reference) and
// want (built in) show the same, and determinize from rng to the same
// position with the same number of draws.
func compareViews(t *testing.T, got, want game.State, players int, rng *game.RNG) {
	t.Helper()
	if g, w := got.String(), want.String(); g != w {
		t.Fatalf("view text\n%s\nbuilt-in\n%s", g, w)
	}
	if g, w := got.Legal(nil), want.Legal(nil); !slicesEqual(g, w) || got.ToMove() != want.ToMove() || got.Terminal() != want.Terminal() {
		t.Fatalf("view legal %v, to move %d; built-in %v, %d, at\n%s", g, got.ToMove(), w, want.ToMove(), want)
	}
	for seat := range players {
		for q := range 2 {
			if g, w := got.(game.QuantityState).Quantity(seat, q), want.(game.QuantityState).Quantity(seat, q); g != w {
				t.Fatalf("view quantity %d of seat %d: %d, built-in %d, at\n%s", q, seat, g, w, want)
			}
		}
	}
	r1, r2 := *rng, *rng
	dg := got.(game.Determinizer).Determinize(&r1)
	dw := want.(game.Determinizer).Determinize(&r2)
	if g, w := dg.String(), dw.String(); g != w {
		t.Fatalf("determinization\n%s\nbuilt-in\n%s\nof the view\n%s", g, w, want)
	}
	if g, w := dg.Legal(nil), dw.Legal(nil); !slicesEqual(g, w) {
		t.Fatalf("determinization's legal %v, built-in %v", g, w)
	}
	if r1 != r2 {
		t.Fatalf("determinization used other draws than the built-in's, of the view\n%s", want)
	}
}

// TestHiddenConformanceCatchesPlantedBugs copies the Go Fish reference with
// one planted bug each and checks that gametest's Hidden check names it.
func TestHiddenConformanceCatchesPlantedBugs(t *testing.T) {
	keepTruth := edit{"", "        self.pub = st.pub.copy()\n\n    def to_move", "        self.pub = st.pub.copy()\n        self.truth = st\n\n    def to_move"}
	cases := []struct {
		name  string
		edits []edit
		want  string // in the Hidden failure
	}{
		{"ViewShowsHands", []edit{keepTruth,
			{"", `        out.append("deck %d\nasks %d"`, `        out.append("hands %r\n" % (self.truth.hand,))` + "\n" + `        out.append("deck %d\nasks %d"`}},
			"of a determinized state differs from the view it was sampled from"},
		{"DeterminizeLeaksTruthAtTimes", []edit{keepTruth,
			{"", "        s = State.__new__(State)\n", "        if words.next() % 2 == 0:\n            return self.truth.clone()\n        s = State.__new__(State)\n"}},
			"Determinize depends on more than the view"},
		{"DeterminizeIgnoresWords", []edit{{"", "        d = Deal(self)\n", "        d = Deal(self)\n        words = simpipe_game.splitmix_words(1)\n"}},
			"Determinize returned the same state for two different rngs"},
		{"ViewHidesMoves", []edit{{"", "        if self.phase != ASK or self.cur != self.seat:\n            return []", "        if True:\n            return []"}},
			"a player must see its own moves"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := plantedGofish(t, tc.edits)
			failures := gametest.Check(g, gametest.Options{Games: 5})
			for _, f := range failures {
				if strings.HasPrefix(f, "Hidden:") && strings.Contains(f, tc.want) {
					return
				}
			}
			t.Fatalf("no Hidden failure saying %q; got %q", tc.want, failures)
		})
	}
}

// TestHandshake: a version 1 process that insists on the version 1 hello
// is still played, and a version 2 process may declare hidden information,
// whose states are game.HiddenState and game.ChanceState as declared.
func TestHandshake(t *testing.T) {
	sh := interpreter(t, "sh", "SIMPIPE_REQUIRE_SH")
	cases := []struct {
		name, hello, init string
		hidden, chance    bool
	}{
		{"StrictVersion1", `case "$l" in *'"protocol":1,'*) echo '{"protocol":1,"name":"s","doc":"","params":[]}';; *) echo '{"error":"not the version 1 hello"}';; esac`,
			`{"players":2,"move_bits":3,"structure":{"topology":0}}`, false, false},
		{"Hidden", `echo '{"protocol":2,"name":"h","doc":"","params":[]}'`,
			`{"players":2,"move_bits":3,"structure":{"topology":0,"hidden":true}}`, true, false},
		{"HiddenChance", `echo '{"protocol":2,"name":"h","doc":"","params":[]}'`,
			`{"players":2,"move_bits":3,"structure":{"topology":0,"hidden":true,"chance":true}}`, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			script := fmt.Sprintf("read l; %s; read l; echo '%s'; read l\n", tc.hello, tc.init)
			gamesFile(t, map[string]gameproc.Entry{"canned": {Command: []string{sh, "-c", script}}})
			var reg game.Registry
			gameproc.Register(&reg)
			g, err := reg.New("exec:canned")
			if err != nil {
				t.Fatal(err)
			}
			st := g.NewState()
			_, hidden := st.(game.HiddenState)
			_, chance := st.(game.ChanceState)
			if hidden != tc.hidden || chance != tc.chance {
				t.Fatalf("%T: HiddenState %v, ChanceState %v; want %v, %v", st, hidden, chance, tc.hidden, tc.chance)
			}
		})
	}
}

// edit replaces the first old with new in a file of a planted copy.
type edit struct{ file, old, new string }

// plantedGofish copies the Go Fish reference with edits (file "" is
// gofish.py) and returns its game, exec:planted.
func plantedGofish(t *testing.T, edits []edit) game.Game {
	t.Helper()
	py := interpreter(t, "python3", "SIMPIPE_REQUIRE_PYTHON")
	src, dir := filepath.Join(examples(t), "gofish-py"), t.TempDir()
	for _, f := range []string{"gofish.py", "simpipe_game.py"} {
		raw, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(raw)
		for _, e := range edits {
			if e.file == f || e.file == "" && f == "gofish.py" {
				if !strings.Contains(s, e.old) {
					t.Fatalf("%s has no %q to plant the bug in", f, e.old)
				}
				s = strings.Replace(s, e.old, e.new, 1)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gamesFile(t, map[string]gameproc.Entry{"planted": {Command: []string{py, "gofish.py"}, Dir: dir}})
	reg := builtin.Registry()
	g, err := reg.New("exec:planted")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestHiddenDigestCatchesPlantedBugs plants bugs that gametest cannot see —
// a determinization that is sound but draws otherwise than the built-in
// gofish, and a miscount of the words used — and checks that MCTS games
// then differ from the built-in's: the digest comparison is what holds
// the reference to Go's draws.
func TestHiddenDigestCatchesPlantedBugs(t *testing.T) {
	cases := []struct {
		name  string
		edits []edit
	}{
		{"UniformDeal", []edit{{"", "r = ranks[words.weighted([rest[r] for r in ranks])]", "r = ranks[words.intn(len(ranks))]"}}},
		{"UsedMiscounted", []edit{{"simpipe_game.py", `"used": words.i, "done": True}`, `"used": words.i + 1, "done": True}`}}},
	}
	mcts := func(g game.Game) []game.Player {
		p, err := ai.NewPlayer(g, "mcts:iterations=30")
		if err != nil {
			t.Fatal(err)
		}
		return []game.Player{p, ai.Random{}}
	}
	want, err := builtin.Registry().New("gofish")
	if err != nil {
		t.Fatal(err)
	}
	w := play(t, want, mcts(want), 9, 2)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := plantedGofish(t, tc.edits)
			if failures := gametest.Check(g, gametest.Options{Games: 5}); len(failures) > 0 {
				t.Fatalf("gametest fails the planted copy, which this test means to be sound: %q", failures)
			}
			got := play(t, g, mcts(g), 9, 2)
			for i := range w {
				if !slicesEqual(got[i].Moves, w[i].Moves) {
					return
				}
			}
			t.Fatal("the planted copy played the built-in's MCTS games")
		})
	}
}
