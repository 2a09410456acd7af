package game_test

import (
	"errors"
	"fmt"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/hex"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// A registry turns spec strings into games: the name, then any parameters;
// the others take their defaults, and the canonical spec lists them all.
func ExampleRegistry_New() {
	var reg game.Registry
	reg.MustRegister(hex.Def)
	reg.MustRegister(tictactoe.Def)

	g, err := reg.New("hex:size=7")
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Spec(), g.Players(), "players")

	_, err = reg.New("hex:size=99")
	fmt.Println(errors.Is(err, game.ErrBadSpec), err)
	_, err = reg.New("chess")
	fmt.Println(errors.Is(err, game.ErrUnknownGame))
	// Output:
	// hex:size=7,swap=0 2 players
	// true bad game spec "hex:size=99": size=99 is outside 3..19
	// true
}

// Play plays one game to the end. All randomness comes from the RNG of
// (run seed, game index), so the same seed replays the same games.
func ExamplePlay() {
	g := tictactoe.Game{}
	players := []game.Player{ai.Random{}, ai.Random{}}
	var sc game.Scratch
	for i := range uint64(3) {
		out := game.Play(g.NewState(), players, game.NewRNG(1, i), 0, &sc)
		fmt.Printf("game %d: %d moves, winners %v\n", i, len(out.Moves), out.Winners)
	}
	st := g.NewState()
	game.Play(st, players, game.NewRNG(1, 0), 0, &sc) // game 0 again
	fmt.Println(st)
	// Output:
	// game 0: 6 moves, winners 1
	// game 1: 9 moves, winners 0
	// game 2: 6 moves, winners 1
	// .ox
	// xo.
	// xo.
}
