package features

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Generate returns candidate features for g, derived from g.Structure() and
// the initial position only, so that a new game gets features without a
// hand-written list. Every feature is seen from the evaluated seat; most come
// as a family NAME.mine, NAME.opp (the strongest opponent), NAME.diff (mine
// minus opp) and, with more than two seats, NAME.opp.sum and NAME.diff.sum.
// The order is fixed for a given game.
//
// Which families appear depends on the structure:
//
//   - every game: tomove;
//   - a board: material.PIECE (and material.all with several kinds), center
//     (the middle half of the rows and columns), edge, corner (square boards),
//     liberties (empty cells next to one's pieces) and mobility (legal moves
//     of the seat to move);
//   - pieces that start on one side of the board (Breakthrough, checkers):
//     advance.PIECE, front.PIECE and backrow.PIECE;
//   - a hex board or a "connect" goal, two seats: connect.distance and groups;
//   - a "line" goal: line.openK, open lines holding K of one's pieces;
//   - quantities (on a board only for "race" and "collect" goals, since
//     elsewhere they restate the board, as Othello's discs do): one family per
//     quantity, their sum for a "race", and togo.* when the game is a Racer.
//
// Material and quantities that can be lost or won also get indicator
// features such as material.man.diff.ge2 and material.man.mine.eq0. A game
// implementing CellHinter gets cell.NAME families as well.
func Generate(g game.Game) []Feature {
	st := g.Structure()
	gen := generator{players: g.Players()}
	init := g.NewState()
	bs, board := init.(game.BoardState)
	board = board && st.Topology != game.NoBoard && st.Cells() > 0
	_, qty := init.(game.QuantityState)
	goal := func(name string) bool { return slices.Contains(st.Goals, name) }

	gen.add("tomove.mine", KindToMove, Mine, Value, 0)
	if board {
		// Placement games only ever gain pieces; their counts track the move
		// number, so indicators on them say nothing new.
		losable := !(len(st.Goals) > 0 && allIn(st.Goals, "line", "connect"))
		for p, name := range st.Pieces {
			gen.family("material."+name, KindPieces, p)
			if losable {
				gen.materialTests("material."+name, KindPieces, p)
			}
		}
		if len(st.Pieces) > 1 {
			gen.family("material.all", KindPieces, -1)
			if losable {
				gen.materialTests("material.all", KindPieces, -1)
			}
		}
		r0, r1 := middle(st.Rows)
		c0, c1 := middle(st.Cols)
		gen.family("center", KindRegion, -1, r0, r1, c0, c1)
		if st.Rows > 2 && st.Cols > 2 {
			gen.family("edge", KindEdge, -1)
		}
		if st.Topology == game.Square {
			gen.family("corner", KindCorner, -1)
			if st.Rows >= 6 && st.Cols >= 6 {
				gen.family("xsquare", KindXSquare, -1)
			}
		}
		geo := newGeometry(st)
		geo.findDirections(bs, gen.players)
		if hasDirections(&geo, gen.players) {
			for _, p := range startingPieces(bs, st) {
				name := st.Pieces[p]
				gen.family("advance."+name, KindAdvance, p)
				gen.family("front."+name, KindFront, p)
				gen.family("backrow."+name, KindBackRow, p)
			}
		}
		gen.family("liberties", KindLiberties)
		gen.family("mobility", KindMobility)
		if gen.players == 2 && (st.Topology == game.HexGrid || goal("connect")) {
			gen.family("connect.distance", KindConnect)
			gen.add("connect.distance.mine.le1", KindConnect, Mine, LE, 1)
			gen.add("connect.distance.opp.le1", KindConnect, Opp, LE, 1)
			gen.family("groups", KindGroups)
		}
		if goal("line") {
			n := min(st.Rows, st.Cols, 4)
			if l, ok := g.(Liner); ok {
				n = l.LineLength()
			}
			if n >= 2 && n <= max(st.Rows, st.Cols) {
				for k := max(1, n-2); k < n; k++ {
					gen.family(fmt.Sprintf("line.open%d", k), KindLines, n, k)
				}
				name := fmt.Sprintf("line.open%d", n-1)
				gen.add(name+".mine.ge1", KindLines, Mine, GE, 1, n, n-1)
				gen.add(name+".opp.ge1", KindLines, Opp, GE, 1, n, n-1)
			}
		}
		if h, ok := g.(CellHinter); ok {
			names, cells := h.FeatureCells()
			for i := range min(len(names), len(cells)) {
				if cells[i] >= 0 && cells[i] < st.Cells() {
					gen.family("cell."+names[i], KindCell, cells[i], -1)
				}
			}
		}
	}
	if qty && len(st.Quantities) > 0 && (!board || goal("race") || goal("collect")) {
		for q, name := range st.Quantities {
			gen.family(name, KindQuantity, q)
			if goal("race") || goal("collect") || goal("majority") {
				gen.add(name+".diff.ge1", KindQuantity, Diff, GE, 1, q)
				gen.add(name+".diff.le-1", KindQuantity, Diff, LE, -1, q)
			}
		}
		if goal("race") {
			all := make([]int, len(st.Quantities))
			for q := range all {
				all[q] = q
			}
			sum := strings.Join(st.Quantities, "+")
			if len(all) > 1 {
				gen.family(sum, KindQuantity, all...)
			}
			if _, ok := g.(Racer); ok {
				gen.family("togo."+st.Quantities[0], KindToGo, 0)
				if len(all) > 1 {
					gen.family("togo."+sum, KindToGo, all...)
				}
				// Reached the target with what is on the table: stopping wins.
				gen.add("togo."+sum+".mine.le0", KindToGo, Mine, LE, 0, all...)
			}
		}
	}
	return gen.out
}

type generator struct {
	players int
	out     []Feature
}

func (g *generator) add(name, kind string, view, test, k int, params ...int) {
	args := append([]int{view, test, k}, params...)
	g.out = append(g.out, Feature{Name: name, Kind: kind, Args: args})
}

// family adds name.mine and, with opponents, name.opp and name.diff (and the
// sums over all opponents with more than two seats).
func (g *generator) family(name, kind string, params ...int) {
	g.add(name+".mine", kind, Mine, Value, 0, params...)
	if g.players < 2 {
		return
	}
	g.add(name+".opp", kind, Opp, Value, 0, params...)
	g.add(name+".diff", kind, Diff, Value, 0, params...)
	if g.players > 2 {
		g.add(name+".opp.sum", kind, OppSum, Value, 0, params...)
		g.add(name+".diff.sum", kind, DiffSum, Value, 0, params...)
	}
}

// materialTests adds the indicators of a lead or deficit of one and two, and
// of having none left.
func (g *generator) materialTests(name, kind string, params ...int) {
	if g.players >= 2 {
		g.add(name+".diff.ge1", kind, Diff, GE, 1, params...)
		g.add(name+".diff.ge2", kind, Diff, GE, 2, params...)
		g.add(name+".diff.le-1", kind, Diff, LE, -1, params...)
		g.add(name+".diff.le-2", kind, Diff, LE, -2, params...)
	}
	g.add(name+".mine.eq0", kind, Mine, EQ, 0, params...)
	if g.players >= 2 {
		g.add(name+".opp.eq0", kind, Opp, EQ, 0, params...)
	}
}

// middle returns the central rows (or columns) of n: about the middle half,
// the single middle one of three.
func middle(n int) (lo, hi int) {
	h := max(0, (n-2)/4)
	return (n-1)/2 - h, n/2 + h
}

func allIn(xs []string, set ...string) bool {
	for _, x := range xs {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}

func hasDirections(geo *geometry, players int) bool {
	for s := 0; s < players; s++ {
		if geo.dir[s] == 0 {
			return false
		}
	}
	return players > 0
}

// startingPieces returns the piece kinds on the board at the start, in
// index order: the only ones whose advance means something (a checkers king
// moves both ways).
func startingPieces(bs game.BoardState, st game.Structure) []int {
	seen := make([]bool, len(st.Pieces))
	for i := 0; i < st.Cells(); i++ {
		if o, p := bs.Cell(i); o >= 0 && p >= 0 && p < len(seen) {
			seen[p] = true
		}
	}
	var out []int
	for p, ok := range seen {
		if ok {
			out = append(out, p)
		}
	}
	return out
}
