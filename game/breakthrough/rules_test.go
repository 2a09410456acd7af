package breakthrough

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/game"
)

// position builds a state from 8 rows, rank 8 (row 0) first, 'b' for Black
// (seat 0), 'w' for White, '.' for empty.
func position(t *testing.T, toMove int, rows ...string) *State {
	t.Helper()
	s := &State{turn: uint8(toMove), winner: -1}
	if len(rows) != size {
		t.Fatalf("%d rows", len(rows))
	}
	for r, row := range rows {
		for c, ch := range row {
			switch ch {
			case 'b':
				s.pieces[0] |= 1 << (r*size + c)
			case 'w':
				s.pieces[1] |= 1 << (r*size + c)
			}
		}
	}
	return s
}

// legalStrings renders s's legal moves, sorted.
func legalStrings(s *State) []string {
	var out []string
	for _, m := range s.Legal(nil) {
		out = append(out, s.MoveString(m))
	}
	slices.Sort(out)
	return out
}

// play applies the legal move rendered as name.
func play(t *testing.T, s *State, name string) {
	t.Helper()
	for _, m := range s.Legal(nil) {
		if s.MoveString(m) == name {
			s.Apply(m)
			return
		}
	}
	t.Fatalf("%s is not legal in\n%s(legal %v)", name, s, legalStrings(s))
}

func TestWinByReachingFarRow(t *testing.T) {
	for _, tc := range []struct {
		toMove int
		move   string
		rows   []string
	}{
		{0, "d2d1", []string{"b.......", "........", "........", "........", "........", "........", "...b....", "w......."}},
		{1, "e7e8", []string{"b.......", "....w...", "........", "........", "........", "........", "........", "w......b"}},
		{1, "e7f8*", []string{"b....b..", "....w...", "........", "........", "........", "........", "........", "w......."}},
	} {
		s := position(t, tc.toMove, tc.rows...)
		play(t, s, tc.move)
		if !s.Terminal() || s.Winners() != game.SeatSet(tc.toMove) || len(s.Legal(nil)) != 0 {
			t.Errorf("%s: terminal %v winners %v, want seat %d to win\n%s", tc.move, s.Terminal(), s.Winners(), tc.toMove, s)
		}
	}
	// One row short of the goal is not a win.
	s := position(t, 0, "........", "........", "........", "........", "........", "...b....", "........", "w.......")
	play(t, s, "d3d2")
	if s.Terminal() {
		t.Errorf("reaching row 6 ended the game\n%s", s)
	}
}

func TestWinByCapturingEverything(t *testing.T) {
	s := position(t, 0,
		"........",
		"........",
		"...b....",
		"....w...",
		"........",
		"........",
		"........",
		"........")
	play(t, s, "d6e5*")
	if !s.Terminal() || s.Winners() != game.SeatSet(0) {
		t.Fatalf("capturing the last white piece: terminal %v winners %v\n%s", s.Terminal(), s.Winners(), s)
	}
	s = position(t, 1,
		"........",
		"........",
		"........",
		"........",
		"...b....",
		"..w.w...",
		"........",
		"........")
	play(t, s, "e3d4*")
	if !s.Terminal() || s.Winners() != game.SeatSet(1) {
		t.Fatalf("capturing the last black piece: terminal %v winners %v\n%s", s.Terminal(), s.Winners(), s)
	}
}

func TestStraightMoveBlocked(t *testing.T) {
	// d6 faces a white piece and f6 a black one: neither steps straight.
	// g6 cannot step onto its own piece on f5 either.
	s := position(t, 0,
		"........",
		"........",
		"...b.bb.",
		"...w.b..",
		"........",
		"........",
		"........",
		"........")
	got := legalStrings(s)
	want := []string{"d6c5", "d6e5", "f5e4", "f5f4", "f5g4", "f6e5", "f6g5", "g6g5", "g6h5"}
	if !slices.Equal(got, want) {
		t.Errorf("legal %v, want %v\n%s", got, want, s)
	}
	// White, the other way up.
	s = position(t, 1,
		"........",
		"........",
		"........",
		"........",
		"..b.....",
		"..w.....",
		"........",
		"........")
	if got, want := legalStrings(s), []string{"c3b4", "c3d4"}; !slices.Equal(got, want) {
		t.Errorf("white legal %v, want %v\n%s", got, want, s)
	}
}

func TestDiagonalCapture(t *testing.T) {
	s := position(t, 1,
		"........",
		"........",
		"b.......",
		"........",
		"...b.b..",
		"....w...",
		"........",
		"........")
	got := legalStrings(s)
	want := []string{"e3d4*", "e3e4", "e3f4*"}
	if !slices.Equal(got, want) {
		t.Fatalf("legal %v, want %v\n%s", got, want, s)
	}
	play(t, s, "e3f4*")
	if seat, _ := s.Cell(4*size + 5); seat != 1 {
		t.Errorf("f4 holds seat %d after the capture, want 1\n%s", seat, s)
	}
	if s.pieces[0] != 1<<(2*size)|1<<(4*size+3) {
		t.Errorf("black pieces after the capture:\n%s", s)
	}
	if s.Terminal() || s.ToMove() != 0 {
		t.Errorf("terminal %v, to move %d after the capture", s.Terminal(), s.ToMove())
	}
	// A capture is only diagonal: Black cannot take straight ahead.
	s = position(t, 0,
		"........",
		"........",
		"........",
		"...b....",
		"...w....",
		"........",
		"........",
		"........")
	if got, want := legalStrings(s), []string{"d5c4", "d5e4"}; !slices.Equal(got, want) {
		t.Errorf("legal %v, want %v\n%s", got, want, s)
	}
}
