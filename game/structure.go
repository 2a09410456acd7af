package game

// Topology is the cell layout of a board.
type Topology uint8

// Board topologies.
const (
	NoBoard Topology = iota // the game has no board (cards, dice)
	Square                  // rows × cols grid, 8 neighbours
	HexGrid                 // rhombus of hexagons, 6 neighbours
)

func (t Topology) String() string {
	switch t {
	case Square:
		return "square"
	case HexGrid:
		return "hex"
	default:
		return "none"
	}
}

// Structure describes a game in terms that feature generation understands:
// its board, its kinds of pieces and the numbers each seat has. It is plain
// data so that it can travel with a job and regenerate the same features on
// any worker.
type Structure struct {
	Topology Topology `json:"topology"`
	Rows     int      `json:"rows,omitempty"`
	Cols     int      `json:"cols,omitempty"`
	// Pieces names the kinds of piece; BoardState.Cell reports indices into it.
	Pieces []string `json:"pieces,omitempty"`
	// Quantities names per-seat numbers (score, hand size, books);
	// QuantityState.Quantity reports them by index.
	Quantities []string `json:"quantities,omitempty"`
	// Hidden is true when players do not see the whole state.
	Hidden bool `json:"hidden,omitempty"`
	// Chance is true when the game has chance nodes.
	Chance bool `json:"chance,omitempty"`
	// Goals says how the game is won, as hints for features:
	// "connect", "capture", "race", "collect", "line", "majority", "reach".
	// The package doc's "Features from the Structure" says what each adds.
	Goals []string `json:"goals,omitempty"`
	// Symmetries names the maps of the board onto itself, other than the
	// identity, under which the rules are the same for every seat: a
	// position and its image have the same value for the same seat. The list
	// with the identity is a group. Names are the Symmetry constants; see
	// Structure.SymmetryMap.
	Symmetries []string `json:"symmetries,omitempty"`
}

// Symmetry names. Cell (r, c) of a Rows×Cols board maps to:
const (
	MirrorLR      = "mirror"        // (r, Cols-1-c): left-right mirror
	FlipTB        = "flip"          // (Rows-1-r, c): top-bottom flip
	Rotate180     = "rot180"        // (Rows-1-r, Cols-1-c)
	Rotate90      = "rot90"         // (c, Rows-1-r), clockwise; square boards only
	Rotate270     = "rot270"        // (Cols-1-c, r); square boards only
	Transpose     = "transpose"     // (c, r), main diagonal; square boards only
	AntiTranspose = "antitranspose" // (Cols-1-c, Rows-1-r); square boards only
)

// Dihedral is the full symmetry group of a square board without the identity.
var Dihedral = []string{MirrorLR, FlipTB, Rotate180, Rotate90, Rotate270, Transpose, AntiTranspose}

// SymmetryMap returns the image of each cell under the named symmetry, or
// nil when the name is unknown or needs a square board that this one is not.
// On a HexGrid rhombus only Rotate180 (and Transpose, which exchanges the
// axes) maps neighbours to neighbours.
func (s Structure) SymmetryMap(name string) []int {
	R, C := s.Rows, s.Cols
	var f func(r, c int) (int, int)
	switch name {
	case MirrorLR:
		f = func(r, c int) (int, int) { return r, C - 1 - c }
	case FlipTB:
		f = func(r, c int) (int, int) { return R - 1 - r, c }
	case Rotate180:
		f = func(r, c int) (int, int) { return R - 1 - r, C - 1 - c }
	case Rotate90:
		f = func(r, c int) (int, int) { return c, R - 1 - r }
	case Rotate270:
		f = func(r, c int) (int, int) { return C - 1 - c, r }
	case Transpose:
		f = func(r, c int) (int, int) { return c, r }
	case AntiTranspose:
		f = func(r, c int) (int, int) { return C - 1 - c, R - 1 - r }
	default:
		return nil
	}
	switch name {
	case Rotate90, Rotate270, Transpose, AntiTranspose:
		if R != C {
			return nil
		}
	}
	out := make([]int, R*C)
	for i := range out {
		r, c := f(i/C, i%C)
		out[i] = r*C + c
	}
	return out
}

// Cells returns the number of board cells.
func (s Structure) Cells() int { return s.Rows * s.Cols }

// BoardState is implemented by states of games with a board. Cells are
// numbered row*Cols+col, row 0 at the top.
type BoardState interface {
	// Cell returns the seat owning the piece on cell i and the piece kind,
	// or seat -1 when the cell is empty.
	Cell(i int) (seat, piece int)
}

// CellCoder is an optional fast path of BoardState for evaluators that read
// the whole board at once (n-tuple networks): one call instead of one Cell
// call per cell.
type CellCoder interface {
	// CellCodes writes the content of every cell i < len(dst) to dst[i]: 0
	// when the cell is empty, else 1 + seat*P + piece for seat's piece of
	// kind piece, P being max(1, len(Structure.Pieces)). It agrees with Cell.
	CellCodes(dst []uint8)
}

// QuantityState is implemented by states of games with per-seat numbers.
type QuantityState interface {
	// Quantity returns quantity q (an index into Structure.Quantities) of seat.
	Quantity(seat, q int) int
}

// Neighbour steps (row, col): a Square cell touches its 8 surrounding cells,
// a HexGrid cell (r, c) touches (r-1, c), (r-1, c+1), (r, c+1), (r+1, c),
// (r+1, c-1) and (r, c-1).
var (
	squareSteps = [][2]int{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}
	hexSteps    = [][2]int{{-1, 0}, {-1, 1}, {0, 1}, {1, 0}, {1, -1}, {0, -1}}
)

// Steps returns the (row, col) offsets from a cell to its neighbours, in a
// fixed order; nil for NoBoard. Callers must not modify it.
func (t Topology) Steps() [][2]int {
	switch t {
	case Square:
		return squareSteps
	case HexGrid:
		return hexSteps
	}
	return nil
}

// Neighbours appends the cells adjacent to cell i to dst, in Steps order.
func (s Structure) Neighbours(dst []int, i int) []int {
	r, c := i/s.Cols, i%s.Cols
	for _, d := range s.Topology.Steps() {
		if rr, cc := r+d[0], c+d[1]; rr >= 0 && rr < s.Rows && cc >= 0 && cc < s.Cols {
			dst = append(dst, rr*s.Cols+cc)
		}
	}
	return dst
}
