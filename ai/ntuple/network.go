// Package ntuple is an n-tuple value network for board games: lookup
// tables indexed by the contents of small groups of connected cells, shared
// across the board's symmetries, summed into the logit of a seat's expected
// score.
package ntuple

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Network is an n-tuple network: tuples of cells, each with a table of
// States^len(tuple) weights. A cell holds one of States values as the
// reading seat sees it: 0 empty, 1+p its own piece of kind p, 1+P+p another
// seat's piece of kind p, P being the number of piece kinds (at least one).
// The table of a tuple is read through the tuple itself and through its
// image under every one of Symmetries; the first cell of a tuple is the
// least significant digit of the index.
//
// With Seats ≥ 2 every seat has its own set of tables, read when the
// network values a position for that seat: a set's tuples see the cells as
// mine/theirs like a shared set, but learn what "mine" is worth for the
// seat it belongs to (connect four's first player wants threats on odd
// rows, the second on even ones; hex's first seat connects top and bottom,
// the second left and right). Symmetries are shared within each set only,
// which is right since they keep every seat's role (see
// game.Structure.Symmetries). Seats 0 (networks from before seat tables)
// and 1 mean one set that every seat reads.
//
// Networks are plain data; Compile makes an evaluator for one goroutine.
type Network struct {
	States     int
	Symmetries []string
	Tuples     [][]int
	// Seats is the number of table sets (0 or 1: one shared set).
	Seats int
	// Weights holds the tables one after another, in tuple order; with
	// seat tables, seat 0's set, then seat 1's, and so on.
	Weights []float32
}

// ErrNoBoard is returned for a game whose structure has no board: such
// games (pig, gofish) keep the feature model.
var ErrNoBoard = errors.New("ntuple: the game has no board (use the feature model)")

// CellStates returns the number of values a cell takes for s: empty, then
// each piece kind of the reading seat, then each of the other seats.
func CellStates(s game.Structure) int { return 1 + 2*max(1, len(s.Pieces)) }

// TableSize returns the number of weights of a tuple of n cells.
func (n *Network) TableSize(cells int) int {
	size := 1
	for range cells {
		size *= n.States
	}
	return size
}

// SetSize returns the number of weights of one set of tables: one table
// per tuple.
func (n *Network) SetSize() int {
	total := 0
	for _, t := range n.Tuples {
		total += n.TableSize(len(t))
	}
	return total
}

// Sets returns the number of table sets: Seats, or 1 for a shared set.
func (n *Network) Sets() int { return max(1, n.Seats) }

// Size returns the total number of weights the tables need, every set's.
func (n *Network) Size() int { return n.Sets() * n.SetSize() }

// SeatTables returns a copy of n with one set of tables per seat of a
// game of seats players, each starting from n's weights (n's own set when
// it has one per seat already, which must then be seats).
func (n *Network) SeatTables(seats int) (*Network, error) {
	c := n.Clone()
	switch {
	case seats < 2 || seats > game.MaxPlayers:
		return nil, fmt.Errorf("ntuple: %d seats, want 2..%d", seats, game.MaxPlayers)
	case n.Sets() == seats:
		return c, nil
	case n.Sets() != 1:
		return nil, fmt.Errorf("ntuple: a network of %d seat tables for %d seats", n.Sets(), seats)
	}
	c.Seats = seats
	c.Weights = make([]float32, 0, seats*len(n.Weights))
	for range seats {
		c.Weights = append(c.Weights, n.Weights...)
	}
	return c, nil
}

// Check reports whether n fits a board of structure s.
func (n *Network) Check(s game.Structure) error {
	switch {
	case s.Topology == game.NoBoard || s.Cells() == 0:
		return ErrNoBoard
	case n.Seats < 0 || n.Seats > game.MaxPlayers:
		return fmt.Errorf("ntuple: %d seat tables, want 0..%d", n.Seats, game.MaxPlayers)
	case n.States != CellStates(s):
		return fmt.Errorf("ntuple: %d cell states, the game has %d", n.States, CellStates(s))
	case len(n.Weights) != n.Size():
		return fmt.Errorf("ntuple: %d weights for tables of %d", len(n.Weights), n.Size())
	}
	for _, name := range n.Symmetries {
		if s.SymmetryMap(name) == nil {
			return fmt.Errorf("ntuple: symmetry %q does not fit a %d×%d board", name, s.Rows, s.Cols)
		}
	}
	for i, t := range n.Tuples {
		if len(t) == 0 || len(t) > MaxTuple {
			return fmt.Errorf("ntuple: tuple %d has %d cells, want 1..%d", i, len(t), MaxTuple)
		}
		for _, c := range t {
			if c < 0 || c >= s.Cells() {
				return fmt.Errorf("ntuple: tuple %d has cell %d outside the board", i, c)
			}
		}
	}
	for _, w := range n.Weights {
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return errors.New("ntuple: a weight is not a finite number")
		}
	}
	return nil
}

// MaxTuple is the most cells a tuple may have.
const MaxTuple = 10

// networkJSON is the stored form: tuples as strings of cell numbers and the
// weights as base64 of little-endian float32, so a model stays compact
// (and one line) inside ai.json, run configs and job messages.
type networkJSON struct {
	States     int      `json:"states"`
	Symmetries []string `json:"symmetries,omitempty"`
	Tuples     []string `json:"tuples"`
	// Seats is absent for a shared set (files from before seat tables).
	Seats   int    `json:"seats,omitempty"`
	Weights string `json:"weights"`
}

// MarshalJSON encodes n compactly; equal networks give equal bytes.
func (n *Network) MarshalJSON() ([]byte, error) {
	j := networkJSON{States: n.States, Symmetries: n.Symmetries, Tuples: make([]string, len(n.Tuples)), Seats: n.Seats}
	for i, t := range n.Tuples {
		s := make([]string, len(t))
		for k, c := range t {
			s[k] = strconv.Itoa(c)
		}
		j.Tuples[i] = strings.Join(s, " ")
	}
	raw := make([]byte, 4*len(n.Weights))
	for i, w := range n.Weights {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(w))
	}
	j.Weights = base64.StdEncoding.EncodeToString(raw)
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encodes. Call Check before use.
func (n *Network) UnmarshalJSON(b []byte) error {
	var j networkJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(j.Weights)
	if err != nil || len(raw)%4 != 0 {
		return errors.New("ntuple: weights are not base64 of float32 values")
	}
	*n = Network{States: j.States, Symmetries: j.Symmetries, Tuples: make([][]int, len(j.Tuples)), Seats: j.Seats, Weights: make([]float32, len(raw)/4)}
	for i, s := range j.Tuples {
		for _, f := range strings.Fields(s) {
			c, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("ntuple: tuple %d: %q is not a cell", i, f)
			}
			n.Tuples[i] = append(n.Tuples[i], c)
		}
	}
	for i := range n.Weights {
		n.Weights[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return nil
}

// Clone returns a deep copy of n.
func (n *Network) Clone() *Network {
	c := &Network{States: n.States, Symmetries: append([]string(nil), n.Symmetries...), Seats: n.Seats, Weights: append([]float32(nil), n.Weights...)}
	for _, t := range n.Tuples {
		c.Tuples = append(c.Tuples, append([]int(nil), t...))
	}
	return c
}
