package features

// Every feature reads one measure: a number per seat, such as how many
// pieces of a kind each seat has. Its Args start with three integers that
// say how the measure becomes the feature's value, seen from the seat being
// evaluated:
//
//	Args[0] view: Mine, Opp, OppSum, Diff or DiffSum
//	Args[1] test: Value, GE, LE or EQ
//	Args[2] k:    the threshold of GE, LE and EQ (0 for Value)
//	Args[3:]      the measure's own parameters, listed with each kind below
//
// so {"kind": "pieces", "args": [3, 1, 2, 0]} is 1 when the seat has at
// least two more pieces of kind 0 than its strongest opponent, else 0.

// Views: whose number a feature reads.
const (
	Mine    = 0 // the seat's own number
	Opp     = 1 // the largest number among the other seats (0 with one seat)
	OppSum  = 2 // the sum over the other seats
	Diff    = 3 // Mine - Opp
	DiffSum = 4 // Mine - OppSum
)

// Tests: how the viewed number becomes the value.
const (
	Value = 0 // the number itself
	GE    = 1 // 1 if the number is >= k, else 0
	LE    = 2 // 1 if the number is <= k, else 0
	EQ    = 3 // 1 if the number is == k, else 0
)

// ArgsHead is the number of leading Args (view, test, k) every kind takes.
const ArgsHead = 3

// Kinds of measure. Board measures read game.BoardState and count 0 on a
// state that does not implement it; piece is an index into
// Structure.Pieces or -1 for any kind. Cells are numbered row*Cols+col, row
// 0 at the top.
const (
	// KindPieces counts the seat's pieces. Params: piece.
	KindPieces = "pieces"
	// KindRegion counts the seat's pieces in rows r0..r1 and columns c0..c1
	// (inclusive). Params: piece, r0, r1, c0, c1.
	KindRegion = "region"
	// KindEdge counts the seat's pieces on the outer ring of the board.
	// Params: piece.
	KindEdge = "edge"
	// KindCorner counts the seat's pieces on the four corner cells.
	// Params: piece.
	KindCorner = "corner"
	// KindXSquare counts the seat's pieces on the cells diagonally next to
	// the corners, which in corner-taking games (Othello) hand the corner to
	// the opponent. Params: piece.
	KindXSquare = "xsquare"
	// KindCell is 1 when the seat has a piece on the cell. Params: cell,
	// piece.
	KindCell = "cell"
	// KindAdvance sums, over the seat's pieces, the rows each stands ahead
	// of the seat's home row. Forward is fixed per seat at Compile: a seat
	// whose pieces start (on average) in the top half moves down, one in
	// the bottom half moves up. Params: piece.
	KindAdvance = "advance"
	// KindFront is the advance of the seat's most advanced piece, 0 with no
	// piece. Params: piece.
	KindFront = "front"
	// KindBackRow counts the seat's pieces on its home row. Params: piece.
	KindBackRow = "backrow"
	// KindLiberties counts the empty cells next to at least one of the
	// seat's pieces: a mobility estimate that needs no legal-move generation
	// and exists for every seat, not just the one to move. No params.
	KindLiberties = "liberties"
	// KindGroups counts the seat's connected groups of pieces (8
	// neighbours on a square board, 6 on a hex board). No params.
	KindGroups = "groups"
	// KindConnect is the least number of empty cells the seat must still
	// fill to join its two edges through its own pieces, with the
	// opponent's pieces blocking: seat 0 joins the top and bottom rows,
	// seat 1 the left and right columns, as in Hex. It is Rows*Cols+1 when
	// the seat can no longer connect. Two-seat games only. No params.
	KindConnect = "connect"
	// KindLines counts the straight lines of length cells (rows, columns
	// and diagonals; the three axes on a hex board) that hold exactly k of
	// the seat's pieces and no other piece. Params: length, k.
	KindLines = "lines"
	// KindMobility is the number of legal moves of the seat when it is to
	// move and 0 otherwise: legal moves exist only for the seat on turn,
	// and generating them for another seat would need a game-specific
	// "pass". No params.
	KindMobility = "mobility"
	// KindToMove is 1 for the seat to move (0 at chance nodes and at the
	// end). No params.
	KindToMove = "tomove"
	// KindQuantity is the sum of the seat's quantities q1, q2, ... (indices
	// into Structure.Quantities), read through game.QuantityState. Params:
	// one or more quantity indices.
	KindQuantity = "quantity"
	// KindToGo is the game's target (see Racer) minus the sum of the seat's
	// quantities: how far the seat is from winning a race. Params: one or
	// more quantity indices.
	KindToGo = "togo"
)

// Racer is implemented by games won by reaching a target score, such as Pig.
// KindToGo needs it.
type Racer interface {
	Target() int
}

// Liner is implemented by games won by a line of pieces that want to say its
// length. Without it, Generate assumes min(Rows, Cols, 4): 3 for
// tic-tac-toe, 4 for Connect Four.
type Liner interface {
	LineLength() int
}

// CellHinter is implemented by games that name board cells worth a feature
// of their own (say, the squares next to an Othello corner). Generate adds a
// KindCell feature (mine, opponents', difference) for each, named
// "cell.NAME". It uses only basic types so that game packages need not
// import this one.
type CellHinter interface {
	FeatureCells() (names []string, cells []int)
}
