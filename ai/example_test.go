package ai_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
)

// A trained AI in one's own program: read the ai.json that 'simpipe train'
// wrote, build the game it was trained for and a player that uses it, and ask
// the player for its moves. Players draw every random choice from the RNG
// they are given, so the same seed gives the same moves.
func Example_trainedAI() {
	const file = "testdata/tictactoe.json" // simpipe train --game tictactoe ... -o tictactoe.json
	raw, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	model, err := ai.ParseModel(raw)
	if err != nil {
		panic(err)
	}
	g, err := builtin.Registry().New(model.Game)
	if err != nil {
		panic(err)
	}
	// Any player spec of the command line: greedy is the model alone (one
	// ply); "ai:iterations=200,file=..." searches with it.
	player, err := ai.NewPlayer(g, "greedy:file="+file)
	if err != nil {
		panic(err)
	}

	// Its move in a position given in the game's notation, as a game
	// server would ask for it.
	st := g.NewState()
	for _, text := range strings.Fields("x(0,0) o(1,1) x(0,1) o(2,2)") {
		m, err := game.ParseMove(st, text)
		if err != nil {
			panic(err)
		}
		st.Apply(m)
	}
	m := player.Choose(st, st.Legal(nil), game.NewRNG(1, 0))
	fmt.Println("ai plays", st.MoveString(m))

	// A whole game, the AI as x against a random o.
	st = g.NewState()
	rng := game.NewRNG(1, 1)
	players := []game.Player{player, ai.Random{}}
	for !st.Terminal() {
		legal := st.Legal(nil)
		st.Apply(players[st.ToMove()].Choose(st, legal, rng))
	}
	fmt.Printf("%s\nwinners: %v (seats; draw for none)\n", st, st.Winners())
	// Output:
	// ai plays x(0,2)
	// .ox
	// .xo
	// x..
	// winners: 0 (seats; draw for none)
}
