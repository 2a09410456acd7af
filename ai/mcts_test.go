package ai_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
)

func mctsGame(t testing.TB, spec string) game.Game {
	t.Helper()
	g, err := builtin.Registry().New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func newMCTS(t testing.TB, g game.Game, iterations int, ev ai.Evaluator, cutoff int) *ai.MCTS {
	t.Helper()
	m, err := ai.NewMCTS(g, iterations, 0.5, ev, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// position plays moves from g's start.
func position(t testing.TB, g game.Game, moves ...game.Move) game.State {
	t.Helper()
	st := g.NewState()
	for _, m := range moves {
		if !slices.Contains(st.Legal(nil), m) {
			t.Fatalf("%d is not legal in\n%s", m, st)
		}
		st.Apply(m)
	}
	return st
}

// tactic is a position, reached by moves from the start, with the one move
// that a search must find.
type tactic struct {
	name, game string
	moves      []game.Move
	want       game.Move
}

// tactics are the positions every search must solve.
var tactics = []tactic{
	// x holds 0 1, o holds 3 4: x completes the top row.
	{"tictactoe/win", "tictactoe", []game.Move{0, 3, 1, 4}, 2},
	// x holds the corners 0 8, o threatens 3 4 5: x must block.
	{"tictactoe/block", "tictactoe", []game.Move{0, 3, 8, 4}, 5},
	// x has three in column 0.
	{"connect4/win", "connect4", []game.Move{0, 1, 0, 1, 0, 1}, 0},
	// o has three in column 1, x nothing to win with.
	{"connect4/block", "connect4", []game.Move{0, 1, 0, 1, 5, 1}, 1},
	// o (to move) has three in column 2 and x threatens column 1.
	{"connect4/win-before-block", "connect4", []game.Move{1, 2, 1, 2, 1, 2, 5}, 2},
}

// winInTwo is a tactic for the searches that look further ahead: x holds
// the bottom of columns 1 and 2, o the cells above; x3 makes an open three
// on the bottom row, a double threat that wins in two moves, while x0 or
// x4 make a single threat.
var winInTwo = tactic{"connect4/win-in-two", "connect4", []game.Move{1, 1, 2, 2}, 3}

func TestMCTSTactics(t *testing.T) {
	for _, tc := range tactics {
		t.Run(tc.name, func(t *testing.T) {
			g := mctsGame(t, tc.game)
			st := position(t, g, tc.moves...)
			m := newMCTS(t, g, 400, nil, 0)
			for seed := range uint64(5) {
				if got := m.Choose(st, st.Legal(nil), game.NewRNG(7, seed)); got != tc.want {
					t.Errorf("seed %d: played %s, want %s in\n%s", seed, st.MoveString(got), st.MoveString(tc.want), st)
				}
			}
		})
	}
}

// checkedPlayer fails the test when p returns a move outside legal or
// changes the state it was shown.
type checkedPlayer struct {
	t testing.TB
	p game.Player
}

func (c checkedPlayer) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	before := s.String()
	m := c.p.Choose(s, legal, rng)
	if !slices.Contains(legal, m) {
		c.t.Fatalf("move %d not among legal %v in\n%s", m, legal, s)
	}
	if s.String() != before {
		c.t.Fatalf("Choose changed the state:\n%s\nto\n%s", before, s)
	}
	return m
}

// playMatch plays games games of g with the MCTS player in seat i%n for game
// i and Random elsewhere, and returns the MCTS wins, draws and the games'
// moves.
func playMatch(t testing.TB, g game.Game, m game.Player, games int, seed uint64) (wins, draws int, moves [][]game.Move) {
	t.Helper()
	var sc game.Scratch
	st := g.NewState()
	n := g.Players()
	for i := range games {
		seat := i % n
		players := make([]game.Player, n)
		for s := range players {
			players[s] = ai.Random{}
		}
		players[seat] = checkedPlayer{t, m}
		st.Reset()
		out := game.Play(st, players, game.NewRNG(seed, uint64(i)), 0, &sc)
		if !out.Completed {
			t.Fatalf("game %d not completed", i)
		}
		switch {
		case out.Winners.Has(seat):
			wins++
		case out.Winners == 0:
			draws++
		}
		moves = append(moves, slices.Clone(out.Moves))
	}
	return wins, draws, moves
}

func TestMCTSDeterministic(t *testing.T) {
	for _, spec := range []string{"tictactoe", "connect4", "hex:size=5", "pig:players=3,target=20", "gofish:players=3"} {
		t.Run(spec, func(t *testing.T) {
			// The second match reuses the player: its leftover tree
			// memory must not matter.
			g := mctsGame(t, spec)
			m := newMCTS(t, g, 30, nil, 0)
			_, _, a := playMatch(t, g, m, 2, 3)
			_, _, b := playMatch(t, g, m, 2, 3)
			_, _, c := playMatch(t, g, newMCTS(t, g, 30, nil, 0), 2, 3)
			if !slices.EqualFunc(a, b, slices.Equal) || !slices.EqualFunc(a, c, slices.Equal) {
				t.Errorf("the same seeds gave different games")
			}
		})
	}
}

func TestMCTSBeatsRandomConnect4(t *testing.T) {
	g := mctsGame(t, "connect4")
	games := shortOr(30, 100) // -short (the race run): fewer games, same bar
	wins, draws, _ := playMatch(t, g, newMCTS(t, g, 200, nil, 0), games, 1)
	t.Logf("mcts:iterations=200 vs random at connect4: %d wins, %d draws, %d losses of %d", wins, draws, games-wins-draws, games)
	if wins < games*9/10 {
		t.Errorf("%d wins of %d, want at least 90%%", wins, games)
	}
}

// shortOr returns short under -short, else long.
func shortOr(short, long int) int {
	if testing.Short() {
		return short
	}
	return long
}

func TestMCTSPig(t *testing.T) {
	g := mctsGame(t, "pig")
	games := shortOr(60, 200)
	wins, draws, _ := playMatch(t, g, newMCTS(t, g, 100, nil, 0), games, 2)
	t.Logf("mcts:iterations=100 vs random at pig: %d wins, %d draws of %d", wins, draws, games)
	if wins < games*3/4 {
		t.Errorf("%d wins of %d, want at least 75%%", wins, games)
	}
	g3 := mctsGame(t, "pig:players=3")
	wins, _, _ = playMatch(t, g3, newMCTS(t, g3, 100, nil, 0), 30, 3)
	t.Logf("3 seats, mcts:iterations=100 vs 2 random: %d wins of 30", wins)
	if wins < 20 {
		t.Errorf("3 seats: %d wins of 30, want at least 20", wins)
	}
}

func TestMCTSGofish(t *testing.T) {
	for _, n := range []int{2, 3} {
		g := mctsGame(t, fmt.Sprintf("gofish:players=%d", n))
		games := 10 * n
		wins, draws, _ := playMatch(t, g, newMCTS(t, g, 50, nil, 0), games, 4)
		t.Logf("gofish:players=%d: mcts:iterations=50 won %d, drew %d of %d", n, wins, draws, games)
	}
}

// viewOnly is a hidden-information game whose views cannot be determinized.
type viewOnly struct{ game.Game }

type viewOnlyState struct{ game.State }

func (g viewOnly) NewState() game.State          { return viewOnlyState{g.Game.NewState()} }
func (s viewOnlyState) View(seat int) game.State { return s.State }

func TestMCTSNeedsDeterminizer(t *testing.T) {
	_, err := ai.NewMCTS(viewOnly{mctsGame(t, "tictactoe")}, 10, 0.5, nil, 0)
	if !errors.Is(err, ai.ErrNoDeterminizer) {
		t.Errorf("NewMCTS on a hidden game without Determinizer: %v, want ErrNoDeterminizer", err)
	}
}

// cellEvaluator says that seat 0 wins exactly when it holds the bottom cell
// of column col (row 5 of connect4's 6).
type cellEvaluator struct {
	col   int
	calls int
}

func (e *cellEvaluator) Evaluate(st game.State, seat int) float64 {
	e.calls++
	p := 0.02
	if s, _ := st.(game.BoardState).Cell(5*7 + e.col); s == 0 {
		p = 0.98
	}
	if seat == 1 {
		p = 1 - p
	}
	return p
}

func TestMCTSGuidedCutoff(t *testing.T) {
	g := mctsGame(t, "connect4")
	st := g.NewState()
	for _, col := range []int{2, 6} {
		ev := &cellEvaluator{col: col}
		const iterations = 100
		m := newMCTS(t, g, iterations, ev, 0)
		got := m.Choose(st, st.Legal(nil), game.NewRNG(1, 0))
		if got != game.Move(col) {
			t.Errorf("evaluator favouring column %d: played %d", col, got)
		}
		// Cutoff 0 scores every new node, for both seats.
		if ev.calls != 2*iterations {
			t.Errorf("evaluator called %d times in %d iterations, want %d", ev.calls, iterations, 2*iterations)
		}
	}
	// With a cutoff of a few plies the evaluator still decides.
	ev := &cellEvaluator{col: 4}
	if got := newMCTS(t, g, 200, ev, 3).Choose(st, st.Legal(nil), game.NewRNG(1, 0)); got != 4 {
		t.Errorf("cutoff 3, evaluator favouring column 4: played %d", got)
	}
	if ev.calls == 0 {
		t.Error("cutoff 3: evaluator never called")
	}
	// Unguided, the first move is the centre column.
	if got := newMCTS(t, g, 2000, nil, 0).Choose(st, st.Legal(nil), game.NewRNG(1, 0)); got != 3 {
		t.Logf("unguided opening: column %d", got)
	}
}

// emptyModel is a connect4 ai.json without features: every position 0.5.
var emptyModel = []byte(`{"game":"connect4","features":[],"weights":[],"intercept":0}`)

// playLineup parses spec for connect4, every file= resolving to
// emptyModel, plays one game with it and returns its players.
func playLineup(t testing.TB, spec string) []game.Player {
	t.Helper()
	g := mctsGame(t, "connect4")
	l, err := ai.ParseLineupWith(spec, g, func(string) ([]byte, error) { return emptyModel, nil })
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	players, err := l.Players()
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	var sc game.Scratch
	if out := game.Play(g.NewState(), players, game.NewRNG(1, 0), 0, &sc); !out.Completed {
		t.Errorf("%s: game not completed", spec)
	}
	return players
}

func TestMCTSKinds(t *testing.T) {
	g := mctsGame(t, "connect4")
	src := func(string) ([]byte, error) { return emptyModel, nil }
	for _, spec := range []string{"mcts", "mcts:iterations=20,c=70", "mcts:iterations=20,file=m.json", "ai:iterations=20,cutoff=2,file=m.json,random"} {
		playLineup(t, spec)
	}
	if _, err := ai.ParseLineupWith("ai", g, src); err == nil {
		t.Error("ai without file= accepted")
	}
	if _, err := ai.ParseLineup("mcts", mctsGame(t, "gofish:players=4")); err != nil {
		t.Errorf("mcts for gofish: %v", err)
	}
}

func benchmarkMCTS(b *testing.B, spec string) {
	g := mctsGame(b, spec)
	const iterations = 1000
	m := newMCTS(b, g, iterations, nil, 0)
	rng := game.NewRNG(1, 0)
	st := g.NewState()
	for st.ToMove() == game.Chance { // deal the cards
		legal := st.Legal(nil)
		st.Apply(legal[rng.IntN(len(legal))])
	}
	legal := st.Legal(nil)
	if h, ok := st.(game.HiddenState); ok {
		st = h.View(st.ToMove())
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Choose(st, legal, rng)
	}
	b.ReportMetric(float64(b.N*iterations)/b.Elapsed().Seconds(), "iterations/s")
}

func BenchmarkMCTSConnect4(b *testing.B) { benchmarkMCTS(b, "connect4") }
func BenchmarkMCTSHex7(b *testing.B)     { benchmarkMCTS(b, "hex:size=7") }
func BenchmarkMCTSPig(b *testing.B)      { benchmarkMCTS(b, "pig") }
func BenchmarkMCTSGofish(b *testing.B)   { benchmarkMCTS(b, "gofish") }
