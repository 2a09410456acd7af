// Package gameproc plays games that run in another process, written in any
// language, through the game-process protocol of docs/game-protocol.md:
// JSON lines over the process's standard input and output, states named by
// handles, batched random playouts whose draws come from simpipe's
// per-game RNG, and, from version 2, views and determinizations for
// hidden-information games.
//
// Register installs the resolver of "exec:NAME[:key=value,...]" specs in a
// game.Registry (game/builtin does), so every command and worker can name an
// external game. NAME is looked up in the games file (SetGamesFile,
// $SIMPIPE_GAMES_FILE, or ~/.config/simpipe/games.json), then on PATH as
// simpipe-game-NAME.
//
// # Hidden information
//
// A process that answers hello with protocol version 2 may declare hidden
// information. Its states are then game.HiddenState (ChanceHiddenState
// when it has chance nodes too): View(seat) returns a *View, which asks the
// process about the position on the seat's behalf, and whose Determinize
// ships the next words of simpipe's RNG in a determinize request, so that
// searches sample the same positions as a Go game's Determinize would.
// Version 1 processes are played as before.
//
// # Supervision
//
// Each State from NewState gets a process of its own on first use; its
// clones share it. A process that exits, is killed, writes a line that is not
// a protocol reply, answers with an error or an impossible position, or
// takes longer than its timeout to answer (DefaultTimeout) is killed with
// its process group, and the state panics with a *ProcessError holding its
// exit status and the tail of its standard error. simpipe's simulator
// replays a game that panics (--retries) with a new state and so a new
// process. Processes exit when their input closes, are killed by CloseAll,
// and on Linux die with simpipe (Pdeathsig).
package gameproc
