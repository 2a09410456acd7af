package ntuple

import (
	"github.com/simpipe/simpipe/game"
)

// Eval is a Network compiled for a board: the cells of every symmetric
// image of every tuple, flattened. It reads its weights from the Network,
// so a Learner's updates show at once. It keeps scratch memory and is used
// by one goroutine.
type Eval struct {
	net    *Network
	cells  int
	pieces int
	// Image k reads cells[off[k]:off[k+1]] into the table at table[k].
	imgCells []int32
	off      []int32
	table    []int32
	board    []uint8 // scratch: the last board read
}

// Compile checks n against s and returns its evaluator.
func Compile(n *Network, s game.Structure) (*Eval, error) {
	if err := n.Check(s); err != nil {
		return nil, err
	}
	e := &Eval{net: n, cells: s.Cells(), pieces: max(1, len(s.Pieces)), board: make([]uint8, s.Cells()), off: []int32{0}}
	perms := [][]int{nil} // the identity
	for _, name := range n.Symmetries {
		perms = append(perms, s.SymmetryMap(name))
	}
	base := 0
	for _, t := range n.Tuples {
		for _, p := range perms {
			for _, c := range t {
				if p != nil {
					c = p[c]
				}
				e.imgCells = append(e.imgCells, int32(c))
			}
			e.off = append(e.off, int32(len(e.imgCells)))
			e.table = append(e.table, int32(base))
		}
		base += n.TableSize(len(t))
	}
	return e, nil
}

// Images returns the number of table reads per evaluation: tuples times
// symmetries (the identity included).
func (e *Eval) Images() int { return len(e.table) }

// Read loads the cells of st as seat sees them.
func (e *Eval) Read(st game.BoardState, seat int) {
	p := e.pieces
	for i := range e.board {
		o, piece := st.Cell(i)
		if piece < 0 || piece >= p {
			piece = 0
		}
		switch {
		case o < 0:
			e.board[i] = 0
		case o == seat:
			e.board[i] = uint8(1 + piece)
		default:
			e.board[i] = uint8(1 + p + piece)
		}
	}
}

// index returns the weight index image k selects on the board read last.
func (e *Eval) index(k int) int32 {
	cells := e.imgCells[e.off[k]:e.off[k+1]]
	states := int32(e.net.States)
	var idx int32
	for j := len(cells) - 1; j >= 0; j-- {
		idx = idx*states + int32(e.board[cells[j]])
	}
	return e.table[k] + idx
}

// Sum returns the sum of the weights the board read last selects, one per
// image of every tuple.
func (e *Eval) Sum() float64 {
	w := e.net.Weights
	var z float32
	for k := range e.table {
		z += w[e.index(k)]
	}
	return float64(z)
}

// Active appends to dst the index in Network.Weights of the weight each
// image selects on the board read last (an index twice when two images
// select the same weight) and returns it.
func (e *Eval) Active(dst []int32) []int32 {
	for k := range e.table {
		dst = append(dst, e.index(k))
	}
	return dst
}
