// Package checkers implements English draughts (American checkers) on an 8x8
// board.
//
// # Rules
//
// Each side starts with 12 men on the dark squares of its three nearest
// rows. Seat 0 is White (men "o", kings "8"), starts on ranks 1-3 at the
// bottom of the printed board and moves first, as in OpenSpiel's "checkers";
// seat 1 is Black (men "+", kings "*") on ranks 6-8. (Over-the-board rules
// let Black start; the perft counts do not depend on it.)
//
//   - Men move and capture one square diagonally forward, kings one square in
//     all four diagonal directions.
//   - Capturing is compulsory: when any jump exists, only jumps are legal.
//   - A multi-jump is a single move and must be jumped to the end; any
//     capturing sequence may be chosen (there is no "most pieces" rule), and
//     different jump paths are different moves even when they take the same
//     pieces. A piece cannot be jumped twice; the mover's starting square is
//     empty during its own jumps, so a king may jump around a loop back to it.
//   - A man that reaches the far row is crowned and its move ends there, even
//     if the new king could jump on.
//   - A player with no legal move (no pieces, or all blocked) loses.
//
// # Draw rule
//
// The game is a draw once DrawPlies consecutive moves (whole moves, one per
// ply; default 80, that is 40 moves by each side, after the 40-move rule)
// have been made without a capture and without a man moving: only king steps
// count, and every capture or man move resets the count. Both sides are then
// reduced to shuffling kings, so the game cannot go on for ever. A move that
// leaves the opponent without a legal move wins even when it also completes
// the count. The count is the parameter "drawplies" of the spec
// "checkers:drawplies=80".
//
// OpenSpiel instead draws after 40 single-jump actions without a capture,
// counting the jumps of a multi-jump one by one and letting men moves count;
// its playthrough ends in that draw where this package's game goes on.
//
// # Board and move encoding
//
// The 32 dark squares are numbered 0-31 row by row from the top left:
// square row*4 + col/2, where row 0 is rank 8 (Black's back row) and
// col 0 is file a; a dark square has row+col odd. Directions are
// OpenSpiel's: 0 = up-left (row-1, col-1), 1 = up-right (row-1, col+1),
// 2 = down-right (row+1, col+1), 3 = down-left (row+1, col-1). White men
// use 0 and 1, Black men 2 and 3.
//
// A move code is
//
//	bits 0-4   the square the piece starts on (0-31)
//	bit  5     1 for a jump (capture), 0 for a step
//	bits 6-    the path: a 1 marker bit above 2-bit directions, first step
//	           lowest, so a path of n steps is 1<<(2n) | d1 | d2<<2 | ...
//
// A step has n = 1; a jump sequence has one direction per jump. A move
// captures at most 9 pieces: a jumping piece lands only on squares whose
// row parity is that of its start, so every piece it takes stands on an
// inner square (not on an edge row or file) of the other row parity, and
// there are 9 of those. Codes therefore fit in 6 + 2*9 + 1 = 25 bits
// (MoveBits); the bound is reached (TestLongestCapture).
//
// MoveString writes squares as file letter and rank ("a3"): "a3b4" for a
// step and "c5xa3xe1" (every landing square, each after an "x") for a jump.
// String prints OpenSpiel's board: rank 8 first, a rank digit then the
// eight squares ("." empty), then " abcdefgh", each line ending in "\n".
//
// Legal lists jumps by starting square, then depth-first in direction
// order; steps by direction, then by target square.
package checkers
