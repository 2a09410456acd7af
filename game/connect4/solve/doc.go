// Package solve is an exact connect-four solver and the yardstick built on
// it: a set of positions from strong self-play whose value-preserving moves
// are known, and a measurement of how often a simpipe player finds one.
//
// # Scores
//
// A score is from the point of view of the side to move: positive when it
// wins, 0 for a draw, negative when it loses. A win scores 22 minus the
// number of discs the winner has played when it completes four (WinScore),
// so faster wins score higher and slower losses score higher: 18 for a win
// with the fourth disc, 1 for a win with the 21st (the last).
//
//	sv := solve.New(0)                    // 64 MiB table, reused between calls
//	a, err := sv.Analyze(state, false)    // a connect4 state: its score and every move's
//	p, err := solve.FromColumns([]int{3, 3, 2})
//	v := sv.Weak(p)                       // 1 win, 0 draw, -1 loss: much cheaper
//	value, keep := sv.Preserving(p)       // the columns that keep the value
//
// # How it searches
//
// The method is the one of Pascal Pons' solver (blog.gamesolver.org):
// positions are two bitboards in connect4's layout (the side to move's discs
// and all discs, a sentinel bit on every column); negamax with alpha-beta
// searches only the moves that do not let the opponent win at once (the only
// block when it threatens one cell, nothing when it threatens two, never the
// cell under one of its winning cells), which also bounds every score before
// any move is tried; moves are tried by the number of cells they threaten to
// complete, ties centre first; a transposition table keeps one lower or upper
// bound per position under its full 49-bit key, a position and its mirror
// image sharing an entry; and Solve finds the exact score by null-window
// searches that halve the possible range, testing small absolute scores
// (fast wins and losses) first, which is iterative deepening on the score.
// Weak searches only the windows around 0.
//
// Results are exact whatever the table holds, so a Solver can be reused
// across positions and games; only the time changes.
//
// # Checks
//
// The tests compare the exact score of 300 random positions with 30 to 36
// discs, and of each of their moves, with a plain minimax over connect4's own
// State (no pruning, no table, no bitboard of this package); check on random
// positions of 14 to 29 discs that a position's score is the best of its
// moves', that Weak and Preserving agree with Solve, and that a fresh and a
// well-used table agree; check hand-built positions (an immediate win, making
// and facing a double threat, a forced block); and, behind -solve.opening
// because it takes many CPU-minutes, the known values of the first move
// (Allis, Allen 1988): only the centre column wins, the columns next to it
// draw, the others lose. Run on 2026-12-01 with a CPU limit of 9 minutes, it
// confirmed that x wins with the centre (877 million nodes) and draws with
// column 2 (522 million more), about 7.5 CPU-minutes, and was stopped in
// column 4.
//
// # The yardstick
//
// testdata/positions.jsonl (Positions) holds 400 positions, one JSON object
// a line: the moves from the empty board in connect4's notation, the ply,
// the value for the side to move (1 won, 0 drawn) and the value-preserving
// moves ("keep": the winning moves of a won position, the drawing moves of
// a drawn one). Every position has 10 to 32 discs, a side to move that is not
// lost, and at most 3 value-preserving moves; TestShippedSet checks the form
// of every line and solves every 20th (every one with -solve.fullset), so
// the file cannot drift unnoticed. testdata/positions-seed2.jsonl is a
// second set of 400 made the same way from game seed 2 (-gen-seed 2), the
// held-out one: no player parameter or training setting was chosen on it
// (`make c4-accuracy C4FLAGS='-set game/connect4/solve/testdata/positions-seed2.jsonl'`).
// testdata/positions-seed3.jsonl, from -gen-seed 3, was made after every
// setting of the README's training commands had been chosen.
//
// The positions come from self-play (Generate, run by
// `make c4-positions`): game i, seeded by game.NewRNG(1, i), opens with ten
// plies of plain mcts at 2,000 iterations for both sides, then both sides
// play perfectly with noise: with chance 10 % a uniformly random legal move,
// otherwise a uniformly random value-preserving move. Of each game's
// positions at plies 10 to 32 that qualify, one is drawn uniformly, and
// positions already in the set are skipped. Solving every move of the
// opening would cost minutes a move; mcts at 2,000 iterations is a fair
// opening player (it opens in the centre in 95 % of the games). After it the
// players are perfect but for the noise, which is what makes positions where
// a wrong move can be played, won as well as drawn ones for either side.
//
// The shipped set came from 438 games (822 million solver nodes, about 4
// CPU-minutes): 374 won and 26 drawn positions; 199 with one
// value-preserving move, 124 with two, 77 with three; 244 at plies 10-17,
// 113 at 18-25, 43 at 26-32; 131 where the side to move can win at once,
// 78 where it must block an immediate win, 191 quiet. Any mcts finds the
// first two kinds, so the quiet ones tell players apart best (c4bench
// -kind quiet). Regenerating the set gives another one whenever the mcts
// player changes; the file is the yardstick.
//
// Measure asks a player for its move in each position (a fresh player per
// position, its RNG seeded by game.NewRNG(seed, i)) and reports the share of
// value-preserving choices with a Wilson 95 % interval, broken down by value,
// ply and kind ("win now": the side to move can win at once; "block": it
// must stop an immediate win; "quiet": neither). From the command line:
//
//	make c4-accuracy PLAYER='mcts:iterations=2000'
//	make c4-accuracy PLAYER='ai:iterations=200,file=ai.json' C4FLAGS='-workers 2 -json'
//	go run ./internal/c4bench -player 'greedy:file=ai.json' -n 100
//
// The player spec is one seat's, as for simpipe run --players.
//
// # Figures
//
// On the shipped set, seed 1 (2026-12-01; share of value-preserving moves,
// Wilson 95 % interval, all 400 positions and the 191 quiet ones; ai.json
// trained as the README shows, 2 iterations of 5,000 games):
//
//	random                      29.2 % (25.0-33.9)    33.0 % (26.7-39.9)
//	greedy:file=ai.json         77.2 % (72.9-81.1)    66.0 % (59.0-72.3)
//	ai:iterations=200,file=...  86.0 % (82.3-89.1)    70.7 % (63.9-76.7)
//	mcts:iterations=200         83.8 % (79.8-87.0)    66.0 % (59.0-72.3)
//	mcts:iterations=2000        88.8 % (85.3-91.5)    76.4 % (69.9-81.9)
//	mcts:iterations=20000       91.0 % (87.8-93.4)    81.2 % (75.0-86.1)
//
// mcts at 20,000 iterations takes about 4 CPU-seconds for the whole set.
package solve
