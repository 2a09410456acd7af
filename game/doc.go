// Package game defines the rules layer of simpipe: the interfaces a game
// implements, the registry that turns a spec string such as "hex:size=7" into
// a Game, the per-game random number generator, and Play, which plays one game
// from start to end.
//
// # States
//
// A State is mutable: Apply changes it in place and Reset returns it to the
// initial position. Simulations play millions of games, so the hot path
// (Legal, Apply, Terminal) must not allocate; callers pass the buffers.
// Clone gives an independent copy for searches that need one.
//
// # Chance
//
// Dice, shuffles and deals are chance nodes: ToMove returns Chance, Legal
// lists the outcomes and ChanceWeights gives their integer weights. The
// caller, not the game, draws the outcome from the game's RNG, so every random
// event is recorded as a move and a game replays from its move list alone.
//
// # Determinism
//
// A game is a pure function of (run seed, game index): Play takes an RNG
// seeded by NewRNG(seed, index) and no other source of randomness. Games must
// not read the clock, iterate maps or start goroutines.
//
// # Features from the Structure
//
// A trained player's features are generated from Game.Structure and the
// initial position (ai/features.Generate), not written by hand. What a game
// author declares decides which feature families it gets; each family is
// NAME.mine, NAME.opp and NAME.diff, seen from the seat evaluated:
//
//	declared                                 families
//	---------------------------------------  ----------------------------------------------
//	any game                                 tomove
//	a board (BoardState, Rows, Cols, Pieces) material.PIECE (material.all with several
//	                                         kinds), center, edge, liberties, mobility;
//	                                         corner on a Square board, and xsquare
//	                                         from 6×6 up
//	pieces that start on one side            advance.PIECE, front.PIECE, backrow.PIECE
//	a HexGrid board, or goal "connect";      connect.distance, groups
//	  two seats only
//	goal "line"                              line.openK: open lines of the line length
//	                                         N holding K of one's pieces, K = N-2, N-1
//	quantities (QuantityState, Quantities)   one family per quantity, named after it,
//	                                         in a game without a board, or with goal
//	                                         "race" or "collect"
//	goal "race", "collect" or "majority"     NAME.diff.ge1 and NAME.diff.le-1 for each
//	                                         of those quantities
//	goal "race"                              the sum of the quantities (Q1+Q2)
//	goal "race" and features.Racer           togo.Q: Target() minus the quantity,
//	  (Target() int)                         and togo.SUM.mine.le0
//	features.Liner (LineLength() int)        sets the line length of line.openK (default
//	                                         min(Rows, Cols, 4))
//	features.CellHinter                      cell.NAME for each named cell
//	  (FeatureCells() ([]string, []int))
//
// Goals "capture" and "reach" have no family of their own: they, like any
// goal other than "line" and "connect", keep material indicators such as
// material.PIECE.diff.ge2, which placement games (every goal "line" or
// "connect") do without, since their piece counts only follow the move
// number. Racer, Liner and CellHinter are methods of the Game (not of its
// states) with only basic types, so a game implements them without
// importing ai/features; gametest.Run's Features
// check compiles and evaluates whatever the declaration produces.
//
// # Writing a game
//
// A new game, in this module or in its own, implements Game and State,
// declares a Def and is registered in the Registry that cli.Main runs with.
// gametest.Run checks it against every promise above, and the module in
// examples/nim is a complete game written outside simpipe, with a README
// from the interface to a trained model.
package game
