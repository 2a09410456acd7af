// Package testgames holds games that misbehave on purpose, for tests of the
// pipeline's failure handling. They are compiled into the simpipe binary
// only with the build tag "testgames".
package testgames

import (
	"os"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// Panicky is tic-tac-toe preceded by a chance roll of a ten-sided die: when
// it shows 0 (one game in ten, fixed by the game's seed), the first move
// panics. Setting SIMPIPE_TESTGAME_FIXED=1 in the environment removes the
// bug, for tests that retry failed games after a "fix".
var Panicky = game.Def{
	Name: "test-panicky",
	Doc:  "test game: tic-tac-toe that panics in about one game in ten",
	New: func(game.Params) (game.Game, error) {
		return panickyGame{fixed: os.Getenv("SIMPIPE_TESTGAME_FIXED") == "1"}, nil
	},
}

type panickyGame struct{ fixed bool }

func (panickyGame) Spec() string              { return "test-panicky" }
func (panickyGame) Players() int              { return 2 }
func (panickyGame) MoveBits() int             { return 4 }
func (panickyGame) Structure() game.Structure { return tictactoe.Game{}.Structure() }
func (g panickyGame) NewState() game.State {
	return &panickyState{State: tictactoe.Game{}.NewState().(*tictactoe.State), fixed: g.fixed, sides: 10}
}

type panickyState struct {
	*tictactoe.State
	rolled, cursed, fixed bool
	sides                 int // of the die rolled first; a 0 curses the game
}

func (s *panickyState) Reset() {
	s.State.Reset()
	s.rolled, s.cursed = false, false
}

func (s *panickyState) ToMove() int {
	if !s.rolled {
		return game.Chance
	}
	return s.State.ToMove()
}

func (s *panickyState) Legal(dst []game.Move) []game.Move {
	if !s.rolled {
		for i := 0; i < s.sides; i++ {
			dst = append(dst, game.Move(i))
		}
		return dst
	}
	return s.State.Legal(dst)
}

func (s *panickyState) ChanceWeights(dst []uint32) []uint32 {
	for i := 0; i < s.sides; i++ {
		dst = append(dst, 1)
	}
	return dst
}

func (s *panickyState) Apply(m game.Move) {
	if !s.rolled {
		s.rolled, s.cursed = true, m == 0
		return
	}
	if s.cursed && !s.fixed {
		panic("testgames: planted bug in test-panicky")
	}
	s.State.Apply(m)
}

func (s *panickyState) Clone() game.State {
	c := *s
	c.State = s.State.Clone().(*tictactoe.State)
	return &c
}

func (s *panickyState) MoveString(m game.Move) string {
	if !s.rolled {
		return "roll " + string(rune('0'+m))
	}
	return s.State.MoveString(m)
}

// Register adds the test games to r.
func Register(r *game.Registry) {
	r.MustRegister(Panicky)
	r.MustRegister(Hang)
	r.MustRegister(Endless)
}

// Hang is tic-tac-toe preceded by a roll of a 50-sided die: on a 0 (one game
// in fifty, fixed by the seed) the first move blocks forever, as a game with
// a deadlock in its rules would.
var Hang = game.Def{
	Name: "test-hang",
	Doc:  "test game: tic-tac-toe that blocks forever in about one game in fifty",
	New:  func(game.Params) (game.Game, error) { return hangGame{}, nil },
}

type hangGame struct{ panickyGame }

func (hangGame) Spec() string { return "test-hang" }
func (hangGame) NewState() game.State {
	return &hangState{panickyState{State: tictactoe.Game{}.NewState().(*tictactoe.State), sides: 50}}
}

type hangState struct{ panickyState }

func (s *hangState) Apply(m game.Move) {
	if !s.rolled {
		s.rolled, s.cursed = true, m == 0
		return
	}
	if s.cursed {
		select {} // blocks forever
	}
	s.State.Apply(m)
}

func (s *hangState) Clone() game.State {
	c := *s
	c.State = s.State.Clone().(*tictactoe.State)
	return &c
}

// Endless never ends: each player passes a token back and forth, so only
// the max-actions cap stops it.
var Endless = game.Def{
	Name: "test-endless",
	Doc:  "test game: two moves that never end the game",
	New:  func(game.Params) (game.Game, error) { return endlessGame{}, nil },
}

type endlessGame struct{}

func (endlessGame) Spec() string              { return "test-endless" }
func (endlessGame) Players() int              { return 2 }
func (endlessGame) MoveBits() int             { return 1 }
func (endlessGame) Structure() game.Structure { return game.Structure{} }
func (endlessGame) NewState() game.State      { return &endlessState{} }

type endlessState struct{ turn int }

func (s *endlessState) Reset()                            { s.turn = 0 }
func (s *endlessState) ToMove() int                       { return s.turn & 1 }
func (s *endlessState) Legal(dst []game.Move) []game.Move { return append(dst, 0, 1) }
func (s *endlessState) Apply(game.Move)                   { s.turn++ }
func (s *endlessState) Terminal() bool                    { return false }
func (s *endlessState) Winners() game.Seats               { return 0 }
func (s *endlessState) Clone() game.State                 { c := *s; return &c }
func (s *endlessState) MoveString(m game.Move) string     { return string(rune('a' + m)) }
func (s *endlessState) String() string                    { return "turn " + string(rune('0'+s.turn%10)) }
