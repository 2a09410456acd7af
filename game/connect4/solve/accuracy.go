package solve

import (
	"fmt"
	"slices"
	"sync"

	"github.com/simpipe/simpipe/ai/stats"
	"github.com/simpipe/simpipe/game"
)

// Accuracy is how often a player chose a value-preserving move.
type Accuracy struct {
	Positions int     `json:"positions"`
	Hits      int     `json:"hits"`
	Rate      float64 `json:"rate"`
	// Low and High are the Wilson 95 % interval of Rate.
	Low  float64 `json:"wilson_low"`
	High float64 `json:"wilson_high"`
	// Groups break the figure down by value (won, drawn), by ply (10-17,
	// 18-25, 26-32) and by kind: "win now" when the side to move can win
	// at once, "block" when it must stop an immediate win, else "quiet".
	Groups []Group `json:"groups"`
	// Choices are the chosen moves, one per position, in set order.
	Choices []Choice `json:"choices,omitempty"`
}

// Group is Accuracy over the positions of one group.
type Group struct {
	Name      string  `json:"name"`
	Positions int     `json:"positions"`
	Hits      int     `json:"hits"`
	Rate      float64 `json:"rate"`
	Low       float64 `json:"wilson_low"`
	High      float64 `json:"wilson_high"`
}

// Choice is a player's move in one position of the set.
type Choice struct {
	Index int    `json:"index"`
	Move  string `json:"move"`
	Hit   bool   `json:"hit"`
}

// Kind returns the entry's kind for Accuracy's groups.
func (e Entry) Kind() (string, error) {
	s, err := e.State()
	if err != nil {
		return "", err
	}
	p, err := FromState(s)
	if err != nil {
		return "", err
	}
	switch {
	case p.CanWinNext():
		return "win now", nil
	case p.opponentWinning()&p.possible() != 0:
		return "block", nil
	}
	return "quiet", nil
}

// MeasureConfig configures Measure.
type MeasureConfig struct {
	// NewPlayer builds a fresh player; Measure calls it once per position,
	// so that no choice depends on the positions before it.
	NewPlayer func() (game.Player, error)
	// Seed seeds the player's RNG: position i of the set gets
	// game.NewRNG(Seed, i).
	Seed uint64
	// Workers is the number of goroutines; results do not depend on it.
	// Defaults to 1.
	Workers int
	// Progress, when set, is called (from one goroutine at a time) with
	// the number of positions done.
	Progress func(done int)
}

// Measure asks a player for its move in every position of entries and
// counts the value-preserving ones.
func Measure(entries []Entry, cfg MeasureConfig) (Accuracy, error) {
	workers := max(cfg.Workers, 1)
	type job struct {
		hit  bool
		move string
		kind string
		err  error
	}
	res := make([]job, len(entries))
	var next, done int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(entries) {
					return
				}
				res[i].hit, res[i].move, res[i].kind, res[i].err = measureOne(entries[i], i, cfg)
				mu.Lock()
				done++
				if cfg.Progress != nil {
					cfg.Progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var acc Accuracy
	groups := map[string]*Group{}
	order := []string{"won", "drawn", "ply 10-17", "ply 18-25", "ply 26-32", "win now", "block", "quiet"}
	for _, name := range order {
		groups[name] = &Group{Name: name}
	}
	for i, r := range res {
		if r.err != nil {
			return Accuracy{}, fmt.Errorf("solve: position %d (%s): %w", i, entries[i].Moves, r.err)
		}
		e := entries[i]
		names := []string{"drawn", plyBand(e.Ply), r.kind}
		if e.Value > 0 {
			names[0] = "won"
		}
		for _, n := range names {
			if g, ok := groups[n]; ok {
				g.Positions++
				if r.hit {
					g.Hits++
				}
			}
		}
		acc.Positions++
		if r.hit {
			acc.Hits++
		}
		acc.Choices = append(acc.Choices, Choice{Index: i, Move: r.move, Hit: r.hit})
	}
	acc.Rate, acc.Low, acc.High = rate(acc.Hits, acc.Positions)
	for _, name := range order {
		g := groups[name]
		if g.Positions > 0 {
			g.Rate, g.Low, g.High = rate(g.Hits, g.Positions)
			acc.Groups = append(acc.Groups, *g)
		}
	}
	return acc, nil
}

func plyBand(ply int) string {
	switch {
	case ply < 18:
		return "ply 10-17"
	case ply < 26:
		return "ply 18-25"
	}
	return "ply 26-32"
}

func rate(hits, n int) (r, lo, hi float64) {
	if n == 0 {
		return 0, 0, 1
	}
	lo, hi = stats.Wilson(hits, 0, n-hits, stats.Z95)
	return float64(hits) / float64(n), lo, hi
}

func measureOne(e Entry, i int, cfg MeasureConfig) (hit bool, move, kind string, err error) {
	s, err := e.State()
	if err != nil {
		return false, "", "", err
	}
	keep, err := e.KeepMoves()
	if err != nil {
		return false, "", "", err
	}
	if kind, err = e.Kind(); err != nil {
		return false, "", "", err
	}
	pl, err := cfg.NewPlayer()
	if err != nil {
		return false, "", "", err
	}
	legal := s.Legal(nil)
	m := pl.Choose(s.Clone(), legal, game.NewRNG(cfg.Seed, uint64(i)))
	if !slices.Contains(legal, m) {
		return false, "", "", fmt.Errorf("player chose %d, not a legal move", m)
	}
	return slices.Contains(keep, m), s.MoveString(m), kind, nil
}
