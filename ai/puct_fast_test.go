package ai_test

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
)

// plainGame wraps a game so that its states offer only game.State and
// game.BoardState: no game.CellCoder, no game.Copier, no value copies.
type plainGame struct{ game.Game }

func (g plainGame) NewState() game.State { return &plainState{g.Game.NewState()} }

type plainState struct{ s game.State }

func (p *plainState) Reset()                            { p.s.Reset() }
func (p *plainState) ToMove() int                       { return p.s.ToMove() }
func (p *plainState) Legal(dst []game.Move) []game.Move { return p.s.Legal(dst) }
func (p *plainState) Apply(m game.Move)                 { p.s.Apply(m) }
func (p *plainState) Terminal() bool                    { return p.s.Terminal() }
func (p *plainState) Winners() game.Seats               { return p.s.Winners() }
func (p *plainState) Clone() game.State                 { return &plainState{p.s.Clone()} }
func (p *plainState) MoveString(m game.Move) string     { return p.s.MoveString(m) }
func (p *plainState) String() string                    { return p.s.String() }
func (p *plainState) Cell(i int) (int, int)             { return p.s.(game.BoardState).Cell(i) }

// linearModel is every generated feature of g with small fixed weights.
func linearModel(g game.Game) *ai.Model {
	m := &ai.Model{Game: g.Spec(), Features: features.Generate(g), Intercept: -0.05}
	for i := range m.Features {
		m.Weights = append(m.Weights, float64(i%7-3)/20)
	}
	return m
}

// plainEval hides every method of an Evaluator but Evaluate (the batch
// scoring of a node's children).
type plainEval struct{ ai.Evaluator }

// TestPUCTFastPaths searches positions of random games with an n-tuple
// model twice, on the game itself (incremental board reads through
// game.CellCoder, copies through game.Copier or by value, children scored
// in a batch) and on wrappers that hide those fast paths: every root
// statistic must be the same.
func TestPUCTFastPaths(t *testing.T) {
	for _, spec := range []string{"connect4", "hex:size=7", "othello", "breakthrough", "checkers"} {
		t.Run(spec, func(t *testing.T) {
			g := mctsGame(t, spec)
			pg := plainGame{g}
			mixed := ntupleModel(t, spec, 2) // n-tuples and features
			mixed.Features, mixed.Weights = linearModel(g).Features, linearModel(g).Weights
			for _, m := range []*ai.Model{ntupleModel(t, spec, 1), linearModel(g), mixed, seatModel(t, spec, 5)} {
				search := func(g game.Game, plain bool) *ai.PUCT {
					ev, err := m.Evaluator(g)
					if err != nil {
						t.Fatal(err)
					}
					if plain {
						ev = plainEval{ev}
					}
					return newPUCT(t, g, 300, ev, 0.5)
				}
				fast, slow := search(g, false), search(pg, true)
				moveRNG := game.NewRNG(4, 0)
				var legal []game.Move
				for i := range uint64(6) {
					st, pst := g.NewState(), pg.NewState()
					for ply := 0; ply < 4*int(i) && !st.Terminal(); ply++ {
						legal = st.Legal(legal[:0])
						mv := legal[moveRNG.IntN(len(legal))]
						st.Apply(mv)
						pst.Apply(mv)
					}
					if st.Terminal() {
						continue
					}
					legal = st.Legal(legal[:0])
					a := fast.Choose(st, legal, game.NewRNG(8, i))
					b := slow.Choose(pst, legal, game.NewRNG(8, i))
					fs, ss := fast.RootStats(nil), slow.RootStats(nil)
					if a != b || !slices.Equal(fs, ss) {
						t.Fatalf("%s model, position %d:\n%v\nfast paths chose %v with %v,\nplain state %v with %v", m.Kind, i, st, a, fs, b, ss)
					}
				}
			}
		})
	}
}

// TestGreedyBatch checks the greedy player, which scores its moves in one
// batch, against a one-ply search written with Evaluate, on positions of
// random games with n-tuple and linear models: the same move, ties broken
// by the same draw.
func TestGreedyBatch(t *testing.T) {
	for _, spec := range []string{"connect4", "hex:size=5", "othello"} {
		g := mctsGame(t, spec)
		for _, m := range []*ai.Model{ntupleModel(t, spec, 3), linearModel(g), seatModel(t, spec, 6)} {
			greedy, err := ai.NewGreedy(g, m)
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := m.Evaluator(g)
			rng := game.NewRNG(2, 0)
			var legal []game.Move
			for range 10 {
				for st := g.NewState(); !st.Terminal(); {
					legal = st.Legal(legal[:0])
					seat := st.ToMove()
					var best []int
					var bestV float64
					for i, mv := range legal {
						c := st.Clone()
						c.Apply(mv)
						v := ev.Evaluate(c, seat)
						if c.Terminal() {
							switch w := c.Winners(); {
							case w == 0:
								v = 0.5
							case w.Has(seat):
								v = 1 / float64(w.Len())
							default:
								v = 0
							}
						}
						switch {
						case len(best) == 0 || v > bestV:
							best, bestV = []int{i}, v
						case v == bestV:
							best = append(best, i)
						}
					}
					r1, r2 := *rng, *rng
					want := legal[best[0]]
					if len(best) > 1 {
						want = legal[best[r2.IntN(len(best))]]
					}
					if got := greedy.Choose(st, legal, &r1); got != want {
						t.Fatalf("%s, %s model:\n%v\ngreedy plays %v, the reference %v", spec, m.Kind, st, got, want)
					}
					st.Apply(legal[rng.IntN(len(legal))])
				}
			}
		}
	}
}
