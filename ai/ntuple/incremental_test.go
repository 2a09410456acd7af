package ntuple_test

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
)

// cellOnly hides a state's game.CellCoder, so Eval reads it cell by cell.
type cellOnly struct{ game.BoardState }

// refIndices is the reference for Eval.Active: every image's index
// computed from scratch through Cell, the first cell least significant.
func refIndices(n *ntuple.Network, s game.Structure, b game.BoardState, seat int) []int32 {
	P := max(1, len(s.Pieces))
	state := func(i int) int {
		o, p := b.Cell(i)
		if p < 0 || p >= P {
			p = 0
		}
		switch {
		case o < 0:
			return 0
		case o == seat:
			return 1 + p
		default:
			return 1 + P + p
		}
	}
	var out []int32
	base := naiveSetStart(n, seat)
	for _, t := range n.Tuples {
		for _, name := range append([]string{""}, n.Symmetries...) {
			perm := s.SymmetryMap(name)
			idx, mul := 0, 1
			for _, c := range t {
				if perm != nil {
					c = perm[c]
				}
				idx += state(c) * mul
				mul *= n.States
			}
			out = append(out, int32(base+idx))
		}
		base += n.TableSize(len(t))
	}
	return out
}

// TestIncrementalRead plays random games of every built-in board game and
// reads each position, for seats in a random order, into one long-lived
// Eval (which updates only the changed cells) with and without the game's
// CellCoder, and with either at random: its indices must be the reference's and its Sum the sum of
// their weights in image order, bit for bit. It runs with one shared set of
// tables and with one set per seat.
func TestIncrementalRead(t *testing.T) {
	reg := builtin.Registry()
	for _, spec := range []string{"connect4", "hex:size=7", "hex:size=5,swap=1", "othello", "breakthrough", "checkers", "tictactoe"} {
		for _, l := range layouts {
			t.Run(spec+"/"+l.name, func(t *testing.T) { testIncrementalRead(t, reg, spec, l.net) })
		}
	}
}

func testIncrementalRead(t *testing.T, reg *game.Registry, spec string, net func(*testing.T, game.Structure, uint64) *ntuple.Network) {
	g, err := reg.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := g.Structure()
	n := net(t, s, 7)
	fast, err := ntuple.Compile(n, s)
	if err != nil {
		t.Fatal(err)
	}
	slow, _ := ntuple.Compile(n, s)
	mixed, _ := ntuple.Compile(n, s)  // reads both ways, at random
	keeper, _ := ntuple.Compile(n, s) // ReadKeep, with a Read at times
	rng := game.NewRNG(5, 0)
	var legal []game.Move
	var keptWant []float64
	batch := 1
	for range 20 {
		st := g.NewState()
		for !st.Terminal() {
			bs := st.(game.BoardState)
			for range 2 {
				seat := rng.IntN(3) - 1
				want := refIndices(n, s, bs, seat)
				var wantSum float32
				for _, i := range want {
					wantSum += n.Weights[i]
				}
				fast.Read(bs, seat)
				slow.Read(cellOnly{bs}, seat)
				if rng.IntN(2) == 0 {
					mixed.Read(bs, seat)
				} else {
					mixed.Read(cellOnly{bs}, seat)
				}
				for _, e := range []*ntuple.Eval{fast, slow, mixed} {
					if got := e.Active(nil); !slices.Equal(got, want) {
						t.Fatalf("seat %d on\n%v\nindices %v, want %v", seat, st, got, want)
					}
					if got := e.Sum(); got != float64(wantSum) {
						t.Fatalf("seat %d on\n%v\nSum %v, want %v", seat, st, got, wantSum)
					}
				}
				// Batches of 1 to 9 boards sum as each alone.
				keptWant = append(keptWant, float64(wantSum))
				if fast.Keep() != len(keptWant) {
					t.Fatalf("Keep counts %d boards, want %d", fast.Keep()-1, len(keptWant))
				}
				switch rng.IntN(4) {
				case 0:
					keeper.Read(bs, rng.IntN(2))
				case 1:
					keeper.Read(cellOnly{bs}, seat)
				}
				if rng.IntN(4) == 0 {
					keeper.ReadKeep(cellOnly{bs}, seat)
				} else {
					keeper.ReadKeep(bs, seat)
				}
				if len(keptWant) == batch {
					if got := fast.SumKept(nil); !slices.Equal(got, keptWant) {
						t.Fatalf("SumKept of %d boards: %v, want %v", batch, got, keptWant)
					}
					if got := keeper.SumKept(nil); !slices.Equal(got, keptWant) {
						t.Fatalf("SumKept of %d boards kept by ReadKeep: %v, want %v", batch, got, keptWant)
					}
					keptWant, batch = keptWant[:0], 1+rng.IntN(9)
				}
			}
			legal = st.Legal(legal[:0])
			st.Apply(legal[rng.IntN(len(legal))])
		}
	}
}

// TestCellCodes checks every built-in game's CellCoder against its Cell
// along random games.
func TestCellCodes(t *testing.T) {
	reg := builtin.Registry()
	for _, spec := range []string{"connect4", "hex:size=7", "hex:size=5,swap=1", "othello", "breakthrough", "checkers", "tictactoe"} {
		g, err := reg.New(spec)
		if err != nil {
			t.Fatal(err)
		}
		s := g.Structure()
		P := max(1, len(s.Pieces))
		codes := make([]uint8, s.Cells())
		rng := game.NewRNG(6, 0)
		var legal []game.Move
		for range 20 {
			st := g.NewState()
			for !st.Terminal() {
				if cc, ok := st.(game.CellCoder); ok {
					cc.CellCodes(codes)
					for i, code := range codes {
						want := uint8(0)
						if o, p := st.(game.BoardState).Cell(i); o >= 0 {
							want = uint8(1 + o*P + p)
						}
						if code != want {
							t.Fatalf("%s: cell %d has code %d, Cell says %d on\n%v", spec, i, code, want, st)
						}
					}
				}
				legal = st.Legal(legal[:0])
				st.Apply(legal[rng.IntN(len(legal))])
			}
		}
	}
}
