package gofish_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/gofish"
	"github.com/simpipe/simpipe/internal/openspiel"
)

func mustNew(t testing.TB, players int) gofish.Game {
	t.Helper()
	g, err := gofish.New(players)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// rank returns the rank of a letter a-m.
func rank(c byte) game.Move { return game.Move(c - 'a') }

// ask returns the move asking target for the rank letter c.
func ask(target int, c byte) game.Move { return game.Move(target*gofish.Ranks) + rank(c) }

// dealt returns a game dealt the given hands, written as rank letters, seat 0
// first (the deal order).
func dealt(t *testing.T, hands ...string) *gofish.State {
	t.Helper()
	s := mustNew(t, len(hands)).NewState().(*gofish.State)
	for _, h := range hands {
		for i := 0; i < len(h); i++ {
			play(t, s, rank(h[i]))
		}
	}
	if s.Phase() != gofish.Ask {
		t.Fatalf("after the deal: phase %v\n%s", s.Phase(), s)
	}
	return s
}

// play applies moves and fails on an illegal one.
func play(t *testing.T, s *gofish.State, moves ...game.Move) {
	t.Helper()
	for i, m := range moves {
		if !slices.Contains(s.Legal(nil), m) {
			t.Fatalf("move %d (%s, %d) is not legal in\n%s", i, s.MoveString(m), m, s)
		}
		s.Apply(m)
		if err := s.Check(); err != nil {
			t.Fatalf("after %s: %v\n%s", s.MoveString(m), err, s)
		}
	}
}

func expect(t *testing.T, s *gofish.State, want string) {
	t.Helper()
	if got := s.String(); got != want {
		t.Fatalf("position\n%s\nwant\n%s", got, want)
	}
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("go_fish.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"players": "2", "ranks": "13", "suits": "4", "initial_cards": "-1",
		"most_books_wins": "True", "end_on_first_out": "False", "ask_after_empty_draw": "True"}
	for k, v := range want {
		if pt.Params[k] != v {
			t.Fatalf("parameter %s=%s, want %s", k, pt.Params[k], v)
		}
	}
	err = openspiel.Replay(pt, mustNew(t, 2).NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
		CompareStrings: true,
		CompareText:    true,
	})
	if err != nil {
		t.Error(err)
	}
}

func TestSpec(t *testing.T) {
	g, err := gofish.Def.New(game.Params{"players": 4})
	if err != nil {
		t.Fatal(err)
	}
	if g.Spec() != "gofish:players=4" || g.Players() != 4 || g.MoveBits() != 7 {
		t.Errorf("spec %q players %d bits %d", g.Spec(), g.Players(), g.MoveBits())
	}
	if _, err := gofish.New(7); err == nil {
		t.Error("7 players accepted")
	}
}

func TestDeal(t *testing.T) {
	s := mustNew(t, 3).NewState().(*gofish.State)
	if s.ToMove() != game.Chance || s.Phase() != gofish.Deal {
		t.Fatal("the game does not start with the deal")
	}
	w := s.ChanceWeights(nil)
	if len(w) != 13 || w[0] != 4 {
		t.Fatalf("first deal weights %v", w)
	}
	play(t, s, rank('a'), rank('a'))
	if w := s.ChanceWeights(nil); w[0] != 2 || w[1] != 4 {
		t.Fatalf("weights after dealing two a: %v", w)
	}
	// Seat 0 gets all 5 cards first; three of a kind then a fourth from the
	// next seat's deal stays split.
	play(t, s, rank('a'), rank('b'), rank('c'), rank('a'), rank('d'), rank('e'), rank('f'), rank('g'), rank('h'), rank('i'), rank('j'), rank('k'))
	expect(t, s, "Deal\n0\na3b1c1:0\na1d1e1f1g1:0\nh1i1j1k1:0\nb3c3d3e3f3g3h3i3j3k3l4m4\n")
	play(t, s, rank('l'))
	if s.Phase() != gofish.Ask || s.ToMove() != 0 {
		t.Fatalf("after the deal: %v, seat %d to move", s.Phase(), s.ToMove())
	}
	// With 2 seats each gets 7.
	s = dealt(t, "aabcdef", "ghijklm")
	if s.Quantity(0, 0) != 7 || s.Quantity(1, 0) != 7 {
		t.Fatalf("hand sizes %d %d", s.Quantity(0, 0), s.Quantity(1, 0))
	}
	want := []game.Move{ask(1, 'a'), ask(1, 'b'), ask(1, 'c'), ask(1, 'd'), ask(1, 'e'), ask(1, 'f')}
	if got := s.Legal(nil); !slices.Equal(got, want) {
		t.Fatalf("legal %v, want %v", got, want)
	}
	if got := s.MoveString(ask(1, 'g')); got != "1g" {
		t.Errorf("ask renders %q", got)
	}
}

// TestBookDuringDeal: four of a rank dealt to one seat form a book at once,
// and the seat is dealt more cards until it holds its share.
func TestBookDuringDeal(t *testing.T) {
	s := dealt(t, "aaaabcdefgh", "bcdefgi")
	expect(t, s, "Ask\n0\nb1c1d1e1f1g1h1:1\nb1c1d1e1f1g1i1:0\nb2c2d2e2f2g2h3i3j4k4l4m4\n")
}

func TestSuccessfulAskGoesAgain(t *testing.T) {
	s := dealt(t, "aabcdef", "aghijkl")
	play(t, s, ask(1, 'a'))
	if s.ToMove() != 0 || s.Hand(0, 0) != 3 || s.Hand(1, 0) != 0 || s.Quantity(1, 0) != 6 {
		t.Fatalf("after a successful ask\n%s", s)
	}
}

func TestGoFish(t *testing.T) {
	t.Run("DrawAskedRankGoesOn", func(t *testing.T) {
		s := dealt(t, "aabcdef", "aghijkl")
		play(t, s, ask(1, 'b'))
		if s.Phase() != gofish.Fish || s.ToMove() != game.Chance {
			t.Fatalf("a miss does not fish: %v\n%s", s.Phase(), s)
		}
		if w := s.ChanceWeights(nil); w[1] != 3 {
			t.Fatalf("fish weights %v", w)
		}
		play(t, s, rank('b'))
		if s.ToMove() != 0 || s.Hand(0, 1) != 2 {
			t.Fatalf("drawing the asked rank does not let the asker go on\n%s", s)
		}
	})
	t.Run("DrawOtherRankPasses", func(t *testing.T) {
		s := dealt(t, "aabcdef", "aghijkl")
		play(t, s, ask(1, 'b'), rank('m'))
		if s.ToMove() != 1 || s.Hand(0, 12) != 1 {
			t.Fatalf("drawing another rank does not pass the turn\n%s", s)
		}
	})
}

func TestBookLeavesHand(t *testing.T) {
	s := dealt(t, "aaabcde", "afghijk")
	play(t, s, ask(1, 'a'))
	if s.Hand(0, 0) != 0 || s.Quantity(0, 0) != 4 || s.Quantity(0, 1) != 1 {
		t.Fatalf("book of a not laid down\n%s", s)
	}
	if slices.Contains(s.Legal(nil), ask(1, 'a')) {
		t.Fatal("a booked rank can still be asked for")
	}
}

func TestEmptyHandDraws(t *testing.T) {
	// Seat 0 books everything it holds and must draw before asking again.
	s := dealt(t, "aaabbbc", "abcccde")
	play(t, s, ask(1, 'a'), ask(1, 'b'), ask(1, 'c'))
	if s.Phase() != gofish.EmptyDraw || s.ToMove() != game.Chance || s.Quantity(0, 0) != 0 {
		t.Fatalf("an empty hand does not draw: %v\n%s", s.Phase(), s)
	}
	play(t, s, rank('d'))
	if got := s.Legal(nil); s.ToMove() != 0 || !slices.Equal(got, []game.Move{ask(1, 'd')}) {
		t.Fatalf("after the empty draw: to move %d, legal %v\n%s", s.ToMove(), got, s)
	}

	// Seat 0 takes all of seat 1's cards: nobody is left to ask, so the
	// turn passes and seat 1 draws, then asks.
	s = dealt(t, "abcdefg", "abcdefg")
	for c := byte('a'); c <= 'g'; c++ {
		play(t, s, ask(1, c))
	}
	if s.Phase() != gofish.EmptyDraw || s.ToMove() != game.Chance || s.Quantity(1, 0) != 0 {
		t.Fatalf("seat 1 with no cards does not draw: %v\n%s", s.Phase(), s)
	}
	play(t, s, rank('a'))
	if s.ToMove() != 1 || !slices.Equal(s.Legal(nil), []game.Move{ask(0, 'a')}) {
		t.Fatalf("seat 1 cannot ask after its empty draw\n%s", s)
	}
}

// TestGameEnd plays random games to the end and checks the end condition
// and the winners against the books.
func TestGameEnd(t *testing.T) {
	var rng game.RNG
	ties := 0
	for _, n := range []int{2, 3, 4} {
		g := mustNew(t, n)
		for i := 0; i < 300; i++ {
			rng.Seed(11, uint64(i))
			s := g.NewState().(*gofish.State)
			for !s.Terminal() {
				total := 0
				for p := 0; p < n; p++ {
					total += s.Quantity(p, 1)
				}
				if total == gofish.Ranks {
					t.Fatalf("all books made but the game goes on\n%s", s)
				}
				legal := s.Legal(nil)
				s.Apply(legal[rng.IntN(len(legal))])
			}
			best, total := 0, 0
			for p := 0; p < n; p++ {
				best = max(best, s.Quantity(p, 1))
				total += s.Quantity(p, 1)
			}
			var want game.Seats
			for p := 0; p < n; p++ {
				if s.Quantity(p, 1) == best {
					want |= game.SeatSet(p)
				}
			}
			if want.Len() == n {
				want = 0
			}
			if want.Len() > 1 {
				ties++
			}
			if total != gofish.Ranks || s.Winners() != want {
				t.Fatalf("%d books, winners %v, want %v\n%s", total, s.Winners(), want, s)
			}
		}
	}
	if ties == 0 {
		t.Error("no shared win in 900 games")
	}
}

// TestRandomGames plays many games through game.Play, checking card
// conservation and the views at every step of some of them.
func TestRandomGames(t *testing.T) {
	games := 10000
	if testing.Short() {
		games = 1000
	}
	var rng game.RNG
	var sc game.Scratch
	for _, n := range []int{2, 3, 5, 6} {
		g := mustNew(t, n)
		players := make([]game.Player, n)
		for i := range players {
			players[i] = ai.Random{}
		}
		st := g.NewState()
		wins := make([]int, n)
		for i := 0; i < games/4; i++ {
			st.Reset()
			rng.Seed(5, uint64(i))
			out := game.Play(st, players, &rng, 100_000, &sc)
			if !out.Completed {
				t.Fatalf("%d players, game %d did not finish in 100000 actions", n, i)
			}
			for _, w := range out.Winners.List() {
				if w >= n {
					t.Fatalf("winner %d of %d seats", w, n)
				}
				wins[w]++
			}
			if err := st.(*gofish.State).Check(); err != nil {
				t.Fatalf("game %d: %v", i, err)
			}
		}
		for seat, k := range wins {
			if k == 0 {
				t.Errorf("%d players: seat %d never won", n, seat)
			}
		}
		// Step by step: conservation and views.
		for i := 0; i < 200; i++ {
			rng.Seed(6, uint64(i))
			s := g.NewState().(*gofish.State)
			for step := 0; !s.Terminal(); step++ {
				if err := s.Check(); err != nil {
					t.Fatalf("game %d step %d: %v\n%s", i, step, err, s)
				}
				legal := s.Legal(nil)
				if seat := s.ToMove(); seat != game.Chance {
					v := s.View(seat)
					if got := v.Legal(nil); !slices.Equal(got, legal) {
						t.Fatalf("view legal %v, true legal %v\n%s\n%s", got, legal, s, v)
					}
					if v.ToMove() != seat || v.Terminal() {
						t.Fatalf("view to move %d", v.ToMove())
					}
					for p := 0; p < n; p++ {
						if p != seat && len(s.View(p).Legal(nil)) != 0 {
							t.Fatalf("seat %d's view lists moves on seat %d's turn", p, seat)
						}
					}
				}
				s.Apply(legal[rng.IntN(len(legal))])
			}
			if err := s.Check(); err != nil {
				t.Fatalf("game %d at the end: %v", i, err)
			}
			if v := s.View(0); !v.Terminal() || v.Winners() != s.Winners() {
				t.Fatalf("terminal view: %v %v", v.Terminal(), v.Winners())
			}
		}
	}
}

// TestViewHidesOtherHands: two games with the same public history that
// differ in seat 1's hand and the deck give seat 0 equal views.
func TestViewHidesOtherHands(t *testing.T) {
	a := dealt(t, "aabcdef", "gghhijk")
	b := dealt(t, "aabcdef", "llmmghi")
	if a.String() == b.String() {
		t.Fatal("the two games are the same")
	}
	same := func(when string) {
		t.Helper()
		va, vb := a.View(0).(*gofish.View), b.View(0).(*gofish.View)
		if *va != *vb || va.String() != vb.String() {
			t.Fatalf("%s: seat 0's views differ\n%s\n%s", when, va, vb)
		}
		if wa, wb := a.View(1).(*gofish.View), b.View(1).(*gofish.View); *wa == *wb {
			t.Fatalf("%s: seat 1's views are equal though its hands differ", when)
		}
	}
	same("after the deal")
	var buf gofish.View
	a.ViewInto(&buf, 0)
	if buf != *a.View(0).(*gofish.View) {
		t.Fatal("ViewInto and View differ")
	}
	// Seat 0 misses and draws a c; seat 1 misses and draws a c.
	play(t, a, ask(1, 'a'), rank('c'))
	play(t, b, ask(1, 'a'), rank('c'))
	same("after seat 0 fished")
	play(t, a, ask(0, 'g'), rank('c'))
	play(t, b, ask(0, 'g'), rank('c'))
	same("after seat 1 fished")
	v := a.View(0).(*gofish.View)
	// Seat 1 was asked for a, but has drawn since; it asked for g.
	if v.Lacks(1, 0) || v.Known(1, 6) != 1 || v.Known(0, 0) != 2 || v.Unseen(0) != 2 || v.DeckSize() != 36 {
		t.Errorf("public knowledge of seat 0:\n%s", v)
	}
	if w := a.View(1).(*gofish.View); !w.Lacks(0, 6) || w.Known(0, 0) != 1 {
		t.Errorf("public knowledge of seat 1:\n%s", w)
	}
	if r := v.Recent(); len(r) != 2 || r[1] != (gofish.AskEvent{Asker: 1, Target: 0, Rank: 6}) {
		t.Errorf("recent asks %v", r)
	}
	// The true state shows every hand, the view only seat 0's.
	if !strings.Contains(a.String(), "c1g2h2i1j1k1") || strings.Contains(v.String(), "g2h2") {
		t.Errorf("true state\n%s\nview\n%s", a, v)
	}
	t.Logf("view of seat 0:\n%s", v)
}

func TestViewCannotBePlayed(t *testing.T) {
	s := dealt(t, "aabcdef", "gghhijk")
	v := s.View(0)
	defer func() {
		if recover() == nil {
			t.Error("Apply on a view did not panic")
		}
	}()
	v.Apply(ask(1, 'a'))
}

func TestPerft(t *testing.T) {
	// The first two deal steps: 13 ranks, then 13 again (no rank runs out).
	for d, want := range []uint64{1, 13, 169, 2197} {
		if got := game.Perft(mustNew(t, 2).NewState(), d); got != want {
			t.Errorf("perft(%d) = %d, want %d", d, got, want)
		}
	}
}

// FuzzPlay takes the seat count (2-6) from the first byte and plays the rest
// as choices.
func FuzzPlay(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{4, 7, 0, 255, 3, 9})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		players := 2
		if len(data) > 0 {
			players = 2 + int(data[0])%5
			data = data[1:]
		}
		g, err := gofish.New(players)
		if err != nil {
			t.Fatal(err)
		}
		gametest.PlayChoices(t, g, data, 3000)
	})
}

func TestReplays(t *testing.T) {
	for _, n := range []int{2, 3, 6} {
		players := make([]game.Player, n)
		for i := range players {
			players[i] = ai.Random{}
		}
		gametest.Replays(t, mustNew(t, n), players, 0)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	for _, n := range []int{2, 4} {
		b.Run(fmt.Sprintf("players=%d", n), func(b *testing.B) {
			gametest.BenchmarkRandomPlayouts(b, mustNew(b, n))
		})
	}
}
