// Package testgames holds games that misbehave on purpose, for tests of the
// pipeline's failure handling. They are compiled into the simpipe binary
// only with the build tag "testgames".
package testgames

import (
	"fmt"
	"os"
	"sync"
	"time"

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
	r.MustRegister(Flaky)
	r.MustRegister(Slow)
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

// Flaky is tic-tac-toe preceded by a roll of a ten-sided die: on a 0 (one
// game in ten, fixed by the seed) the game is affected, and its first move
// panics on each of its first "fails" attempts in this process; the next
// attempt plays normally. The process counts attempts per game in a map
// keyed by eight more chance rolls (32 random bits drawn from the game's
// own stream, so the same game index always has the same key), since a
// game never sees its index. The panic message names the attempt
// ("attempt 3"), so a test can tell which attempt's error was kept.
//
// Anything else that plays an affected game counts as an attempt too: run it
// with an explicit --chunk (the automatic chunk size is timed by playing the
// first games) and with players that do not play ahead on clones (random),
// and expect a command that replays stored games (export, show) to fail on
// an affected one.
var Flaky = game.Def{
	Name: "test-flaky",
	Doc:  "test game: tic-tac-toe whose first move panics on the first `fails` attempts of about one game in ten",
	Params: []game.Param{
		{Name: "fails", Doc: "attempts of each affected game that panic", Default: 1, Min: 0, Max: 100},
	},
	New: func(p game.Params) (game.Game, error) { return flakyGame{fails: p["fails"]}, nil },
}

// flakyAttempts counts, per game key, the attempts that reached the first
// move. Shared by every simulator goroutine of the process.
var flakyAttempts = struct {
	sync.Mutex
	n map[uint32]int
}{n: map[uint32]int{}}

// flakyKeyRolls is how many four-bit chance rolls make an affected game's key.
const flakyKeyRolls = 8

type flakyGame struct{ fails int }

func (g flakyGame) Spec() string            { return fmt.Sprintf("test-flaky:fails=%d", g.fails) }
func (flakyGame) Players() int              { return 2 }
func (flakyGame) MoveBits() int             { return 4 }
func (flakyGame) Structure() game.Structure { return tictactoe.Game{}.Structure() }
func (g flakyGame) NewState() game.State {
	return &flakyState{State: tictactoe.Game{}.NewState().(*tictactoe.State), fails: g.fails}
}

type flakyState struct {
	*tictactoe.State
	fails    int
	rolls    int  // chance rolls made: the die, then the key's digits
	affected bool // the die showed 0
	key      uint32
	counted  bool // this attempt is counted (at its first move)
}

func (s *flakyState) Reset() {
	s.State.Reset()
	s.rolls, s.affected, s.key, s.counted = 0, false, 0, false
}

// chance reports whether the next move is a chance roll.
func (s *flakyState) chance() bool {
	return s.rolls == 0 || (s.affected && s.rolls <= flakyKeyRolls)
}

func (s *flakyState) ToMove() int {
	if s.chance() {
		return game.Chance
	}
	return s.State.ToMove()
}

func (s *flakyState) sides() int {
	if s.rolls == 0 {
		return 10
	}
	return 16
}

func (s *flakyState) Legal(dst []game.Move) []game.Move {
	if s.chance() {
		for i := 0; i < s.sides(); i++ {
			dst = append(dst, game.Move(i))
		}
		return dst
	}
	return s.State.Legal(dst)
}

func (s *flakyState) ChanceWeights(dst []uint32) []uint32 {
	for i := 0; i < s.sides(); i++ {
		dst = append(dst, 1)
	}
	return dst
}

func (s *flakyState) Apply(m game.Move) {
	if s.chance() {
		if s.rolls == 0 {
			s.affected = m == 0
		} else {
			s.key = s.key<<4 | uint32(m)
		}
		s.rolls++
		return
	}
	if s.affected && !s.counted {
		s.counted = true
		flakyAttempts.Lock()
		flakyAttempts.n[s.key]++
		attempt := flakyAttempts.n[s.key]
		flakyAttempts.Unlock()
		if attempt <= s.fails {
			panic(fmt.Sprintf("testgames: test-flaky fails attempt %d (of the first %d)", attempt, s.fails))
		}
	}
	s.State.Apply(m)
}

func (s *flakyState) Clone() game.State {
	c := *s
	c.State = s.State.Clone().(*tictactoe.State)
	return &c
}

func (s *flakyState) MoveString(m game.Move) string {
	if s.chance() {
		return fmt.Sprintf("roll %d", m)
	}
	return s.State.MoveString(m)
}

// Slow is tic-tac-toe whose every game, in a process with
// SIMPIPE_TESTGAME_SLEEP set to a duration, first sleeps that long (in
// NewState and Reset). Results do not depend on it: a run's pace is set by
// the sleep whatever else loads the machine, and a process without it (a
// reference run, a coordinator replaying results) is not slowed.
var Slow = game.Def{
	Name: "test-slow",
	Doc:  "test game: tic-tac-toe whose games take $SIMPIPE_TESTGAME_SLEEP each",
	New: func(game.Params) (game.Game, error) {
		d, _ := time.ParseDuration(os.Getenv("SIMPIPE_TESTGAME_SLEEP"))
		return slowGame{sleep: d}, nil
	},
}

type slowGame struct {
	tictactoe.Game
	sleep time.Duration
}

func (slowGame) Spec() string { return "test-slow" }
func (g slowGame) NewState() game.State {
	time.Sleep(g.sleep)
	return &slowState{State: tictactoe.Game{}.NewState().(*tictactoe.State), sleep: g.sleep}
}

type slowState struct {
	*tictactoe.State
	sleep time.Duration
}

func (s *slowState) Reset() {
	time.Sleep(s.sleep)
	s.State.Reset()
}

func (s *slowState) Clone() game.State {
	return &slowState{State: s.State.Clone().(*tictactoe.State), sleep: s.sleep}
}
