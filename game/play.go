package game

import "fmt"

// Outcome is how one played game ended.
type Outcome struct {
	// Moves holds every move and chance outcome in order; it aliases the
	// buffer passed to Play.
	Moves []Move
	// Winners is empty for a draw or an incomplete game.
	Winners Seats
	// Completed is false when the game hit the max-actions cap.
	Completed bool
}

// Scratch holds the buffers Play reuses between games, so that a worker plays
// millions of games without allocating.
type Scratch struct {
	Moves   []Move
	legal   []Move
	weights []uint32
}

// Play plays st from its current position to the end, or until maxActions
// moves (chance outcomes included) have been made, drawing every random
// choice from rng. players[i] chooses for seat i. st is left at the final
// position. maxActions <= 0 means no cap.
func Play(st State, players []Player, rng *RNG, maxActions int, sc *Scratch) Outcome {
	if po, ok := st.(Playouter); ok && allUniform(players) {
		return po.PlayUniform(rng, maxActions, sc)
	}
	if sp, ok := st.(Sampler); ok && allUniform(players) {
		return playSampled(sp, rng, maxActions, sc)
	}
	moves := sc.Moves[:0]
	hidden, _ := st.(HiddenState)
	for {
		// Legal lists nothing exactly when the game is over, which saves a
		// Terminal call per move on the hot path.
		sc.legal = st.Legal(sc.legal[:0])
		if len(sc.legal) == 0 {
			if !st.Terminal() {
				panic(fmt.Sprintf("game: non-terminal state without legal moves:\n%s", st))
			}
			break
		}
		if maxActions > 0 && len(moves) >= maxActions {
			sc.Moves = moves
			return Outcome{Moves: moves}
		}
		var m Move
		seat := st.ToMove()
		switch {
		case seat == Chance:
			cs, ok := st.(ChanceState)
			if !ok {
				panic("game: chance node in a state without ChanceWeights")
			}
			sc.weights = cs.ChanceWeights(sc.weights[:0])
			m = sc.legal[rng.Weighted(sc.weights)]
		case hidden != nil:
			m = players[seat].Choose(hidden.View(seat), sc.legal, rng)
		default:
			m = players[seat].Choose(st, sc.legal, rng)
		}
		st.Apply(m)
		moves = append(moves, m)
	}
	sc.Moves = moves
	return Outcome{Moves: moves, Winners: st.Winners(), Completed: true}
}

// Playouter is implemented by states that play a game between uniform
// players to the end in one call, with exactly the draws of Play's loop for
// a state that is not a Sampler: legal[rng.IntN(len(legal))] at a decision,
// legal[rng.Weighted(weights)] at a chance node. A game process
// (game/gameproc) implements it so that a random game costs one round trip,
// not one per move. Play uses it when every player is a UniformPlayer; it
// must fill sc.Moves as Play does and leave st at the final position.
type Playouter interface {
	State
	PlayUniform(rng *RNG, maxActions int, sc *Scratch) Outcome
}

// BatchPlayouter is implemented by states that play several whole games
// between uniform players in one call, game i from the initial position
// with the draws Play would make from rngs[i] (those of a Playouter). A game
// process (game/gameproc) implements it so that a job's random games cost
// one round trip, not one each. It appends the outcomes to out, whose Moves
// it allocates, and leaves the rngs as it found them and st at an
// unspecified position (Reset it before use).
type BatchPlayouter interface {
	State
	PlayUniformBatch(rngs []*RNG, maxActions int, out []Outcome) []Outcome
}

// AllUniform reports whether every player is a UniformPlayer.
func AllUniform(players []Player) bool { return allUniform(players) }

func allUniform(players []Player) bool {
	for _, p := range players {
		if _, ok := p.(UniformPlayer); !ok {
			return false
		}
	}
	return true
}

// playSampled is Play for uniform players on a Sampler state: decisions are
// drawn by SampleMove; chance nodes, if any, go through Legal as usual.
func playSampled(st Sampler, rng *RNG, maxActions int, sc *Scratch) Outcome {
	moves := sc.Moves[:0]
	for !st.Terminal() {
		if maxActions > 0 && len(moves) >= maxActions {
			sc.Moves = moves
			return Outcome{Moves: moves}
		}
		var m Move
		if st.ToMove() == Chance {
			sc.legal = st.Legal(sc.legal[:0])
			sc.weights = st.(ChanceState).ChanceWeights(sc.weights[:0])
			m = sc.legal[rng.Weighted(sc.weights)]
		} else {
			m = st.SampleMove(rng)
		}
		st.Apply(m)
		moves = append(moves, m)
	}
	sc.Moves = moves
	return Outcome{Moves: moves, Winners: st.Winners(), Completed: true}
}
