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

// QuantityState is implemented by states of games with per-seat numbers.
type QuantityState interface {
	// Quantity returns quantity q (an index into Structure.Quantities) of seat.
	Quantity(seat, q int) int
}
