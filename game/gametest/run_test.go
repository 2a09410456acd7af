package gametest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gofish"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// TestRunPlantedBugs feeds Run games with one deliberate bug each and checks
// that the right check reports it with a message that says what is wrong.
func TestRunPlantedBugs(t *testing.T) {
	quick := Options{Games: 30}
	cases := []struct {
		name string
		g    game.Game
		o    Options
		want map[string]string // check → substring of its message
	}{
		{"clone shares its board", fill{bug: shareClone}, quick, map[string]string{
			"Clone": "to a clone changed the original (Clone shares memory?): String() was",
		}},
		{"moves wider than MoveBits", fill{bug: narrowBits}, quick, map[string]string{
			"Encoding": "does not fit in MoveBits() = 2 bits",
		}},
		{"stored moves lose bits", fill{bug: narrowBits}, quick, map[string]string{
			"Encoding": "decodes to different moves",
		}},
		{"global math/rand", fill{bug: globalRand}, quick, map[string]string{
			"Replay": "does not replay",
		}},
		{"counter outside the state", fill{bug: counter}, quick, map[string]string{
			"Replay": "does not replay (from NewState, then from a Reset state): winners",
		}},
		{"endless game", fill{bug: endless}, Options{Games: 3, MaxActions: 500}, map[string]string{
			"Terminates": "did not end within 500 actions",
		}},
		{"duplicate legal move", fill{bug: duplicate}, quick, map[string]string{
			"Legal": "listed twice",
		}},
		{"view shows other hands", leaky{bug: leakString}, quick, map[string]string{
			"Hidden": "View(0) of a determinized state differs from the view it was sampled from",
		}},
		{"determinize hands out the truth", leaky{bug: leakTruth}, quick, map[string]string{
			"Hidden": "Determinize returned the true position at all",
		}},
		{"determinize hands out the truth at times", leaky{bug: leakSometimes}, quick, map[string]string{
			"Hidden": "Determinize depends on more than the view",
		}},
		{"view hides the seat's moves", leaky{bug: hideLegal}, quick, map[string]string{
			"Hidden": "a player must see its own moves",
		}},
		{"sampler favours a move", sampling{bias: true}, quick, map[string]string{
			"Sampler": "SampleMove is not uniform",
		}},
		{"sampler draws an occupied cell", sampling{}, quick, map[string]string{
			"Sampler": "which Legal does not list",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs, failed := record(tc.g, tc.o)
			if !failed {
				t.Fatal("Run reported no failure")
			}
			for check, sub := range tc.want {
				found := false
				for _, l := range logs {
					found = found || strings.HasPrefix(l, check+": ") && strings.Contains(l, sub)
				}
				if !found {
					t.Errorf("no %s failure containing %q; Run reported:\n%s", check, sub, strings.Join(logs, "\n"))
				}
			}
			if testing.Verbose() {
				t.Logf("Run reported:\n%s", strings.Join(logs, "\n"))
			}
		})
	}
}

// TestRunCorrectGames checks that Run passes correct games, the planted-bug
// games without their bug included, so that the bugs above are what fails.
func TestRunCorrectGames(t *testing.T) {
	for _, g := range []game.Game{fill{}, leaky{}, tictactoe.Game{}} {
		t.Run(g.Spec(), func(t *testing.T) {
			if logs, failed := record(g, Options{Games: 30}); failed {
				t.Errorf("Run failed a correct game:\n%s", strings.Join(logs, "\n"))
			}
		})
	}
}

// TestRunPanic checks that a panicking game fails the check it panics in,
// with the panic, instead of crashing the test binary.
func TestRunPanic(t *testing.T) {
	logs, failed := record(fill{bug: panics}, Options{Games: 5})
	if !failed || !strings.Contains(strings.Join(logs, "\n"), "panic: fill: boom") {
		t.Errorf("failed %v, logs:\n%s", failed, strings.Join(logs, "\n"))
	}
}

// bug is a deliberate mistake in a test game.
type bug int

const (
	noBug         bug = iota
	shareClone        // Clone copies the state but shares its board slice
	narrowBits        // MoveBits is 2 but moves go up to 8
	globalRand        // the first mover comes from math/rand's global source
	counter           // the first mover alternates with a package-level counter
	endless           // claiming a cell frees another: the game never ends
	duplicate         // Legal lists the first free cell twice
	panics            // Apply panics on cell 4
	leakString        // View's String shows every hand
	leakTruth         // the View keeps the true state; Determinize returns it
	hideLegal         // the View lists no moves
	leakSometimes     // the View keeps the true state; Determinize returns it on an even draw
)

// fill is a small correct game: two seats claim the cells of a 1×9 board in
// turn until it is full; the owner of cell 0 wins. Its bug field plants
// one mistake.
type fill struct{ bug bug }

func (g fill) Spec() string  { return fmt.Sprintf("fill:bug=%d", g.bug) }
func (g fill) Players() int  { return 2 }
func (g fill) MoveBits() int { return map[bool]int{true: 2, false: 4}[g.bug == narrowBits] }
func (g fill) Structure() game.Structure {
	return game.Structure{Topology: game.Square, Rows: 1, Cols: 9, Pieces: []string{"mark"}}
}

func (g fill) NewState() game.State {
	s := &fillState{bug: g.bug, cells: make([]int8, 9)}
	s.Reset()
	return s
}

// resets is the package-level counter of the counter bug.
var resets int

type fillState struct {
	bug   bug
	cells []int8 // seat+1, 0 empty
	turn  int
	first int // seat moving first
	moves int
}

func (s *fillState) Reset() {
	clear(s.cells)
	s.turn, s.moves, s.first = 0, 0, 0
	switch s.bug {
	case globalRand:
		s.first = rand.IntN(2)
	case counter:
		resets++
		s.first = resets % 2
	}
}

func (s *fillState) ToMove() int    { return (s.first + s.turn) % 2 }
func (s *fillState) Terminal() bool { return s.moves == len(s.cells) }

func (s *fillState) Legal(dst []game.Move) []game.Move {
	if s.Terminal() {
		return dst
	}
	n := len(dst)
	for i, c := range s.cells {
		if c == 0 {
			dst = append(dst, game.Move(i))
		}
	}
	if s.bug == duplicate {
		dst = append(dst, dst[n])
	}
	return dst
}

func (s *fillState) Apply(m game.Move) {
	if s.bug == panics && m == 4 {
		panic("fill: boom")
	}
	s.cells[m] = int8(s.ToMove() + 1)
	s.turn++
	if s.bug == endless {
		s.cells[(int(m)+1)%len(s.cells)] = 0 // a cell freed for each claimed
		return
	}
	s.moves++
}

func (s *fillState) Winners() game.Seats {
	if s.cells[0] == 0 {
		return 0
	}
	return game.SeatSet(int(s.cells[0]) - 1)
}

func (s *fillState) Clone() game.State {
	c := *s
	if s.bug != shareClone {
		c.cells = append([]int8(nil), s.cells...)
	}
	return &c
}

func (s *fillState) Cell(i int) (seat, piece int) { return int(s.cells[i]) - 1, 0 }
func (s *fillState) MoveString(m game.Move) string {
	return fmt.Sprintf("%c%d", "xo"[s.ToMove()], m)
}

func (s *fillState) String() string {
	var b strings.Builder
	for _, c := range s.cells {
		b.WriteByte(".xo"[c])
	}
	return b.String()
}

// leaky is Go Fish for two seats whose views can leak: its bug field plants
// one leak.
type leaky struct{ bug bug }

func (g leaky) Spec() string              { return fmt.Sprintf("leaky:bug=%d", g.bug) }
func (g leaky) Players() int              { return 2 }
func (g leaky) MoveBits() int             { return 7 }
func (g leaky) Structure() game.Structure { return g.base().Structure() }
func (g leaky) NewState() game.State {
	return &leakyState{State: g.base().NewState().(*gofish.State), bug: g.bug}
}

func (leaky) base() gofish.Game {
	g, err := gofish.New(2)
	if err != nil {
		panic(err)
	}
	return g
}

type leakyState struct {
	*gofish.State
	bug bug
}

func (s *leakyState) Clone() game.State {
	return &leakyState{State: s.State.Clone().(*gofish.State), bug: s.bug}
}

func (s *leakyState) View(seat int) game.State {
	return &leakyView{
		View:  s.State.View(seat).(*gofish.View),
		truth: s.State.Clone().(*gofish.State),
		bug:   s.bug,
	}
}

// leakyView is a Go Fish view that also holds the true position.
type leakyView struct {
	*gofish.View
	truth *gofish.State
	bug   bug
}

func (v *leakyView) Clone() game.State { c := *v; c.View = v.View.Clone().(*gofish.View); return &c }

func (v *leakyView) String() string {
	if v.bug == leakString {
		return v.View.String() + "all hands:\n" + v.truth.String()
	}
	return v.View.String()
}

func (v *leakyView) Legal(dst []game.Move) []game.Move {
	if v.bug == hideLegal {
		return dst
	}
	return v.View.Legal(dst)
}

func (v *leakyView) Determinize(rng *game.RNG) game.State {
	if v.bug == leakTruth || v.bug == leakSometimes && rng.Uint64()%2 == 0 {
		return &leakyState{State: v.truth.Clone().(*gofish.State), bug: v.bug}
	}
	return &leakyState{State: v.View.Determinize(rng).(*gofish.State), bug: v.bug}
}

// sampling is tic-tac-toe with a broken game.Sampler: it favours the first
// legal move (bias), or draws any cell, occupied ones included.
type sampling struct{ bias bool }

func (g sampling) Spec() string              { return "sampling" }
func (g sampling) Players() int              { return 2 }
func (g sampling) MoveBits() int             { return 4 }
func (g sampling) Structure() game.Structure { return tictactoe.Game{}.Structure() }
func (g sampling) NewState() game.State {
	return &samplingState{State: tictactoe.Game{}.NewState().(*tictactoe.State), bias: g.bias}
}

type samplingState struct {
	*tictactoe.State
	bias bool
}

func (s *samplingState) Clone() game.State {
	return &samplingState{State: s.State.Clone().(*tictactoe.State), bias: s.bias}
}

func (s *samplingState) SampleMove(rng *game.RNG) game.Move {
	legal := s.Legal(nil)
	if s.bias {
		if rng.IntN(2) == 0 {
			return legal[0]
		}
		return legal[rng.IntN(len(legal))]
	}
	return game.Move(rng.IntN(9))
}
