// Package pig implements the dice game Pig with OpenSpiel's rules.
//
// Seats take turns, seat 0 first. On its turn a seat repeatedly decides to
// roll (move 0) or stop (move 1). A roll is followed by a chance node whose
// outcome m (0 to dice-1, all equally likely) is the face m+1: a 1 loses the
// turn total and passes the turn, any other face is added to the turn total
// and the same seat decides again. Stopping banks the turn total and passes
// the turn. When the seat's banked score plus its turn total reaches the
// target, only stopping is legal. The first seat to bank at least the target
// wins.
//
// With a positive horizon the game also ends, as a draw, once that many
// decisions (rolls and stops; chance outcomes do not count) have been made.
// This is OpenSpiel's horizon rule; a win on the last decision still counts.
//
// Moves render as OpenSpiel renders them: "roll", "stop" and "Roll 4".
package pig

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Move codes of the deciding seat. Chance outcomes are face-1.
const (
	Roll game.Move = 0
	Stop game.Move = 1
)

const maxDice = 20

// Def registers the game as "pig".
var Def = game.Def{
	Name: "pig",
	Doc:  "Pig dice game: roll to build a turn total, a 1 loses it, stop to bank it; first to the target wins",
	Params: []game.Param{
		{Name: "players", Doc: "number of seats", Default: 2, Min: 2, Max: game.MaxPlayers},
		{Name: "target", Doc: "banked score that wins (OpenSpiel's winscore)", Default: 100, Min: 1, Max: 1000},
		{Name: "horizon", Doc: "decisions after which the game is a draw, 0 for none", Default: 0, Min: 0, Max: 1 << 20},
		{Name: "dice", Doc: "faces of the die", Default: 6, Min: 2, Max: maxDice},
	},
	New: func(p game.Params) (game.Game, error) {
		return New(p["players"], p["target"], p["horizon"], p["dice"])
	},
}

// Game is Pig with fixed parameters.
type Game struct {
	players, target, horizon, dice int
}

var _ game.Game = Game{}

// New returns Pig for the given number of seats, target score, horizon (0 for
// none) and faces of the die.
func New(players, target, horizon, dice int) (Game, error) {
	switch {
	case players < 2 || players > game.MaxPlayers:
		return Game{}, fmt.Errorf("pig: %d players, want 2..%d", players, game.MaxPlayers)
	case target < 1 || target > 1000:
		return Game{}, fmt.Errorf("pig: target %d, want 1..1000", target)
	case horizon < 0:
		return Game{}, fmt.Errorf("pig: negative horizon %d", horizon)
	case dice < 2 || dice > maxDice:
		return Game{}, fmt.Errorf("pig: %d dice faces, want 2..%d", dice, maxDice)
	}
	return Game{players: players, target: target, horizon: horizon, dice: dice}, nil
}

// Spec returns the canonical spec, e.g. "pig:players=2,target=100,horizon=0,dice=6".
func (g Game) Spec() string {
	return Def.Canonical(game.Params{"players": g.players, "target": g.target, "horizon": g.horizon, "dice": g.dice})
}

// Target returns the banked score that wins. Feature generation reads it to
// measure how far each seat is from winning.
func (g Game) Target() int { return g.target }

func (g Game) Players() int  { return g.players }
func (g Game) MoveBits() int { return bits.Len(uint(g.dice - 1)) }

func (g Game) Structure() game.Structure {
	return game.Structure{
		Topology:   game.NoBoard,
		Quantities: []string{"score", "turn_total"},
		Chance:     true,
		Goals:      []string{"race"},
	}
}

func (g Game) NewState() game.State {
	s := &State{}
	s.init(g)
	return s
}

// State is a position. Scores stay below 2*target+dice, so uint16 suffices.
type State struct {
	scores    [game.MaxPlayers]uint16
	total     uint16 // turn total of the seat on turn
	target    uint16
	horizon   uint32 // 0: none
	decisions uint32 // rolls and stops so far
	players   uint8
	dice      uint8
	turn      uint8 // seat on turn
	rolling   bool  // at a chance node (stays set if the horizon ends the game there)
	over      bool
	winner    int8 // -1: none
}

var (
	_ game.State         = (*State)(nil)
	_ game.ChanceState   = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
)

func (s *State) init(g Game) {
	*s = State{
		target:  uint16(g.target),
		horizon: uint32(g.horizon),
		players: uint8(g.players),
		dice:    uint8(g.dice),
		winner:  -1,
	}
}

func (s *State) Reset() {
	*s = State{target: s.target, horizon: s.horizon, players: s.players, dice: s.dice, winner: -1}
}

func (s *State) ToMove() int {
	if s.rolling {
		return game.Chance
	}
	return int(s.turn)
}

func (s *State) Terminal() bool    { return s.over }
func (s *State) Clone() game.State { c := *s; return &c }

var (
	rollOrStop = []game.Move{Roll, Stop}
	stopOnly   = []game.Move{Stop}
	faces      = func() (f [maxDice]game.Move) {
		for i := range f {
			f[i] = game.Move(i)
		}
		return f
	}()
	ones = func() (w [maxDice]uint32) {
		for i := range w {
			w[i] = 1
		}
		return w
	}()
)

func (s *State) Legal(dst []game.Move) []game.Move {
	switch {
	case s.over:
		return dst
	case s.rolling:
		return append(dst, faces[:s.dice]...)
	case s.scores[s.turn]+s.total >= s.target:
		return append(dst, stopOnly...)
	}
	return append(dst, rollOrStop...)
}

// ChanceWeights gives every face weight 1.
func (s *State) ChanceWeights(dst []uint32) []uint32 {
	if !s.rolling || s.over {
		return dst
	}
	return append(dst, ones[:s.dice]...)
}

func (s *State) Apply(m game.Move) {
	if s.rolling {
		s.rolling = false
		if m == 0 {
			s.total = 0
			s.next()
		} else {
			s.total += uint16(m) + 1
		}
		return
	}
	s.decisions++
	if m == Roll {
		s.rolling = true
	} else {
		s.scores[s.turn] += s.total
		s.total = 0
		if s.scores[s.turn] >= s.target {
			s.over, s.winner = true, int8(s.turn)
		}
		s.next()
	}
	if s.horizon > 0 && s.decisions >= s.horizon {
		s.over = true
	}
}

func (s *State) next() {
	s.turn++
	if s.turn == s.players {
		s.turn = 0
	}
}

// Winners returns the seat that reached the target; a game ended by the
// horizon is a draw.
func (s *State) Winners() game.Seats {
	if !s.over || s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

// Quantity reports a seat's banked score (q=0) and its turn total (q=1,
// zero unless the seat is on turn).
func (s *State) Quantity(seat, q int) int {
	switch q {
	case 0:
		return int(s.scores[seat])
	case 1:
		if seat == int(s.turn) {
			return int(s.total)
		}
	}
	return 0
}

// MoveString renders a move as OpenSpiel does: "roll", "stop", or at a
// chance node "Roll 4" for outcome 3.
func (s *State) MoveString(m game.Move) string {
	if s.rolling {
		return "Roll " + strconv.Itoa(int(m)+1)
	}
	if m == Roll {
		return "roll"
	}
	return "stop"
}

// String renders the position as OpenSpiel's ToString does:
// "Scores: 0 4 3, Turn total: 5\nCurrent player: 2 (rolling)\n".
func (s *State) String() string {
	var b strings.Builder
	b.WriteString("Scores:")
	for i := 0; i < int(s.players); i++ {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(int(s.scores[i])))
	}
	fmt.Fprintf(&b, ", Turn total: %d\nCurrent player: %d", s.total, s.turn)
	if s.rolling {
		b.WriteString(" (rolling)")
	}
	b.WriteByte('\n')
	return b.String()
}
