package features

import "github.com/simpipe/simpipe/game"

// geometry is the board layout a Set needs: neighbours, edges and each
// seat's forward direction. It is computed once by Compile.
type geometry struct {
	topo       game.Topology
	rows, cols int
	cells      int
	nbrOff     []int32 // neighbours of cell i: nbrList[nbrOff[i]:nbrOff[i+1]]
	nbrList    []int32
	dir        [game.MaxPlayers]int8 // +1: home at the top, moves down; -1: home at the bottom; 0: none
	startEdge  [2][]int32            // KindConnect: seat 0 top row, seat 1 left column
	endEdge    [2][]bool             // KindConnect: seat 0 bottom row, seat 1 right column
}

// Neighbour steps (row, col). A hex cell (r, c) touches (r-1, c),
// (r-1, c+1), (r, c+1), (r+1, c), (r+1, c-1) and (r, c-1), as in game/hex.
var (
	squareSteps = [][2]int{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}
	hexSteps    = [][2]int{{-1, 0}, {-1, 1}, {0, 1}, {1, 0}, {1, -1}, {0, -1}}
	// Line axes, one direction each.
	squareAxes = [][2]int{{0, 1}, {1, 0}, {1, 1}, {1, -1}}
	hexAxes    = [][2]int{{0, 1}, {1, 0}, {1, -1}}
)

func newGeometry(st game.Structure) geometry {
	g := geometry{topo: st.Topology}
	if st.Topology == game.NoBoard || st.Rows <= 0 || st.Cols <= 0 {
		return g
	}
	g.rows, g.cols, g.cells = st.Rows, st.Cols, st.Rows*st.Cols
	steps := squareSteps
	if g.topo == game.HexGrid {
		steps = hexSteps
	}
	g.nbrOff = make([]int32, 0, g.cells+1)
	for i := 0; i < g.cells; i++ {
		g.nbrOff = append(g.nbrOff, int32(len(g.nbrList)))
		r, c := i/g.cols, i%g.cols
		for _, d := range steps {
			if rr, cc := r+d[0], c+d[1]; g.inside(rr, cc) {
				g.nbrList = append(g.nbrList, int32(rr*g.cols+cc))
			}
		}
	}
	g.nbrOff = append(g.nbrOff, int32(len(g.nbrList)))
	for s := range g.endEdge {
		g.endEdge[s] = make([]bool, g.cells)
	}
	for i := 0; i < g.cells; i++ {
		r, c := i/g.cols, i%g.cols
		if r == 0 {
			g.startEdge[0] = append(g.startEdge[0], int32(i))
		}
		if c == 0 {
			g.startEdge[1] = append(g.startEdge[1], int32(i))
		}
		g.endEdge[0][i] = r == g.rows-1
		g.endEdge[1][i] = c == g.cols-1
	}
	return g
}

func (g *geometry) inside(r, c int) bool { return r >= 0 && r < g.rows && c >= 0 && c < g.cols }

func (g *geometry) nbrs(i int) []int32 { return g.nbrList[g.nbrOff[i]:g.nbrOff[i+1]] }

// findDirections sets each seat's forward direction from where its pieces
// stand in the initial position: a seat whose pieces sit on average above
// the middle row moves down, one below it moves up, and one with no pieces
// or centred pieces (Othello) has none.
func (g *geometry) findDirections(bs game.BoardState, players int) {
	var sum, n [game.MaxPlayers]int
	for i := 0; i < g.cells; i++ {
		if o, _ := bs.Cell(i); o >= 0 && o < players {
			sum[o] += i / g.cols
			n[o]++
		}
	}
	for s := 0; s < players; s++ {
		// Compare the mean row sum/n with (rows-1)/2 in integers.
		switch mid := n[s] * (g.rows - 1); {
		case n[s] == 0 || 2*sum[s] == mid:
		case 2*sum[s] < mid:
			g.dir[s] = 1
		default:
			g.dir[s] = -1
		}
	}
}

// advance returns how many rows cell i stands ahead of seat's home row.
func (g *geometry) advance(seat, i int) int32 {
	r := i / g.cols
	if g.dir[seat] < 0 {
		r = g.rows - 1 - r
	}
	return int32(r)
}

func (g *geometry) region(r0, r1, c0, c1 int) []int32 {
	var out []int32
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			out = append(out, int32(r*g.cols+c))
		}
	}
	return out
}

func (g *geometry) edge() []int32 {
	var out []int32
	for i := 0; i < g.cells; i++ {
		if r, c := i/g.cols, i%g.cols; r == 0 || c == 0 || r == g.rows-1 || c == g.cols-1 {
			out = append(out, int32(i))
		}
	}
	return out
}

func (g *geometry) corners() []int32 {
	out := []int32{0}
	for _, i := range []int{g.cols - 1, (g.rows - 1) * g.cols, g.cells - 1} {
		if i != int(out[len(out)-1]) && i > 0 {
			out = append(out, int32(i))
		}
	}
	return out
}

// xsquares returns the cells diagonally inside the corners.
func (g *geometry) xsquares() []int32 {
	return []int32{
		int32(g.cols + 1), int32(g.cols + g.cols - 2),
		int32((g.rows-2)*g.cols + 1), int32((g.rows-2)*g.cols + g.cols - 2),
	}
}

// lines returns every straight run of n cells along the board's axes.
func (g *geometry) lines(n int) [][]int32 {
	axes := squareAxes
	if g.topo == game.HexGrid {
		axes = hexAxes
	}
	var out [][]int32
	for _, d := range axes {
		for i := 0; i < g.cells; i++ {
			r, c := i/g.cols, i%g.cols
			if !g.inside(r+(n-1)*d[0], c+(n-1)*d[1]) {
				continue
			}
			line := make([]int32, n)
			for j := range line {
				line[j] = int32((r+j*d[0])*g.cols + c + j*d[1])
			}
			out = append(out, line)
		}
	}
	return out
}
