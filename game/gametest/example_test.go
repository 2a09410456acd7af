package gametest_test

import (
	"fmt"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// A game package's test file calls Run once per game, or per interesting
// set of parameters; RunWith plays more games, a longer cap or another seed.
func ExampleRun() {
	// In tictactoe_test.go:
	testGametest := func(t *testing.T) {
		gametest.Run(t, tictactoe.Game{})
	}
	testMore := func(t *testing.T) {
		gametest.RunWith(t, tictactoe.Game{}, gametest.Options{Games: 1000, Seed: 7})
	}
	_, _ = testGametest, testMore
}

// PlayChoices drives a game along a list of choices, as a fuzz target does
// with its input, and fails on the first broken invariant: here a move code
// wider than MoveBits.
func ExamplePlayChoices() {
	choices := []byte{4, 0, 8} // legal[c % len(legal)] at each move
	fmt.Println(failure(func(t testing.TB) {
		gametest.PlayChoices(t, tictactoe.Game{}, choices, 9)
	}))
	fmt.Println(failure(func(t testing.TB) {
		gametest.PlayChoices(t, narrow{tictactoe.Game{}}, choices, 9)
	}))
	// Output:
	// ok
	// move 0: code 8 wider than MoveBits 3
}

// narrow is tic-tac-toe that claims its moves fit in 3 bits; cell 8 does not.
type narrow struct{ tictactoe.Game }

func (narrow) MoveBits() int { return 3 }

var _ game.Game = narrow{}

// failure runs f with a testing.TB that stops at the first failure and
// returns its message, or "ok".
func failure(f func(t testing.TB)) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f(stopTB{})
	return "ok"
}

// stopTB is a testing.TB whose failures panic with their message. Embedding
// the interface supplies the methods PlayChoices does not call.
type stopTB struct{ testing.TB }

func (stopTB) Helper()                           {}
func (stopTB) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (stopTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
