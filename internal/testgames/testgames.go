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
	return &panickyState{State: tictactoe.Game{}.NewState().(*tictactoe.State), fixed: g.fixed}
}

type panickyState struct {
	*tictactoe.State
	rolled, cursed, fixed bool
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
		for i := 0; i < 10; i++ {
			dst = append(dst, game.Move(i))
		}
		return dst
	}
	return s.State.Legal(dst)
}

func (s *panickyState) ChanceWeights(dst []uint32) []uint32 {
	for i := 0; i < 10; i++ {
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
}
