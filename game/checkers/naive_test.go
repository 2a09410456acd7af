package checkers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/checkers"
)

// naive is a reference implementation of the rules written as plainly as
// possible: an 8x8 array of the characters String prints, a recursive jump
// search that marks captured men "dead" until the move ends (so they can be
// neither jumped again nor landed on), and moves as lists of squares.
type naive struct {
	b      [8][8]byte
	turn   int
	quiet  int
	draw   int
	over   bool
	winner int
}

type naiveMove struct {
	path [][2]int // squares visited, start first
	jump bool
}

func (m naiveMove) String() string {
	var b strings.Builder
	for i, p := range m.path {
		if i > 0 && m.jump {
			b.WriteByte('x')
		}
		fmt.Fprintf(&b, "%c%c", 'a'+p[1], '8'-p[0])
	}
	return b.String()
}

func newNaive(draw int) *naive {
	n := &naive{draw: draw, winner: -1}
	for r := 0; r < 8; r++ {
		for c := 0; c < 8; c++ {
			n.b[r][c] = '.'
			if (r+c)%2 == 1 && r < 3 {
				n.b[r][c] = '+'
			}
			if (r+c)%2 == 1 && r > 4 {
				n.b[r][c] = 'o'
			}
		}
	}
	return n
}

func owner(ch byte) int {
	switch ch {
	case 'o', '8':
		return 0
	case '+', '*':
		return 1
	}
	return -1
}

func isKing(ch byte) bool { return ch == '8' || ch == '*' }

func onBoard(r, c int) bool { return r >= 0 && r < 8 && c >= 0 && c < 8 }

// dirs returns the (row, col) steps the piece ch may take.
func dirs(ch byte) [][2]int {
	up := [][2]int{{-1, -1}, {-1, 1}}
	down := [][2]int{{1, 1}, {1, -1}}
	switch {
	case isKing(ch):
		return append(up, down...)
	case owner(ch) == 0:
		return up
	default:
		return down
	}
}

func (n *naive) moves() []naiveMove {
	var jumps, steps []naiveMove
	for r := 0; r < 8; r++ {
		for c := 0; c < 8; c++ {
			ch := n.b[r][c]
			if owner(ch) != n.turn {
				continue
			}
			b := n.b
			b[r][c] = '.'
			n.jumpFrom(&b, ch, [][2]int{{r, c}}, &jumps)
			for _, d := range dirs(ch) {
				r2, c2 := r+d[0], c+d[1]
				if onBoard(r2, c2) && n.b[r2][c2] == '.' {
					steps = append(steps, naiveMove{path: [][2]int{{r, c}, {r2, c2}}})
				}
			}
		}
	}
	if len(jumps) > 0 {
		return jumps
	}
	return steps
}

// jumpFrom extends path, a jump sequence of piece ch so far, by every
// possible further jump, adding each complete sequence to out.
func (n *naive) jumpFrom(b *[8][8]byte, ch byte, path [][2]int, out *[]naiveMove) {
	cur := path[len(path)-1]
	extended := false
	for _, d := range dirs(ch) {
		mr, mc := cur[0]+d[0], cur[1]+d[1]
		lr, lc := cur[0]+2*d[0], cur[1]+2*d[1]
		if !onBoard(lr, lc) || b[lr][lc] != '.' {
			continue
		}
		if o := owner(b[mr][mc]); o < 0 || o == n.turn {
			continue // empty, dead ('x') or own piece
		}
		extended = true
		saved := b[mr][mc]
		b[mr][mc] = 'x'
		next := append(slices.Clone(path), [2]int{lr, lc})
		if !isKing(ch) && lr == n.farRow() {
			*out = append(*out, naiveMove{path: next, jump: true})
		} else {
			n.jumpFrom(b, ch, next, out)
		}
		b[mr][mc] = saved
	}
	if !extended && len(path) > 1 {
		*out = append(*out, naiveMove{path: path, jump: true})
	}
}

func (n *naive) farRow() int {
	if n.turn == 0 {
		return 0
	}
	return 7
}

func (n *naive) apply(m naiveMove) {
	start, end := m.path[0], m.path[len(m.path)-1]
	ch := n.b[start[0]][start[1]]
	wasKing := isKing(ch)
	n.b[start[0]][start[1]] = '.'
	for i := 1; m.jump && i < len(m.path); i++ {
		a, b := m.path[i-1], m.path[i]
		n.b[(a[0]+b[0])/2][(a[1]+b[1])/2] = '.'
	}
	if !wasKing && end[0] == n.farRow() {
		ch = "8*"[n.turn]
	}
	n.b[end[0]][end[1]] = ch
	if m.jump || !wasKing {
		n.quiet = 0
	} else {
		n.quiet++
	}
	n.turn = 1 - n.turn
	if len(n.moves()) == 0 {
		n.over, n.winner = true, 1-n.turn
	} else if n.quiet >= n.draw {
		n.over = true
	}
}

func (n *naive) String() string {
	var b strings.Builder
	for r := 0; r < 8; r++ {
		b.WriteByte(byte('8' - r))
		b.Write(n.b[r][:])
		b.WriteByte('\n')
	}
	b.WriteString(" abcdefgh\n")
	return b.String()
}

// TestAgainstNaiveRules plays random games with both implementations side
// by side and compares the legal moves, the board, the counts and the
// verdict after every move.
func TestAgainstNaiveRules(t *testing.T) {
	games := 3000
	if testing.Short() {
		games = 500
	}
	var rng game.RNG
	var legal []game.Move
	seen := map[string]int{}
	for i := 0; i < games; i++ {
		rng.Seed(11, uint64(i))
		draw := checkers.DefaultDrawPlies
		if i%3 == 1 {
			draw = 1 + rng.IntN(30)
		}
		s := checkers.Game{DrawPlies: draw}.NewState()
		ref := newNaive(draw)
		for ply := 0; ; ply++ {
			if s.Terminal() != ref.over {
				t.Fatalf("game %d ply %d: terminal %v, naive %v\n%s", i, ply, s.Terminal(), ref.over, s)
			}
			if s.Terminal() {
				want := game.Seats(0)
				if ref.winner >= 0 {
					want = game.SeatSet(ref.winner)
					seen["win"]++
				} else {
					seen["draw"]++
				}
				if s.Winners() != want {
					t.Fatalf("game %d: winners %v, naive %v\n%s", i, s.Winners(), want, s)
				}
				break
			}
			if s.ToMove() != ref.turn {
				t.Fatalf("game %d ply %d: to move %d, naive %d", i, ply, s.ToMove(), ref.turn)
			}
			legal = s.Legal(legal[:0])
			got := make([]string, len(legal))
			for j, m := range legal {
				got[j] = s.MoveString(m)
			}
			var want []string
			refMoves := ref.moves()
			for _, m := range refMoves {
				want = append(want, m.String())
			}
			if !sameStrings(got, want) {
				t.Fatalf("game %d ply %d: legal %v, naive %v\n%s", i, ply, got, want, s)
			}
			j := rng.IntN(len(legal))
			k := slices.Index(want, got[j])
			if len(refMoves[k].path) > 2 {
				seen["multi-jump"]++
			}
			s.Apply(legal[j])
			ref.apply(refMoves[k])
			if s.String() != ref.String() {
				t.Fatalf("game %d ply %d: after %s board\n%snaive\n%s", i, ply, got[j], s, ref)
			}
			checkCells(t, s.(*checkers.State), ref)
		}
	}
	t.Logf("outcomes and events: %v", seen)
	if seen["draw"] == 0 || seen["win"] == 0 || seen["multi-jump"] == 0 {
		t.Errorf("random games never reached some case: %v", seen)
	}
}

// checkCells compares Cell and Quantity with the naive board.
func checkCells(t *testing.T, s *checkers.State, ref *naive) {
	t.Helper()
	var count [2][2]int
	for r := 0; r < 8; r++ {
		for c := 0; c < 8; c++ {
			ch := ref.b[r][c]
			seat, piece := s.Cell(r*8 + c)
			wantPiece := 0
			if isKing(ch) {
				wantPiece = 1
			}
			if seat != owner(ch) || (seat >= 0 && piece != wantPiece) {
				t.Fatalf("cell %d,%d = seat %d piece %d, naive %q", r, c, seat, piece, ch)
			}
			if seat >= 0 {
				count[seat][piece]++
			}
		}
	}
	for seat := 0; seat < 2; seat++ {
		for q := 0; q < 2; q++ {
			if got := s.Quantity(seat, q); got != count[seat][q] {
				t.Fatalf("Quantity(%d, %d) = %d, board has %d", seat, q, got, count[seat][q])
			}
		}
	}
	if s.Quiet() != ref.quiet {
		t.Fatalf("quiet %d, naive %d", s.Quiet(), ref.quiet)
	}
}
