package ntuple

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Defaults for Generate.
const (
	// DefaultWeights bounds the weights of a generated network: 65,536
	// float32 are 256 KiB, about 350 KB of base64 in ai.json, well under
	// NATS's default 1 MB message size.
	DefaultWeights = 1 << 16
	// maxTable bounds one tuple's table (3^8 for three cell states).
	maxTable = 6561
	minLen   = 3
	maxLen   = 8
)

// Generate returns a network of zero weights for a board of structure s:
// the straight lines of up to 8 cells along every axis (whole rows,
// columns and diagonals of at least 3 cells, longer ones cut into 8-cell
// pieces), one per class of symmetric images, then random walks over the
// board's adjacency of 3 to 8 cells, until the tables hold about budget
// weights (DefaultWeights when budget is 0). Tuples are capped so one table
// has at most 6,561 weights (8 cells of 3 states, 5 cells of 5). The same
// structure, seed and budget give the same network.
func Generate(s game.Structure, seed uint64, budget int) (*Network, error) {
	return GenerateWalks(s, seed, budget, 0)
}

// GenerateWalks is Generate with random walks of walk cells each (capped
// as Generate caps tuples), or of 3 to 8 mixed when walk is 0. Long walks
// put the same weights into fewer, wider tuples, as in Thill, Koch and
// Konen's connect-four network; measured on connect four they kept the
// value about as often as mixed lengths but played weaker against mcts,
// at the same cost (see the README).
func GenerateWalks(s game.Structure, seed uint64, budget, walk int) (*Network, error) {
	if s.Topology == game.NoBoard || s.Cells() == 0 {
		return nil, ErrNoBoard
	}
	if walk != 0 && (walk < minLen || walk > maxLen) {
		return nil, fmt.Errorf("ntuple: random walks of %d cells, want %d to %d", walk, minLen, maxLen)
	}
	if budget <= 0 {
		budget = DefaultWeights
	}
	n := &Network{States: CellStates(s), Symmetries: slices.Clone(s.Symmetries)}
	longest := minLen
	for longest < maxLen && n.TableSize(longest+1) <= maxTable {
		longest++
	}
	g := generator{s: s, n: n, seen: map[string]bool{}, budget: budget}
	for _, p := range s.Symmetries {
		g.perms = append(g.perms, s.SymmetryMap(p))
	}
	// Straight lines, up to half the budget.
	for _, line := range lines(s) {
		for len(line) >= minLen {
			piece := line[:min(len(line), longest)]
			line = line[len(piece):]
			if len(piece) < minLen {
				break
			}
			if g.size+n.TableSize(len(piece)) > budget/2 {
				break
			}
			g.add(piece)
		}
	}
	// Random walks fill the rest.
	rng := game.NewRNG(seed, 0x6e7475706c65) // "ntuple"
	var nbrs []int
	for tries := 0; tries < 100*s.Cells() && g.size+n.TableSize(minLen) <= budget; tries++ {
		length := minLen + rng.IntN(longest-minLen+1)
		if walk != 0 {
			length = min(walk, longest)
		}
		for length > minLen && g.size+n.TableSize(length) > budget {
			length--
		}
		t := []int{rng.IntN(s.Cells())}
		for len(t) < length {
			// Step from the last cell, or from any cell once it is boxed in.
			nbrs = nbrs[:0]
			for _, c := range s.Neighbours(nil, t[len(t)-1]) {
				if !slices.Contains(t, c) {
					nbrs = append(nbrs, c)
				}
			}
			if len(nbrs) == 0 {
				for _, from := range t {
					for _, c := range s.Neighbours(nil, from) {
						if !slices.Contains(t, c) && !slices.Contains(nbrs, c) {
							nbrs = append(nbrs, c)
						}
					}
				}
			}
			if len(nbrs) == 0 {
				break
			}
			t = append(t, nbrs[rng.IntN(len(nbrs))])
		}
		if len(t) >= minLen {
			g.add(t)
		}
	}
	n.Weights = make([]float32, n.Size())
	return n, nil
}

type generator struct {
	s      game.Structure
	n      *Network
	perms  [][]int
	seen   map[string]bool // sorted cell sets of the tuples and their images
	size   int
	budget int
}

// add keeps t unless it, or a symmetric image of it, is a tuple already.
func (g *generator) add(t []int) {
	if g.seen[key(t, nil)] {
		return
	}
	g.seen[key(t, nil)] = true
	for _, p := range g.perms {
		g.seen[key(t, p)] = true
	}
	g.n.Tuples = append(g.n.Tuples, slices.Clone(t))
	g.size += g.n.TableSize(len(t))
}

func key(t []int, perm []int) string {
	c := slices.Clone(t)
	if perm != nil {
		for i := range c {
			c[i] = perm[c[i]]
		}
	}
	slices.Sort(c)
	var b strings.Builder
	for _, x := range c {
		b.WriteString(strconv.Itoa(x))
		b.WriteByte(' ')
	}
	return b.String()
}

// lines returns the board's maximal straight lines of at least minLen
// cells along each axis (one direction per axis), in a fixed order.
func lines(s game.Structure) [][]int {
	axes := [][2]int{{0, 1}, {1, 0}, {1, 1}, {1, -1}}
	if s.Topology == game.HexGrid {
		axes = [][2]int{{0, 1}, {1, 0}, {1, -1}}
	}
	var out [][]int
	for _, d := range axes {
		for start := 0; start < s.Cells(); start++ {
			r, c := start/s.Cols, start%s.Cols
			// A line starts where the step back leaves the board.
			if pr, pc := r-d[0], c-d[1]; pr >= 0 && pr < s.Rows && pc >= 0 && pc < s.Cols {
				continue
			}
			var line []int
			for rr, cc := r, c; rr >= 0 && rr < s.Rows && cc >= 0 && cc < s.Cols; rr, cc = rr+d[0], cc+d[1] {
				line = append(line, rr*s.Cols+cc)
			}
			if len(line) >= minLen {
				out = append(out, line)
			}
		}
	}
	return out
}
