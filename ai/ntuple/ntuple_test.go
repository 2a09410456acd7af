package ntuple_test

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
)

// board is a BoardState of given cells: {seat, piece}, seat -1 empty.
type board [][2]int

func (b board) Cell(i int) (int, int) { return b[i][0], b[i][1] }

// small is a 3×3 board with the dihedral group and two piece kinds, so a
// cell takes 5 states.
var small = game.Structure{Topology: game.Square, Rows: 3, Cols: 3, Pieces: []string{"man", "king"}, Symmetries: game.Dihedral}

// naiveImage maps (r, c) of an n×n board by the dihedral element named,
// written out independently of game.Structure.SymmetryMap.
func naiveImage(name string, n, r, c int) (int, int) {
	switch name {
	case "":
		return r, c
	case game.MirrorLR:
		return r, n - 1 - c
	case game.FlipTB:
		return n - 1 - r, c
	case game.Rotate180:
		return n - 1 - r, n - 1 - c
	case game.Rotate90: // a quarter turn clockwise: the top row becomes the right column
		return c, n - 1 - r
	case game.Rotate270:
		return n - 1 - c, r
	case game.Transpose:
		return c, r
	case game.AntiTranspose:
		return n - 1 - c, n - 1 - r
	}
	panic(name)
}

// naiveSetStart is where seat's set of tables starts in n.Weights: after
// the sets of the seats before it when n has seat tables (set 0 for a seat
// without one), 0 when it has one shared set.
func naiveSetStart(n *ntuple.Network, seat int) int {
	if n.Seats < 2 || seat < 0 || seat >= n.Seats {
		return 0
	}
	set := 0
	for _, t := range n.Tuples {
		set += int(math.Pow(float64(n.States), float64(len(t))))
	}
	return seat * set
}

// naiveSum is the reference: for every tuple and every map, the index
// Σ state(cell k)·States^k, its table located by summing earlier sizes
// from the start of seat's set.
func naiveSum(n *ntuple.Network, b board, seat, rows int) float64 {
	state := func(i int) int {
		switch o, p := b.Cell(i); {
		case o < 0:
			return 0
		case o == seat:
			return 1 + p
		default:
			return 3 + p
		}
	}
	sum, base := 0.0, naiveSetStart(n, seat)
	for _, t := range n.Tuples {
		for _, name := range append([]string{""}, n.Symmetries...) {
			idx, mul := 0, 1
			for _, c := range t {
				r, cc := naiveImage(name, rows, c/rows, c%rows)
				idx += state(r*rows+cc) * mul
				mul *= n.States
			}
			sum += float64(n.Weights[base+idx])
		}
		base += int(math.Pow(float64(n.States), float64(len(t))))
	}
	return sum
}

func randomNet(t *testing.T, s game.Structure, seed uint64) *ntuple.Network {
	t.Helper()
	n, err := ntuple.Generate(s, seed, 20000)
	if err != nil {
		t.Fatal(err)
	}
	randomize(n, seed)
	return n
}

// randomSeatNet is randomNet with one set of tables per seat of a
// two-seat game, every weight drawn on its own.
func randomSeatNet(t *testing.T, s game.Structure, seed uint64) *ntuple.Network {
	t.Helper()
	n, err := randomNet(t, s, seed).SeatTables(2)
	if err != nil {
		t.Fatal(err)
	}
	randomize(n, seed+1)
	return n
}

func randomize(n *ntuple.Network, seed uint64) {
	rng := game.NewRNG(seed, 1)
	for i := range n.Weights {
		n.Weights[i] = float32(rng.Float64() - 0.5)
	}
}

// layouts are the table layouts the tests run over: one shared set and
// one set per seat.
var layouts = []struct {
	name string
	net  func(*testing.T, game.Structure, uint64) *ntuple.Network
}{{"shared", randomNet}, {"seat", randomSeatNet}}

func randomBoard(rng *game.RNG, cells int) board {
	b := make(board, cells)
	for i := range b {
		b[i] = [2]int{rng.IntN(3) - 1, rng.IntN(2)}
	}
	return b
}

func TestSumMatchesNaive(t *testing.T) {
	for _, l := range layouts {
		n := l.net(t, small, 3)
		e, err := ntuple.Compile(n, small)
		if err != nil {
			t.Fatal(err)
		}
		if e.Images() != 8*len(n.Tuples) {
			t.Fatalf("%d images of %d tuples, want 8 each", e.Images(), len(n.Tuples))
		}
		rng := game.NewRNG(4, 0)
		for i := 0; i < 500; i++ {
			b := randomBoard(rng, 9)
			seat := rng.IntN(4) - 1 // -1 and 2: no table set of their own
			e.Read(b, seat)
			if got, want := e.Sum(), naiveSum(n, b, seat, 3); math.Abs(got-want) > 1e-4 {
				t.Fatalf("%s: board %v seat %d: Sum %v, naive %v", l.name, b, seat, got, want)
			}
		}
	}
}

// TestSeatTables checks the per-seat layout: SeatTables starts every
// seat's set from the shared weights, so each seat's values are the shared
// network's bit for bit; the sets then learn apart.
func TestSeatTables(t *testing.T) {
	shared := randomNet(t, small, 11)
	n, err := shared.SeatTables(2)
	if err != nil {
		t.Fatal(err)
	}
	if n.Seats != 2 || len(n.Weights) != 2*len(shared.Weights) || n.Size() != len(n.Weights) || n.SetSize() != shared.Size() {
		t.Fatalf("seats %d, %d weights, size %d, set size %d; shared %d weights", n.Seats, len(n.Weights), n.Size(), n.SetSize(), len(shared.Weights))
	}
	if err := n.Check(small); err != nil {
		t.Fatal(err)
	}
	if _, err := n.SeatTables(3); err == nil {
		t.Error("a network of 2 seat tables made into 3")
	}
	es, _ := ntuple.Compile(shared, small)
	en, _ := ntuple.Compile(n, small)
	rng := game.NewRNG(12, 0)
	for range 200 {
		b := randomBoard(rng, 9)
		for seat := -1; seat < 3; seat++ {
			es.Read(b, seat)
			en.Read(b, seat)
			if es.Sum() != en.Sum() {
				t.Fatalf("seat %d: %v with seat tables, %v shared", seat, en.Sum(), es.Sum())
			}
		}
	}
	// Seat 1's set only: seat 0's values stay, seat 1's move.
	for i := n.SetSize(); i < len(n.Weights); i++ {
		n.Weights[i] += 1
	}
	b := randomBoard(rng, 9)
	es.Read(b, 0)
	en.Read(b, 0)
	if es.Sum() != en.Sum() {
		t.Errorf("seat 0 read seat 1's tables")
	}
	es.Read(b, 1)
	en.Read(b, 1)
	if want := es.Sum() + float64(en.Images()); math.Abs(en.Sum()-want) > 1e-3 {
		t.Errorf("seat 1: %v, want %v", en.Sum(), want)
	}
	// The stored form keeps the layout; Check catches a set too few.
	raw, _ := json.Marshal(n)
	var back ntuple.Network
	if err := json.Unmarshal(raw, &back); err != nil || back.Seats != 2 || !slices.Equal(back.Weights, n.Weights) {
		t.Fatalf("round trip: %v, seats %d", err, back.Seats)
	}
	back.Weights = back.Weights[:back.SetSize()]
	if back.Check(small) == nil {
		t.Error("Check accepts two seat tables with one set of weights")
	}
}

// TestOldJSON decodes a network stored before seat tables: one shared
// set, and the same bytes back.
func TestOldJSON(t *testing.T) {
	old := `{"states":3,"tuples":["0 1"],"weights":"AACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQAAAAEEAABBB"}`
	var n ntuple.Network
	if err := json.Unmarshal([]byte(old), &n); err != nil {
		t.Fatal(err)
	}
	s := game.Structure{Topology: game.Square, Rows: 1, Cols: 2}
	if err := n.Check(s); err != nil || n.Seats != 0 || n.Sets() != 1 {
		t.Fatalf("check %v, seats %d, sets %d", err, n.Seats, n.Sets())
	}
	if b, _ := json.Marshal(&n); string(b) != old {
		t.Errorf("re-encoded as\n%s\nwant\n%s", b, old)
	}
	e, _ := ntuple.Compile(&n, s)
	for seat := range 2 {
		e.Read(board{{seat, 0}, {1 - seat, 0}}, seat) // mine, theirs: index 1 + 2·3 = 7
		if e.Sum() != 8 {
			t.Errorf("seat %d: %v, want weight 7 = 8", seat, e.Sum())
		}
	}
}

// TestSymmetricSharing checks that a position and each of its images have
// the same value: the tables are read through every image.
func TestSymmetricSharing(t *testing.T) {
	for _, s := range []game.Structure{small, {Topology: game.HexGrid, Rows: 4, Cols: 4, Symmetries: []string{game.Rotate180}}} {
		for _, l := range layouts {
			testSymmetricSharing(t, s, l.net(t, s, 5))
		}
	}
}

func testSymmetricSharing(t *testing.T, s game.Structure, n *ntuple.Network) {
	e, err := ntuple.Compile(n, s)
	if err != nil {
		t.Fatal(err)
	}
	rng := game.NewRNG(6, 0)
	for i := 0; i < 200; i++ {
		b := randomBoard(rng, s.Cells())
		if len(s.Pieces) == 0 {
			for j := range b {
				b[j][1] = 0
			}
		}
		seat := i % 2
		e.Read(b, seat)
		v := e.Sum()
		for _, name := range s.Symmetries {
			perm := s.SymmetryMap(name)
			img := make(board, len(b))
			for j := range b {
				img[perm[j]] = b[j]
			}
			e.Read(img, seat)
			if w := e.Sum(); math.Abs(v-w) > 1e-4 {
				t.Fatalf("%v, %d sets: seat %d: value %v, its %s image %v", s.Topology, n.Sets(), seat, v, name, w)
			}
		}
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	s := connect4.Game{}.Structure()
	for _, l := range layouts {
		e, err := ntuple.Compile(l.net(t, s, 1), s)
		if err != nil {
			t.Fatal(err)
		}
		st := connect4.Game{}.NewState()
		st.Apply(3)
		bs := st.(game.BoardState)
		e.Read(bs, 1) // the views exist after a first read of each seat
		if a := testing.AllocsPerRun(100, func() { e.Read(bs, 0); _ = e.Sum(); e.Read(bs, 1); _ = e.Sum() }); a != 0 {
			t.Errorf("%s: Read and Sum allocate %v times", l.name, a)
		}
	}
}

// BenchmarkEvaluateConnect4 reads and sums the positions of a random game
// in turn, as a search or a replay does (each differs from the one before
// in a few cells), for both seats.
func BenchmarkEvaluateConnect4(b *testing.B) {
	s := connect4.Game{}.Structure()
	n, _ := ntuple.Generate(s, 1, 0)
	e, _ := ntuple.Compile(n, s)
	var states []game.BoardState
	rng := game.NewRNG(1, 0)
	st := connect4.Game{}.NewState()
	for !st.Terminal() {
		states = append(states, st.Clone().(game.BoardState))
		legal := st.Legal(nil)
		st.Apply(legal[rng.IntN(len(legal))])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e.Read(states[i%len(states)], i&1)
		_ = e.Sum()
	}
}

func TestGenerate(t *testing.T) {
	s := connect4.Game{}.Structure()
	a, err := ntuple.Generate(s, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ntuple.Generate(s, 7, 0)
	c, _ := ntuple.Generate(s, 8, 0)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	jc, _ := json.Marshal(c)
	if string(ja) != string(jb) || string(ja) == string(jc) {
		t.Error("the same seed must give the same network, another seed another")
	}
	if a.Size() > ntuple.DefaultWeights || a.Size() < ntuple.DefaultWeights*9/10 {
		t.Errorf("%d weights for a budget of %d", a.Size(), ntuple.DefaultWeights)
	}
	for i, tu := range a.Tuples {
		if len(tu) < 3 || len(tu) > 8 {
			t.Errorf("tuple %d has %d cells", i, len(tu))
		}
		for k := 1; k < len(tu); k++ {
			connected := false
			for _, prev := range tu[:k] {
				connected = connected || slices.Contains(s.Neighbours(nil, prev), tu[k])
			}
			if !connected || slices.Contains(tu[:k], tu[k]) {
				t.Errorf("tuple %d %v: cell %d is not a new neighbour of an earlier one", i, tu, tu[k])
			}
		}
	}
	if _, err := ntuple.Generate(game.Structure{}, 1, 0); err != ntuple.ErrNoBoard {
		t.Errorf("a game without a board: %v, want ErrNoBoard", err)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	n := randomNet(t, small, 9)
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var back ntuple.Network
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if string(b) != string(b2) || !slices.Equal(back.Weights, n.Weights) || back.States != n.States {
		t.Error("the network does not survive a JSON round trip")
	}
	if err := back.Check(small); err != nil {
		t.Error(err)
	}
}

// TestLearnTargets checks TD(λ) against values computed by hand: three
// positions with one weight each, all zero (values ½), λ = ½, a win.
// Targets: G2 = 1, G1 = ½·½ + ½·1 = ¾, G0 = ½·½ + ½·¾ = ⅝; with α = 1 and
// three weights per position each of its weights moves by (G-½)/3.
func TestLearnTargets(t *testing.T) {
	s := game.Structure{Topology: game.Square, Rows: 1, Cols: 3}
	n := &ntuple.Network{States: 3, Tuples: [][]int{{0}, {1}, {2}}, Weights: make([]float32, 9)}
	e, err := ntuple.Compile(n, s)
	if err != nil {
		t.Fatal(err)
	}
	if e.Images() != 3 {
		t.Fatalf("%d images", e.Images())
	}
	l := &ntuple.Learner{Eval: e, Alpha: 1, Lambda: 0.5}
	// Learn takes Images() = 3 weights per position; give each of the
	// three positions three weights of its own.
	pos := []int32{0, 4, 8, 1, 5, 7, 2, 3, 6}
	loss := l.Learn(pos, 1)
	if want := 3 * math.Log(2); math.Abs(loss-want) > 1e-12 {
		t.Errorf("loss %v, want 3·ln 2 = %v", loss, want)
	}
	// Step per weight: α·(G-v)/3.
	want := map[int]float64{0: 0.125 / 3, 4: 0.125 / 3, 8: 0.125 / 3, 1: 0.25 / 3, 5: 0.25 / 3, 7: 0.25 / 3, 2: 0.5 / 3, 3: 0.5 / 3, 6: 0.5 / 3}
	for i, w := range want {
		if math.Abs(float64(n.Weights[i])-w) > 1e-7 {
			t.Errorf("weight %d = %v, want %v", i, n.Weights[i], w)
		}
	}
	if math.Abs(l.Bias-(0.125+0.25+0.5)/3) > 1e-12 {
		t.Errorf("bias %v, want %v", l.Bias, (0.125+0.25+0.5)/3)
	}
	// λ = 1: every target is the outcome.
	clear(n.Weights)
	l = &ntuple.Learner{Eval: e, Alpha: 1, Lambda: 1}
	l.Learn(pos, 0)
	for i := range want {
		if math.Abs(float64(n.Weights[i])+0.5/3) > 1e-7 {
			t.Errorf("outcome targets: weight %d = %v, want %v", i, n.Weights[i], -0.5/3)
		}
	}
}

// TestGenerateWalks: with a walk length, the tuples after the straight
// lines (which come first, as without one) are walks of that many cells,
// but for those the budget's last weights leave room for only a shorter one.
func TestGenerateWalks(t *testing.T) {
	s := connect4.Game{}.Structure()
	const budget = 200_000
	mixed, _ := ntuple.Generate(s, 7, budget)
	long, err := ntuple.GenerateWalks(s, 7, budget, 8)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for lines < len(long.Tuples) && slices.Equal(long.Tuples[lines], mixed.Tuples[lines]) && len(long.Tuples[lines]) != 8 {
		lines++
	}
	if lines == 0 || lines == len(long.Tuples) {
		t.Fatalf("%d of %d tuples are the mixed network's leading lines", lines, len(long.Tuples))
	}
	size := 0
	for i, tu := range long.Tuples {
		if i >= lines && len(tu) != 8 && size+long.TableSize(8) <= budget {
			t.Errorf("walk %d %v has %d cells with room for 8", i, tu, len(tu))
		}
		size += long.TableSize(len(tu))
	}
	if len(long.Tuples) >= len(mixed.Tuples) || long.Size() > budget || long.Size() < budget*9/10 {
		t.Errorf("8-cell walks: %d tuples, %d weights; mixed: %d tuples", len(long.Tuples), long.Size(), len(mixed.Tuples))
	}
	for _, walk := range []int{2, 9, -1} {
		if _, err := ntuple.GenerateWalks(s, 7, budget, walk); err == nil {
			t.Errorf("walks of %d cells: no error", walk)
		}
	}
}
