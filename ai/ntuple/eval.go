package ntuple

import (
	"encoding/binary"

	"github.com/simpipe/simpipe/game"
)

// Eval is a Network compiled for a board: the cells of every symmetric
// image of every tuple, flattened. It reads its weights from the Network,
// so a Learner's updates show at once. It keeps scratch memory and is used
// by one goroutine.
//
// An image's weight index is its table's offset plus Σ state(cell)·stride
// over its cells, an integer, so Eval keeps every image's index for the
// board it read last (per reading seat) and on the next Read updates only
// the images through the cells that changed: a search or a replay reads
// positions that differ in a cell or two. The indices, and so Sum, are
// exactly those of a reading from scratch.
type Eval struct {
	net    *Network
	cells  int
	setLen int32 // weights of one table set; seat k's set starts at k·setLen
	pieces int
	table  []int32 // image k's table offset in Network.Weights
	// Cell c is in the images cellImg[cellOff[c]:cellOff[c+1]], with the
	// stride cellStride[...] of its digit in each.
	cellOff    []int32
	cellImg    []int32
	cellStride []int32
	// views[seat] is the board as seat read it last and its images' indices.
	views [game.MaxPlayers + 1]*view
	cur   *view   // the view of the last Read
	codes []uint8 // scratch for game.CellCoder
	// rel[seat][code] is the state of a cell of game.CellCoder code as seat
	// sees it.
	rel [game.MaxPlayers + 1][256]uint8
	// kept holds the indices Keep saved, Images() per position.
	kept []int32
}

// view is the board one seat read last and the weight index of every image
// on it.
type view struct {
	board []uint8
	idx   []int32
	// codes are the game.CellCoder codes board was read from, when
	// codesOK, padded with zeros to whole words.
	codes   []uint8
	codesOK bool
}

// Compile checks n against s and returns its evaluator.
func Compile(n *Network, s game.Structure) (*Eval, error) {
	if err := n.Check(s); err != nil {
		return nil, err
	}
	cells := s.Cells()
	e := &Eval{net: n, cells: cells, pieces: max(1, len(s.Pieces)), codes: make([]uint8, (cells+7)/8*8), setLen: int32(n.SetSize())}
	perms := [][]int{nil} // the identity
	for _, name := range n.Symmetries {
		perms = append(perms, s.SymmetryMap(name))
	}
	// The first cell of an image is its least significant digit.
	type digit struct{ img, stride int32 }
	byCell := make([][]digit, cells)
	base := 0
	for _, t := range n.Tuples {
		for _, p := range perms {
			k := int32(len(e.table))
			stride := int32(1)
			for _, c := range t {
				if p != nil {
					c = p[c]
				}
				byCell[c] = append(byCell[c], digit{k, stride})
				stride *= int32(n.States)
			}
			e.table = append(e.table, int32(base))
		}
		base += n.TableSize(len(t))
	}
	e.cellOff = append(e.cellOff, 0)
	for _, ds := range byCell {
		for _, d := range ds {
			e.cellImg = append(e.cellImg, d.img)
			e.cellStride = append(e.cellStride, d.stride)
		}
		e.cellOff = append(e.cellOff, int32(len(e.cellImg)))
	}
	for seat := range e.rel {
		for code := 1; code < 256; code++ {
			owner, piece := (code-1)/e.pieces, (code-1)%e.pieces
			reader := seat
			if seat == game.MaxPlayers {
				reader = -1
			}
			e.rel[seat][code] = e.state(owner, piece, reader)
		}
	}
	e.cur, _ = e.view(0)
	return e, nil
}

// state is the cell state of owner's piece (owner -1: empty) as seat sees it.
func (e *Eval) state(owner, piece, seat int) uint8 {
	if piece < 0 || piece >= e.pieces {
		piece = 0
	}
	switch {
	case owner < 0:
		return 0
	case owner == seat:
		return uint8(1 + piece)
	default:
		return uint8(1 + e.pieces + piece)
	}
}

// Images returns the number of table reads per evaluation: tuples times
// symmetries (the identity included).
func (e *Eval) Images() int { return len(e.table) }

// Read loads the cells of st as seat sees them, through game.CellCoder when
// st implements it.
func (e *Eval) Read(st game.BoardState, seat int) {
	v, seat := e.view(seat)
	e.cur = v
	if cc, ok := st.(game.CellCoder); ok {
		cc.CellCodes(e.codes[:e.cells])
		rel := &e.rel[game.MaxPlayers]
		if seat >= 0 {
			rel = &e.rel[seat]
		}
		if !v.codesOK {
			for i, code := range e.codes[:e.cells] {
				if s := rel[code]; s != v.board[i] {
					e.set(v, i, s)
				}
			}
			copy(v.codes, e.codes)
			v.codesOK = true
			return
		}
		// Only the words of codes that changed since seat's last read.
		for w := 0; w < len(e.codes); w += 8 {
			now := binary.LittleEndian.Uint64(e.codes[w:])
			if now == binary.LittleEndian.Uint64(v.codes[w:]) {
				continue
			}
			binary.LittleEndian.PutUint64(v.codes[w:], now)
			for i := w; i < min(w+8, e.cells); i++ {
				if s := rel[e.codes[i]]; s != v.board[i] {
					e.set(v, i, s)
				}
			}
		}
		return
	}
	v.codesOK = false
	for i := range v.board {
		o, piece := st.Cell(i)
		if s := e.state(o, piece, seat); s != v.board[i] {
			e.set(v, i, s)
		}
	}
}

// set changes cell i of v to state s, updating the indices of the images
// through it.
func (e *Eval) set(v *view, i int, s uint8) {
	d := int32(s) - int32(v.board[i])
	v.board[i] = s
	lo, hi := e.cellOff[i], e.cellOff[i+1]
	strides := e.cellStride[lo:hi]
	for j, k := range e.cellImg[lo:hi] {
		v.idx[k] += d * strides[j]
	}
}

// view returns the view of seat, an empty board at first. Seats outside
// 0..game.MaxPlayers-1 share one view, which reads every piece as another
// seat's. With seat tables a view's indices point into its seat's set
// (set 0 for a seat that has none), so every read and sum after works
// as with one set.
func (e *Eval) view(seat int) (*view, int) {
	slot := seat
	if seat < 0 || seat >= game.MaxPlayers {
		slot, seat = game.MaxPlayers, -1
	}
	if e.views[slot] == nil {
		v := &view{board: make([]uint8, e.cells), idx: append([]int32(nil), e.table...), codes: make([]uint8, len(e.codes))}
		if seat >= 0 && seat < e.net.Sets() {
			for k := range v.idx {
				v.idx[k] += int32(seat) * e.setLen
			}
		}
		e.views[slot] = v
	}
	return e.views[slot], seat
}

// Sum returns the sum of the weights the board read last selects, one per
// image of every tuple, in image order.
func (e *Eval) Sum() float64 {
	w := e.net.Weights
	var z float32
	for _, i := range e.cur.idx {
		z += w[i]
	}
	return float64(z)
}

// Active appends to dst the index in Network.Weights of the weight each
// image selects on the board read last (an index twice when two images
// select the same weight) and returns it.
func (e *Eval) Active(dst []int32) []int32 {
	return append(dst, e.cur.idx...)
}

// Keep saves the indices of the board read last for SumKept and returns
// how many boards are kept.
func (e *Eval) Keep() int {
	e.kept = append(e.kept, e.cur.idx...)
	return len(e.kept) / len(e.table)
}

// ReadKeep keeps, for SumKept, the indices of st as seat sees it without
// making st the board read last: its indices are found from the changes
// since seat's last Read, so a search that reads a position and then keeps
// each position one move after it updates the images of one cell per
// position.
func (e *Eval) ReadKeep(st game.BoardState, seat int) {
	v, seat := e.view(seat)
	cc, ok := st.(game.CellCoder)
	if !ok || !v.codesOK {
		e.Read(st, seat)
		e.Keep()
		return
	}
	start := len(e.kept)
	e.kept = append(e.kept, v.idx...)
	idx := e.kept[start:]
	cc.CellCodes(e.codes[:e.cells])
	rel := &e.rel[game.MaxPlayers]
	if seat >= 0 {
		rel = &e.rel[seat]
	}
	for w := 0; w < len(e.codes); w += 8 {
		if binary.LittleEndian.Uint64(e.codes[w:]) == binary.LittleEndian.Uint64(v.codes[w:]) {
			continue
		}
		for i := w; i < min(w+8, e.cells); i++ {
			if s := rel[e.codes[i]]; s != v.board[i] {
				d := int32(s) - int32(v.board[i])
				lo, hi := e.cellOff[i], e.cellOff[i+1]
				strides := e.cellStride[lo:hi]
				for j, k := range e.cellImg[lo:hi] {
					idx[k] += d * strides[j]
				}
			}
		}
	}
}

// SumKept appends to dst the Sum of every board kept since the last
// SumKept, in the order kept, and forgets them. Each is exactly the Sum of
// its board (the same float32 additions in image order), but the boards'
// sums run side by side, so their table reads overlap instead of each
// waiting for the one before.
func (e *Eval) SumKept(dst []float64) []float64 {
	k := len(e.table)
	w := e.net.Weights
	kept := e.kept
	for ; len(kept) >= 4*k; kept = kept[4*k:] {
		a, b, c, d := kept[:k], kept[k:2*k], kept[2*k:3*k], kept[3*k:4*k]
		var za, zb, zc, zd float32
		for i := range a {
			za += w[a[i]]
			zb += w[b[i]]
			zc += w[c[i]]
			zd += w[d[i]]
		}
		dst = append(dst, float64(za), float64(zb), float64(zc), float64(zd))
	}
	if len(kept) >= 2*k {
		a, b := kept[:k], kept[k:2*k]
		var za, zb float32
		for i := range a {
			za += w[a[i]]
			zb += w[b[i]]
		}
		dst = append(dst, float64(za), float64(zb))
		kept = kept[2*k:]
	}
	if len(kept) == k {
		var z float32
		for _, i := range kept {
			z += w[i]
		}
		dst = append(dst, float64(z))
	}
	e.kept = e.kept[:0]
	return dst
}
