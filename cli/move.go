package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

type moveCmd struct {
	Game   string `required:"" help:"Game spec, e.g. connect4 or hex:size=7." placeholder:"SPEC"`
	Player string `required:"" help:"The player to ask, e.g. 'ai:iterations=200,file=c4.json' or 'greedy:file=c4.json'." placeholder:"SPEC"`
	Moves  string `help:"The moves from the start in the game's notation, separated by spaces, chance outcomes included (empty: the start)." placeholder:"MOVES"`
	Seed   uint64 `default:"1" help:"Seed of the player's random choices: after k moves it draws from the RNG of (seed, k), as in 'play'."`
	JSON   bool   `help:"Print one JSON object with every legal move's value (and visits, for players that search)."`
}

// moveReport is what 'move --json' prints.
type moveReport struct {
	Game  string      `json:"game"`
	Seat  int         `json:"seat"`
	Ply   int         `json:"ply"`
	Move  string      `json:"move"`
	Moves []moveScore `json:"moves"`
}

// moveScore is one legal move in 'move --json': value is absent for a
// player that cannot explain its choice, visits for one that does not search.
type moveScore struct {
	Move   string   `json:"move"`
	Value  *float64 `json:"value,omitempty"`
	Visits *int     `json:"visits,omitempty"`
	Prior  float64  `json:"prior,omitempty"`
}

func (c *moveCmd) Run(reg *game.Registry, s *streams) error {
	g, err := reg.New(c.Game)
	if err != nil {
		return usageErr(err)
	}
	players, err := lineupPlayers(g, c.Player)
	if err != nil {
		return err
	}
	st, history, err := replayMoves(g, c.Moves)
	if err != nil {
		return usageErr(fmt.Errorf("--moves: %w", err))
	}
	legal := st.Legal(nil)
	switch {
	case len(legal) == 0:
		return usageErr(fmt.Errorf("--moves: the game is over after move %d (%s): there is no move to choose", len(history), winnersText(st.Winners())))
	case st.ToMove() == game.Chance:
		return usageErr(fmt.Errorf("--moves: after move %d comes a chance outcome, not a player's move; add one of: %s", len(history), game.MoveStrings(st, legal)))
	}
	seat := st.ToMove()
	mv, scores := ai.Explain(players[seat], seen(st, seat), legal, game.NewRNG(c.Seed, uint64(len(history))))
	if !c.JSON {
		_, err := fmt.Fprintln(s.out, st.MoveString(mv))
		return err
	}
	rep := moveReport{Game: g.Spec(), Seat: seat, Ply: len(history), Move: st.MoveString(mv), Moves: make([]moveScore, len(legal))}
	searched := false
	for _, sc := range scores {
		searched = searched || sc.Visits > 0
	}
	for i, m := range legal {
		rep.Moves[i].Move = st.MoveString(m)
		if scores == nil {
			continue
		}
		rep.Moves[i].Value = &scores[i].Value
		rep.Moves[i].Prior = scores[i].Prior
		if searched {
			rep.Moves[i].Visits = &scores[i].Visits
		}
	}
	enc := json.NewEncoder(s.out)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// lineupPlayers builds a player for every seat of g from spec (see
// ai.ParseLineup); its errors are bad input.
func lineupPlayers(g game.Game, spec string) ([]game.Player, error) {
	l, err := ai.ParseLineup(spec, g)
	if err != nil {
		return nil, usageErr(err)
	}
	ps, err := l.Players()
	if err != nil {
		return nil, usageErr(err)
	}
	return ps, nil
}

// replayMoves plays text, moves in g's notation separated by spaces, from
// the start and returns the position reached and the moves. A chance
// outcome whose name has a space (Pig's "Roll 3") may be written as two
// words. The error names the first move that is not legal, by its number in
// the list, with the moves that are.
func replayMoves(g game.Game, text string) (game.State, []game.Move, error) {
	st := g.NewState()
	var history []game.Move
	words := strings.Fields(text)
	for i := 0; i < len(words); i++ {
		n := len(history) + 1
		if st.Terminal() {
			return nil, nil, fmt.Errorf("move %d %q: the game is over after move %d (%s)", n, words[i], n-1, winnersText(st.Winners()))
		}
		m, err := game.ParseMove(st, words[i])
		if err != nil && i+1 < len(words) {
			if m2, err2 := game.ParseMove(st, words[i]+" "+words[i+1]); err2 == nil {
				m, err = m2, nil
				i++
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("move %d %v", n, err)
		}
		st.Apply(m)
		history = append(history, m)
	}
	return st, history, nil
}

// seen returns st as seat sees it: its view in a hidden-information game.
func seen(st game.State, seat int) game.State {
	if h, ok := st.(game.HiddenState); ok {
		return h.View(seat)
	}
	return st
}

func (*moveCmd) Help() string {
	return `Plays --moves from the start and prints the move the player chooses in the
position reached, in the game's notation. For debugging an AI, and for a
program in any language that wants the AI's move. --json prints game, seat
(to move), ply (moves so far), move, and moves: every legal move with its
value for the seat to move (win 1, draw 0.5, loss 0) — the model's one-ply
value for greedy, the mean result of the search for mcts and ai, with its
visits, the probability of choosing it for random.

--moves lists every action, chance outcomes (dice, deals) included; Pig's
"Roll 3" may be written as is. The player draws its random choices from the
RNG of (--seed, number of moves), as in 'play', so the answer is
reproducible. A move that is not legal, a list that goes on after the end of
the game, or a game already over gets a one-line error and exit code 2.

Examples:
  simpipe move --game connect4 --player ai:iterations=200,file=c4.json --moves "x3 o3 x4"
  simpipe move --game connect4 --player greedy:file=c4.json --moves "x3 o3" --json
  simpipe move --game tictactoe --player mcts:iterations=1000 --moves "x(1,1) o(0,0)" --json`
}
