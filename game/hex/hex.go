// Package hex implements Hex on an N×N rhombus, N from 3 to 19. Seat 0 plays
// Black (x), moves first and joins the top and bottom rows; seat 1 plays
// White (o) and joins the left and right columns. The board always fills up
// with exactly one winner, so there are no draws.
//
// A move is OpenSpiel's action number: row*N+col for a stone on that cell,
// row 0 at the top, and N*N for "swap" when the swap rule is on. Swap is
// legal only as White's first move: Black's stone is removed, a White stone
// goes on the mirrored cell (r, c) -> (c, r), and Black moves next.
//
// After every move the mover's new stone joins its neighbours' groups in a
// union-find forest whose roots record which of the mover's two edges the
// group touches, so the win check costs a few finds rather than a flood fill.
package hex

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Def registers the game as "hex".
var Def = game.Def{
	Name: "hex",
	Doc:  "Hex on a size×size rhombus: x (seat 0) joins top and bottom, o joins left and right; swap=1 allows the swap rule",
	Params: []game.Param{
		{Name: "size", Doc: "cells per side", Default: 11, Min: MinSize, Max: MaxSize},
		{Name: "swap", Doc: "1: White's first move may swap (pie rule)", Default: 0, Min: 0, Max: 1},
	},
	New: func(p game.Params) (game.Game, error) { return New(p["size"], p["swap"] != 0) },
}

// Board sizes the package supports.
const (
	MinSize = 3
	MaxSize = 19
)

const (
	maxCells = MaxSize * MaxSize
	maxPad   = (MaxSize + 2) * (MaxSize + 2)
)

// Colours of the padded board. The border ring is neither player's, so the
// neighbour loop needs no bounds tests.
const (
	empty  = 0
	black  = 1
	white  = 2
	border = 3
)

// Game is Hex of one size, with or without the swap rule. It is immutable.
type Game struct {
	n     int
	swap  bool
	w     int                 // padded row stride, n+2
	nbr   [6]int              // neighbour offsets on the padded board
	pad   [maxCells]int16     // cell row*n+col -> padded index
	edge  [2][maxPad]uint8    // per colour: bit 0 first edge, bit 1 second edge
	start [maxPad]uint8       // colours of the empty padded board
	moves [maxCells]game.Move // every cell, ascending
}

var _ game.Game = (*Game)(nil)

// New returns Hex on a size×size board, with the swap rule if swap is set.
func New(size int, swap bool) (*Game, error) {
	if size < MinSize || size > MaxSize {
		return nil, fmt.Errorf("hex: size %d outside %d..%d", size, MinSize, MaxSize)
	}
	n, w := size, size+2
	g := &Game{n: n, swap: swap, w: w}
	// (r-1, c), (r-1, c+1), (r, c+1), (r+1, c), (r+1, c-1), (r, c-1).
	g.nbr = [6]int{-w, -w + 1, 1, w, w - 1, -1}
	for i := range g.start[:w*w] {
		g.start[i] = border
	}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			i, p := r*n+c, (r+1)*w+c+1
			g.pad[i] = int16(p)
			g.start[p] = empty
			g.moves[i] = game.Move(i)
			if r == 0 {
				g.edge[0][p] |= 1
			}
			if r == n-1 {
				g.edge[0][p] |= 2
			}
			if c == 0 {
				g.edge[1][p] |= 1
			}
			if c == n-1 {
				g.edge[1][p] |= 2
			}
		}
	}
	return g, nil
}

func (g *Game) Spec() string {
	return fmt.Sprintf("hex:size=%d,swap=%d", g.n, b2i(g.swap))
}

func (g *Game) Players() int { return 2 }

// MoveBits covers the cells and, with the swap rule, the swap code N*N.
func (g *Game) MoveBits() int {
	return bits.Len(uint(g.n*g.n - 1 + b2i(g.swap)))
}

func (g *Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.HexGrid, Rows: g.n, Cols: g.n,
		Pieces: []string{"stone"}, Goals: []string{"connect"},
		// The 180° turn keeps each seat's pair of edges; the transpose
		// exchanges them, so it maps a position to the other seat's.
		Symmetries: []string{game.Rotate180},
	}
}

func (g *Game) NewState() game.State {
	s := &State{g: g}
	s.Reset()
	return s
}

// Swap returns the swap move's code, N*N.
func (g *Game) Swap() game.Move { return game.Move(g.n * g.n) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// State is a position. Only the padded cells of its size are used; parent,
// size and flags are valid for occupied cells only.
type State struct {
	g      *Game
	ply    int
	first  game.Move // Black's first move, for swap
	winner int8      // -1 while the game goes on
	nEmpty int
	// occupied has bit i set for each stone on cell i.
	occupied [(maxCells + 63) / 64]uint64
	color    [maxPad]uint8
	parent   [maxPad]int16
	size     [maxPad]uint16 // group size at roots, for union by size
	flags    [maxPad]uint8  // edges a root's group touches
	empty    [maxCells]game.Move
}

var (
	_ game.State      = (*State)(nil)
	_ game.BoardState = (*State)(nil)
	_ game.CellCoder  = (*State)(nil)
	_ game.Copier     = (*State)(nil)
)

// Reset copies only the parts the board size uses.
func (s *State) Reset() {
	g := s.g
	s.ply, s.first, s.winner = 0, 0, -1
	s.nEmpty = g.n * g.n
	s.occupied = [len(s.occupied)]uint64{}
	copy(s.color[:g.w*g.w], g.start[:])
	copy(s.empty[:s.nEmpty], g.moves[:])
}

func (s *State) ToMove() int       { return s.ply & 1 }
func (s *State) Terminal() bool    { return s.winner >= 0 }
func (s *State) Clone() game.State { c := *s; return &c }

// CopyFrom copies only the parts of src that its board size uses (a tenth
// of the state on 7×7), so a search's copies cost less than a Clone.
func (s *State) CopyFrom(src game.State) bool {
	o, ok := src.(*State)
	if !ok {
		return false
	}
	pad := o.g.w * o.g.w
	s.g, s.ply, s.first, s.winner, s.nEmpty, s.occupied = o.g, o.ply, o.first, o.winner, o.nEmpty, o.occupied
	copy(s.color[:pad], o.color[:pad])
	copy(s.parent[:pad], o.parent[:pad])
	copy(s.size[:pad], o.size[:pad])
	copy(s.flags[:pad], o.flags[:pad])
	copy(s.empty[:o.nEmpty], o.empty[:o.nEmpty])
	return true
}

// Legal lists the empty cells in ascending order, then swap when allowed.
func (s *State) Legal(dst []game.Move) []game.Move {
	if s.winner >= 0 {
		return dst
	}
	dst = append(dst, s.empty[:s.nEmpty]...)
	if s.ply == 1 && s.g.swap {
		dst = append(dst, s.g.Swap())
	}
	return dst
}

func (s *State) Apply(m game.Move) {
	g := s.g
	if m == g.Swap() {
		s.applySwap()
		return
	}
	if s.ply == 0 {
		s.first = m
	}
	// m's index in the sorted empty list is m less the stones below it;
	// counting them in the occupied bitset beats a binary search, whose
	// branches the processor cannot predict.
	w := int(m >> 6)
	i := int(m) - bits.OnesCount64(s.occupied[w]&(1<<(m&63)-1))
	for _, o := range s.occupied[:w] {
		i -= bits.OnesCount64(o)
	}
	s.occupied[w] |= 1 << (m & 63)
	copy(s.empty[i:s.nEmpty-1], s.empty[i+1:s.nEmpty])
	s.nEmpty--
	s.place(int(g.pad[m]), uint8(s.ply&1)+1)
	s.ply++
}

// place puts a stone of colour k on padded cell p, merges it with its
// neighbours' groups and ends the game if the group touches both edges.
func (s *State) place(p int, k uint8) {
	g := s.g
	c := &s.color
	s.color[p] = k
	s.parent[p] = int16(p)
	s.size[p] = 1
	// Testing the six neighbours one by one costs a mispredicted branch
	// each; the mask of same-coloured ones picks their runs from a table.
	mask := same(c[p+g.nbr[0]], k) | same(c[p+g.nbr[1]], k)<<1 |
		same(c[p+g.nbr[2]], k)<<2 | same(c[p+g.nbr[3]], k)<<3 |
		same(c[p+g.nbr[4]], k)<<4 | same(c[p+g.nbr[5]], k)<<5
	root, f := p, g.edge[k-1][p]
	rs := &runStarts[mask]
	for _, j := range rs.at[:rs.n] {
		r := s.find(p + g.nbr[j])
		if r == root {
			continue
		}
		f |= s.flags[r]
		if s.size[r] > s.size[root] {
			root, r = r, root
		}
		s.parent[r] = int16(root)
		s.size[root] += s.size[r]
	}
	s.flags[root] = f
	if f == 3 {
		s.winner = int8(k - 1)
	}
}

// same is 1 if colours a and b are equal, else 0, without a branch.
func same(a, b uint8) uint {
	return uint(uint32(a^b)-1) >> 31 & 1
}

// runStarts lists, for each mask of same-coloured neighbours, the first
// neighbour of each run of consecutive ones around the ring. Consecutive
// neighbours touch each other, so a run is already one group and needs one
// find.
var runStarts = func() (t [64]struct {
	n  uint8
	at [3]uint8
}) {
	for mask := range t {
		prev := (mask<<1 | mask>>5) & 63
		starts := mask &^ prev
		if mask == 63 {
			starts = 1
		}
		for i := 0; i < 6; i++ {
			if starts&(1<<i) != 0 {
				t[mask].at[t[mask].n] = uint8(i)
				t[mask].n++
			}
		}
	}
	return t
}()

// find returns x's root, halving the path on the way.
func (s *State) find(x int) int {
	for {
		p := int(s.parent[x])
		if p == x {
			return x
		}
		gp := int(s.parent[p])
		s.parent[x] = int16(gp)
		x = gp
	}
}

// applySwap replaces Black's first stone by a White one on the mirrored
// cell and gives the move back to Black.
func (s *State) applySwap() {
	g := s.g
	r, c := int(s.first)/g.n, int(s.first)%g.n
	s.color[g.pad[s.first]] = empty
	mirror := c*g.n + r
	s.place(int(g.pad[mirror]), white)
	s.occupied = [len(s.occupied)]uint64{}
	s.occupied[mirror>>6] = 1 << (mirror & 63)
	s.nEmpty = 0
	for i := 0; i < g.n*g.n; i++ {
		if s.color[g.pad[i]] == empty {
			s.empty[s.nEmpty] = game.Move(i)
			s.nEmpty++
		}
	}
	s.ply++
}

func (s *State) Winners() game.Seats {
	if s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

// Cell reports cell row*N+col, row 0 at the top; there is one piece kind.
func (s *State) Cell(i int) (seat, piece int) {
	return int(s.color[s.g.pad[i]]) - 1, 0
}

// CellCodes writes every cell's code (0 empty, 1 x, 2 o), as Cell reads it,
// for the first len(dst) cells: a row's cells lie side by side on the
// padded board.
func (s *State) CellCodes(dst []uint8) {
	n := s.g.n
	for r := 0; r*n < len(dst); r++ {
		p := (r+1)*s.g.w + 1
		copy(dst[r*n:min(len(dst), r*n+n)], s.color[p:p+n])
	}
}

// MoveString renders m as OpenSpiel does: the column letter and row+1
// ("a1", "b1"), or "swap".
func (s *State) MoveString(m game.Move) string {
	n := s.g.n
	if int(m) == n*n {
		return "swap"
	}
	return fmt.Sprintf("%c%d", 'a'+int(m)%n, int(m)/n+1)
}

// String renders the board as OpenSpiel's ToString: row r indented by r
// spaces, each cell x, o or . followed by a space; here every row also ends
// in a newline.
func (s *State) String() string {
	n := s.g.n
	var b strings.Builder
	for r := 0; r < n; r++ {
		b.WriteString(strings.Repeat(" ", r))
		for c := 0; c < n; c++ {
			b.WriteByte(".xo"[s.color[s.g.pad[r*n+c]]])
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}
