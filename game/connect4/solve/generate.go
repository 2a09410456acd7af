package solve

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
)

// GenConfig configures Generate. The zero value of a field means its
// default.
type GenConfig struct {
	// Seed seeds every random choice: game i of the generator uses
	// game.NewRNG(Seed, i).
	Seed uint64
	// Positions is the number of entries to produce. Defaults to 400.
	Positions int
	// MinPly and MaxPly bound the plies of the positions. Default 10, 32.
	MinPly, MaxPly int
	// MaxKeep is the largest number of value-preserving moves a kept
	// position may have. Defaults to 3.
	MaxKeep int
	// Opening chooses the moves of the first OpeningPlies plies, where
	// solving every move would be too slow. Required.
	Opening game.Player
	// OpeningPlies defaults to MinPly.
	OpeningPlies int
	// NoisePermille is the chance, in thousandths, that a move after the
	// opening is a uniformly random legal move instead of a uniformly
	// random value-preserving one. Defaults to 100 (10 %); use a negative
	// value for none.
	NoisePermille int
	// Progress, when set, is called after every game with the number of
	// games played and entries kept so far.
	Progress func(games, kept int)
}

func (c *GenConfig) defaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Positions, 400)
	def(&c.MinPly, 10)
	def(&c.MaxPly, 32)
	def(&c.MaxKeep, 3)
	def(&c.OpeningPlies, c.MinPly)
	def(&c.NoisePermille, 100)
}

// Generate plays self-play games and keeps, from each, one position in
// [MinPly, MaxPly] whose side to move is not lost and which has at most
// MaxKeep value-preserving moves, drawn uniformly among the game's
// positions that qualify; games without one, and positions already kept,
// are skipped. Game i, its moves and its choice depend only on (Seed, i),
// so the result is the same on every machine. The opening is played by
// cfg.Opening, every later move by a noisy perfect player: with chance
// NoisePermille/1000 a random legal move, otherwise a random
// value-preserving move (a random move of a lost position).
func Generate(sv *Solver, cfg GenConfig) ([]Entry, error) {
	cfg.defaults()
	if cfg.Opening == nil {
		return nil, fmt.Errorf("solve: Generate needs an opening player")
	}
	if cfg.MinPly < cfg.OpeningPlies || cfg.MaxPly >= Cells || cfg.MinPly > cfg.MaxPly {
		return nil, fmt.Errorf("solve: bad plies: opening %d, positions %d..%d", cfg.OpeningPlies, cfg.MinPly, cfg.MaxPly)
	}
	var out []Entry
	seen := map[uint64]bool{}
	type candidate struct {
		moves      string
		ply, value int
		keep       uint8
		key        uint64
		state      *connect4.State
	}
	rng := new(game.RNG)
	var legal []game.Move
	for g := uint64(0); len(out) < cfg.Positions; g++ {
		rng.Seed(cfg.Seed, g)
		s := connect4.Game{}.NewState().(*connect4.State)
		var moves []string
		var cands []candidate
		for ply := 0; ply <= cfg.MaxPly && !s.Terminal(); ply++ {
			legal = s.Legal(legal[:0])
			var m game.Move
			if ply < cfg.OpeningPlies {
				m = cfg.Opening.Choose(s, legal, rng)
			} else {
				p, err := FromState(s)
				if err != nil {
					return nil, err
				}
				value, keep := sv.Preserving(p)
				if ply >= cfg.MinPly && value >= 0 && bits.OnesCount8(keep) <= cfg.MaxKeep && !seen[p.Key()] {
					cands = append(cands, candidate{strings.Join(moves, " "), ply, value, keep, p.Key(), s.Clone().(*connect4.State)})
				}
				if ply == cfg.MaxPly {
					break
				}
				if rng.IntN(1000) < cfg.NoisePermille {
					m = legal[rng.IntN(len(legal))]
				} else {
					m = game.Move(nthBit(keep, rng.IntN(bits.OnesCount8(keep))))
				}
			}
			moves = append(moves, s.MoveString(m))
			s.Apply(m)
		}
		if len(cands) > 0 {
			c := cands[rng.IntN(len(cands))]
			seen[c.key] = true
			e := Entry{Moves: c.moves, Ply: c.ply, Value: c.value}
			for col := 0; col < Cols; col++ {
				if c.keep&(1<<col) != 0 {
					e.Keep = append(e.Keep, c.state.MoveString(game.Move(col)))
				}
			}
			out = append(out, e)
		}
		if cfg.Progress != nil {
			cfg.Progress(int(g+1), len(out))
		}
	}
	return out, nil
}

// nthBit returns the index of the n-th (from 0) set bit of b.
func nthBit(b uint8, n int) int {
	for ; n > 0; n-- {
		b &= b - 1
	}
	return bits.TrailingZeros8(b)
}
