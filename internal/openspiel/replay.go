package openspiel

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Adapter maps OpenSpiel's actions onto a simpipe game whose moves
// correspond one to one with OpenSpiel's actions.
type Adapter struct {
	// Move returns our move for OpenSpiel action a in state s.
	Move func(s game.State, a int) game.Move
	// CompareStrings checks our MoveString against StringLegalActions.
	CompareStrings bool
	// CompareText checks our String against the recorded ToString lines.
	CompareText bool
}

// Replay plays pt on st and returns every disagreement, one per line, or nil.
// At each shown state it compares terminal, current player, the legal set,
// chance probabilities and, at the end, the returns.
func Replay(pt *Playthrough, st game.State, a Adapter) error {
	var errs []string
	report := func(n int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("state %d: ", n)+fmt.Sprintf(format, args...))
	}
	players := 0
	for i, rec := range pt.States {
		if rec.Shown {
			checkState(rec, st, a, report)
			if len(rec.Returns) > 0 {
				players = len(rec.Returns)
			}
		}
		if len(errs) > 20 {
			break
		}
		if i == len(pt.Actions) {
			if !st.Terminal() {
				report(rec.N, "game not over after the last action")
			} else if rec.Shown {
				checkReturns(rec, st.Winners(), players, report)
			}
			break
		}
		m := a.Move(st, pt.Actions[i])
		if !slices.Contains(st.Legal(nil), m) {
			report(rec.N, "action %d (our move %d) is not legal here\n%s", pt.Actions[i], m, st)
			break
		}
		st.Apply(m)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(errs, "\n"))
}

func checkState(rec Record, st game.State, a Adapter, report func(int, string, ...any)) {
	if st.Terminal() != rec.Terminal {
		report(rec.N, "terminal %v, want %v\n%s", st.Terminal(), rec.Terminal, st)
		return
	}
	if rec.Terminal {
		return
	}
	if got := st.ToMove(); got != rec.CurrentPlayer {
		report(rec.N, "to move %d, want %d", got, rec.CurrentPlayer)
	}
	ours := st.Legal(nil)
	want := make([]game.Move, len(rec.Legal))
	for i, act := range rec.Legal {
		want[i] = a.Move(st, act)
	}
	if !sameSet(ours, want) {
		report(rec.N, "legal moves %v, want %v (OpenSpiel %v)\n%s", ours, want, rec.Legal, st)
		return
	}
	if a.CompareStrings {
		for i, act := range rec.Legal {
			if got := st.MoveString(want[i]); got != rec.LegalStrings[i] {
				report(rec.N, "action %d renders %q, want %q", act, got, rec.LegalStrings[i])
			}
		}
	}
	if a.CompareText && len(rec.Text) > 0 {
		got := strings.Split(strings.TrimRight(st.String(), "\n"), "\n")
		for i := range got {
			got[i] = strings.TrimRight(got[i], " ")
		}
		if want := rec.Text; !slices.Equal(got, want) {
			report(rec.N, "board\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if rec.CurrentPlayer == game.Chance {
		cs, ok := st.(game.ChanceState)
		if !ok {
			report(rec.N, "chance node, but the state has no ChanceWeights")
			return
		}
		weights := cs.ChanceWeights(nil)
		var total float64
		for _, w := range weights {
			total += float64(w)
		}
		for _, o := range rec.Chance {
			m := a.Move(st, o.Action)
			i := slices.Index(ours, m)
			if p := float64(weights[i]) / total; math.Abs(p-o.Prob) > 1e-5 {
				report(rec.N, "outcome %d has probability %.6f, want %.6f", o.Action, p, o.Prob)
			}
		}
	}
}

// checkReturns compares winners with OpenSpiel's returns: every winner gets
// 1/w, every other seat -1/(n-w); a draw is all zeros.
func checkReturns(rec Record, winners game.Seats, n int, report func(int, string, ...any)) {
	if len(rec.Returns) == 0 {
		return
	}
	n = len(rec.Returns)
	w := winners.Len()
	for seat, want := range rec.Returns {
		got := 0.0
		switch {
		case w == 0 || w == n:
		case winners.Has(seat):
			got = 1 / float64(w)
		default:
			got = -1 / float64(n-w)
		}
		if math.Abs(got-want) > 1e-5 {
			report(rec.N, "winners %v give seat %d a return of %g, want %g", winners, seat, got, want)
		}
	}
}

func sameSet(a, b []game.Move) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
