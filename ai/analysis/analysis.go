// Package analysis measures, feature by feature, how a seat's feature values
// relate to how the game ended for that seat: a 2x2 table and phi for
// boolean features, the point-biserial correlation for count features, each
// figure with the number of states and of distinct games behind it.
//
// An Accumulator streams over recorded states with memory proportional to
// the number of features, not of games or states. Results are exact integer
// counts and sums until the final figures are computed, so they are
// bit-identical whatever order the games are fed in.
package analysis

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/simpipe/simpipe/ai/stats"
)

// Outcome is how a game ended for the seat whose features are recorded. The
// values are half points, so Outcome converts directly to a score.
type Outcome uint8

// The outcomes, valued in half points.
const (
	Loss Outcome = 0
	Draw Outcome = 1
	Win  Outcome = 2
)

// Score returns 1 for a win, 0.5 for a draw and 0 for a loss: the result
// used for correlations.
func (o Outcome) Score() float64 { return float64(o) / 2 }

// String returns "loss", "draw" or "win".
func (o Outcome) String() string {
	switch o {
	case Loss:
		return "loss"
	case Draw:
		return "draw"
	case Win:
		return "win"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Accumulator collects per-feature statistics over recorded states.
//
// Feed it with Add, one call per state. All states of one game must be fed
// consecutively (games themselves may come in any order): distinct games are
// counted by remembering, per feature and class, the last game that touched
// it, which is what keeps memory flat in the number of games. Incomplete
// games must be skipped by the caller, as they have no outcome.
//
// An Accumulator is not safe for concurrent use.
type Accumulator struct {
	names []string
	feats []featAcc

	// serial numbers the runs of consecutive states with the same game
	// index, starting at 1; featAcc.last refers to it.
	serial  uint64
	game    uint64
	states  uint64
	results [3]uint64 // indexed by Outcome
}

type featAcc struct {
	min, max int32
	// cells counts states by class (0: value zero, 1: nonzero) and outcome.
	cells [2][3]uint64
	// last is the serial of the last game seen in each class; games counts
	// the distinct games in each class.
	last  [2]uint64
	games [2]uint64
	pb    stats.PB
}

// New returns an empty Accumulator for features with the given names (the
// Name of each features.Feature), in the order in which Add receives their
// values.
func New(names []string) *Accumulator {
	return &Accumulator{
		names: slices.Clone(names),
		feats: make([]featAcc, len(names)),
	}
}

// Add records one state: the game's index, the deciding seat's feature
// values (in the order of the features given to New) and how the game ended
// for that seat. It panics if values has the wrong length or o is not Loss,
// Draw or Win.
func (a *Accumulator) Add(game uint64, values []int32, o Outcome) {
	if len(values) != len(a.feats) {
		panic(fmt.Sprintf("analysis: %d feature values for %d features", len(values), len(a.feats)))
	}
	if o > Win {
		panic(fmt.Sprintf("analysis: invalid outcome %d", uint8(o)))
	}
	if a.serial == 0 || game != a.game {
		a.serial++
		a.game = game
	}
	first := a.states == 0
	a.states++
	a.results[o]++
	for i, v := range values {
		f := &a.feats[i]
		if first {
			f.min, f.max = v, v
		} else {
			f.min, f.max = min(f.min, v), max(f.max, v)
		}
		c := 0
		if v != 0 {
			c = 1
		}
		f.cells[c][o]++
		if f.last[c] != a.serial {
			f.last[c] = a.serial
			f.games[c]++
		}
		f.pb.AddHalves(v, uint8(o))
	}
}

// Result is the per-feature analysis of every state added so far.
type Result struct {
	States   uint64    `json:"states"`
	Games    uint64    `json:"games"`
	Wins     uint64    `json:"wins"`
	Draws    uint64    `json:"draws"`
	Losses   uint64    `json:"losses"`
	Features []Feature `json:"features"`
}

// Feature is the analysis of one feature. Every figure is finite, so a
// Result always marshals to JSON.
type Feature struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	// Boolean reports that every value seen was 0 or 1.
	Boolean bool  `json:"boolean"`
	Min     int32 `json:"min"`
	Max     int32 `json:"max"`
	// True counts the states where the feature was nonzero (true, for a
	// boolean feature) and False those where it was zero. Together they
	// form the feature's 2x2 table against the outcome.
	True  Class `json:"true"`
	False Class `json:"false"`
	// Phi is the phi coefficient of the 2x2 table, with each draw counted
	// half as a win and half as a non-win. It is set for boolean features
	// only (0 otherwise).
	Phi float64 `json:"phi"`
	// R is the point-biserial (Pearson) correlation of the value with the
	// result scored win 1, draw 1/2, loss 0, over all states; for every
	// feature. With no draws it equals Phi for a boolean feature.
	R float64 `json:"r"`
	// Strength is |Phi| for a boolean feature and |R| for a count feature:
	// the figure Top ranks by.
	Strength float64 `json:"strength"`
	// SupportGames is the number of distinct games behind Strength: for a
	// boolean feature the smaller of True.Games and False.Games (a
	// contrast needs games on both sides), for a count feature every game
	// (all of them contribute to R).
	SupportGames uint64 `json:"support_games"`
}

// Class is the states in which a feature was true (nonzero) or false (zero).
type Class struct {
	States uint64 `json:"states"`
	// Games counts distinct games with at least one such state, e.g. the
	// games in which the feature was ever true.
	Games  uint64 `json:"games"`
	Wins   uint64 `json:"wins"`
	Draws  uint64 `json:"draws"`
	Losses uint64 `json:"losses"`
	// WinRate is Wins/States and Score is (Wins + Draws/2)/States; both are
	// 0 when States is 0.
	WinRate float64 `json:"win_rate"`
	Score   float64 `json:"score"`
}

func newClass(cells [3]uint64, games uint64) Class {
	c := Class{
		Games:  games,
		Wins:   cells[Win],
		Draws:  cells[Draw],
		Losses: cells[Loss],
	}
	c.States = c.Wins + c.Draws + c.Losses
	if c.States > 0 {
		n := float64(c.States)
		c.WinRate = float64(c.Wins) / n
		c.Score = (float64(c.Wins) + float64(c.Draws)/2) / n
	}
	return c
}

// Result returns the analysis of the states added so far. The Accumulator
// stays usable.
func (a *Accumulator) Result() *Result {
	r := &Result{
		States:   a.states,
		Games:    a.serial,
		Wins:     a.results[Win],
		Draws:    a.results[Draw],
		Losses:   a.results[Loss],
		Features: make([]Feature, len(a.feats)),
	}
	for i := range a.feats {
		f := &a.feats[i]
		out := Feature{
			Index:   i,
			Name:    a.names[i],
			Boolean: a.states > 0 && f.min >= 0 && f.max <= 1,
			Min:     f.min,
			Max:     f.max,
			True:    newClass(f.cells[1], f.games[1]),
			False:   newClass(f.cells[0], f.games[0]),
			R:       f.pb.R(),
		}
		if out.Boolean {
			t, u := out.True, out.False
			out.Phi = stats.Phi(
				float64(t.Wins)+float64(t.Draws)/2, float64(t.Losses)+float64(t.Draws)/2,
				float64(u.Wins)+float64(u.Draws)/2, float64(u.Losses)+float64(u.Draws)/2)
			out.Strength = abs(out.Phi)
			out.SupportGames = min(t.Games, u.Games)
		} else {
			out.Strength = abs(out.R)
			out.SupportGames = r.Games
		}
		r.Features[i] = out
	}
	return r
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Top returns up to k features with SupportGames >= minGames, strongest
// first, ties broken by feature index. k <= 0 returns all that qualify.
func (r *Result) Top(k int, minGames uint64) []Feature {
	var out []Feature
	for _, f := range r.Features {
		if f.SupportGames >= minGames {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(x, y Feature) int {
		if c := cmp.Compare(y.Strength, x.Strength); c != 0 {
			return c
		}
		return cmp.Compare(x.Index, y.Index)
	})
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}
