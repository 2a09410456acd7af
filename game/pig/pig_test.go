package pig_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/pig"
	"github.com/simpipe/simpipe/internal/openspiel"
)

func mustNew(t testing.TB, players, target, horizon int) pig.Game {
	t.Helper()
	g, err := pig.New(players, target, horizon, 6)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestOpenSpielPlaythroughs(t *testing.T) {
	for _, name := range []string{"pig_3p.txt", "pig_4p.txt", "pig_5p.txt"} {
		t.Run(name, func(t *testing.T) {
			pt, err := openspiel.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			param := func(k string) int {
				v, err := strconv.Atoi(pt.Params[k])
				if err != nil {
					t.Fatalf("parameter %s=%q: %v", k, pt.Params[k], err)
				}
				return v
			}
			if pt.Params["piglet"] != "False" {
				t.Fatalf("piglet=%s is not supported", pt.Params["piglet"])
			}
			g, err := pig.New(param("players"), param("winscore"), param("horizon"), param("diceoutcomes"))
			if err != nil {
				t.Fatal(err)
			}
			err = openspiel.Replay(pt, g.NewState(), openspiel.Adapter{
				Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
				CompareStrings: true,
				CompareText:    true,
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSpec(t *testing.T) {
	g, err := pig.Def.New(game.Params{"players": 3, "target": 10, "horizon": 10, "dice": 6})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Spec(), "pig:players=3,target=10,horizon=10,dice=6"; got != want {
		t.Errorf("spec %q, want %q", got, want)
	}
	if g.MoveBits() != 3 || g.Players() != 3 {
		t.Errorf("move bits %d, players %d", g.MoveBits(), g.Players())
	}
}

// play applies moves and fails on an illegal one.
func play(t *testing.T, s game.State, moves ...game.Move) {
	t.Helper()
	for i, m := range moves {
		if !slices.Contains(s.Legal(nil), m) {
			t.Fatalf("move %d (%d) is not legal in\n%s", i, m, s)
		}
		s.Apply(m)
	}
}

func TestRollingOneLosesTurnTotal(t *testing.T) {
	s := mustNew(t, 2, 100, 0).NewState()
	play(t, s, pig.Roll, 4, pig.Roll, 2) // 5 then 3: turn total 8
	q := s.(game.QuantityState)
	if s.ToMove() != 0 || q.Quantity(0, 1) != 8 {
		t.Fatalf("after 5 and 3: to move %d, turn total %d\n%s", s.ToMove(), q.Quantity(0, 1), s)
	}
	play(t, s, pig.Roll)
	if s.ToMove() != game.Chance {
		t.Fatalf("roll does not lead to a chance node")
	}
	play(t, s, 0) // a 1
	if s.ToMove() != 1 || q.Quantity(0, 0) != 0 || q.Quantity(1, 1) != 0 {
		t.Fatalf("after a 1: to move %d, score %d\n%s", s.ToMove(), q.Quantity(0, 0), s)
	}
	if got := s.String(); got != "Scores: 0 0, Turn total: 0\nCurrent player: 1\n" {
		t.Errorf("String %q", got)
	}
}

func TestStopBanks(t *testing.T) {
	s := mustNew(t, 3, 100, 0).NewState()
	play(t, s, pig.Roll, 5, pig.Stop) // seat 0 banks 6
	play(t, s, pig.Stop)              // seat 1 banks 0
	q := s.(game.QuantityState)
	if s.ToMove() != 2 || q.Quantity(0, 0) != 6 || q.Quantity(1, 0) != 0 {
		t.Fatalf("to move %d\n%s", s.ToMove(), s)
	}
	play(t, s, pig.Stop)
	if s.ToMove() != 0 {
		t.Fatalf("turn does not wrap to seat 0")
	}
}

func TestOnlyStopAtTargetAndWinner(t *testing.T) {
	s := mustNew(t, 2, 10, 0).NewState()
	play(t, s, pig.Roll, 5, pig.Roll, 2) // 6 + 3 = 9 < 10
	if got := s.Legal(nil); !slices.Equal(got, []game.Move{pig.Roll, pig.Stop}) {
		t.Fatalf("below target: legal %v", got)
	}
	play(t, s, pig.Roll, 1) // +2 = 11
	if got := s.Legal(nil); !slices.Equal(got, []game.Move{pig.Stop}) {
		t.Fatalf("at target: legal %v, want only stop", got)
	}
	play(t, s, pig.Stop)
	if !s.Terminal() || s.Winners() != game.SeatSet(0) || len(s.Legal(nil)) != 0 {
		t.Fatalf("terminal %v winners %v\n%s", s.Terminal(), s.Winners(), s)
	}
}

func TestHorizonDraw(t *testing.T) {
	s := mustNew(t, 2, 100, 3).NewState()
	play(t, s, pig.Stop, pig.Roll, 3)
	if s.Terminal() {
		t.Fatal("chance outcomes counted towards the horizon")
	}
	play(t, s, pig.Roll)
	if !s.Terminal() || s.Winners() != 0 {
		t.Fatalf("after 3 decisions: terminal %v winners %v", s.Terminal(), s.Winners())
	}
	if got := s.String(); got != "Scores: 0 0, Turn total: 4\nCurrent player: 1 (rolling)\n" {
		t.Errorf("String %q", got)
	}
	// A win on the last decision before the horizon still counts.
	s = mustNew(t, 2, 5, 3).NewState()
	play(t, s, pig.Roll, 5, pig.Stop)
	if !s.Terminal() || s.Winners() != game.SeatSet(0) {
		t.Fatalf("win at the horizon: winners %v", s.Winners())
	}
}

// TestPerft counts with each chance outcome a branch. From the start (seat
// 0, target 100):
//
//	depth 1: roll, stop                                            = 2
//	depth 2: roll -> 6 faces; stop -> seat 1 roll/stop               = 6 + 2 = 8
//	depth 3: roll,1 -> seat 1 decides (2); roll,2..6 -> seat 0 decides
//	         (5*2); stop,roll -> 6 faces; stop,stop -> seat 0 decides (2)
//	                                                                 = 2 + 10 + 6 + 2 = 20
//	depth 4: roll,1,{roll: 6, stop: 2}; roll,2..6,{roll: 6, stop: 2} each;
//	         stop,roll,1 -> seat 0 (2); stop,roll,2..6 -> seat 1 (2 each);
//	         stop,stop,{roll: 6, stop: 2}
//	                                                                 = 8 + 40 + 2 + 10 + 8 = 68
func TestPerft(t *testing.T) {
	want := []uint64{1, 2, 8, 20, 68}
	g := mustNew(t, 2, 100, 0)
	for d, w := range want {
		if got := game.Perft(g.NewState(), d); got != w {
			t.Errorf("perft(%d) = %d, want %d", d, got, w)
		}
	}
	// With target 2 any face but 1 reaches the target, so only stop follows
	// and the stop ends the game.
	g2 := mustNew(t, 2, 2, 0)
	// depth 3: roll,1 -> 2; roll,2..6 -> stop only (5); stop,roll -> 6; stop,stop -> 2.
	if got := game.Perft(g2.NewState(), 3); got != 15 {
		t.Errorf("target 2: perft(3) = %d, want 15", got)
	}
	// depth 4: roll,1,{8}; roll,2..6,stop -> terminal (0); stop,roll,1 -> 2;
	// stop,roll,2..6 -> stop only (5); stop,stop,{8}.
	if got := game.Perft(g2.NewState(), 4); got != 23 {
		t.Errorf("target 2: perft(4) = %d, want 23", got)
	}
}

func TestRandomGames(t *testing.T) {
	for _, n := range []int{2, 3, 6} {
		g := mustNew(t, n, 100, 0)
		players := make([]game.Player, n)
		for i := range players {
			players[i] = ai.Random{}
		}
		st := g.NewState()
		var rng game.RNG
		var sc game.Scratch
		wins := make([]int, n)
		games := 10000
		if testing.Short() {
			games = 1000
		}
		for i := 0; i < games; i++ {
			st.Reset()
			rng.Seed(3, uint64(i))
			out := game.Play(st, players, &rng, 1_000_000, &sc)
			if !out.Completed || out.Winners.Len() != 1 {
				t.Fatalf("%d players, game %d: completed %v winners %v", n, i, out.Completed, out.Winners)
			}
			w := out.Winners.List()[0]
			if w >= n || st.(game.QuantityState).Quantity(w, 0) < 100 {
				t.Fatalf("game %d: winner %d\n%s", i, w, st)
			}
			wins[w]++
		}
		for seat, k := range wins {
			if k == 0 {
				t.Errorf("%d players: seat %d never won", n, seat)
			}
		}
	}
}

// FuzzPlay takes the seat count (2-6) and target (1-40) from the first two
// bytes and plays the rest as choices.
func FuzzPlay(f *testing.F) {
	f.Add([]byte{0, 9, 0, 1, 2, 3})
	f.Add([]byte{3, 15, 0, 4, 0, 5, 1})
	f.Add([]byte{4, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		players, target := 2, 10
		if len(data) >= 2 {
			players, target = 2+int(data[0])%5, 1+int(data[1])%40
			data = data[2:]
		}
		g, err := pig.New(players, target, 0, 6)
		if err != nil {
			t.Fatal(err)
		}
		gametest.PlayChoices(t, g, data, 2000)
	})
}

func TestReplays(t *testing.T) {
	for _, n := range []int{2, 4, 6} {
		players := make([]game.Player, n)
		for i := range players {
			players[i] = ai.Random{}
		}
		gametest.Replays(t, mustNew(t, n, 100, 0), players, 0)
		gametest.Replays(t, mustNew(t, n, 50, 20), players, 0)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, mustNew(b, 2, 100, 0))
}
