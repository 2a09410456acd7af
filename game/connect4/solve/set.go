package solve

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
)

// Entry is one position of a yardstick set: the moves that reach it from
// the empty board and the moves that keep its game-theoretic value. It is
// one line of the set's JSON Lines file.
type Entry struct {
	// Moves are the moves from the empty board in connect4's notation,
	// separated by spaces ("x3 o3 x2").
	Moves string `json:"moves"`
	// Ply is the number of moves, the discs on the board.
	Ply int `json:"ply"`
	// Value is the position's value for the side to move: 1 a win, 0 a
	// draw (sets hold no lost positions).
	Value int `json:"value"`
	// Keep lists the value-preserving moves in connect4's notation, left
	// to right: the winning moves of a won position, the drawing moves of
	// a drawn one.
	Keep []string `json:"keep"`
}

// State replays the entry's moves through connect4's rules.
func (e Entry) State() (*connect4.State, error) {
	s := connect4.Game{}.NewState().(*connect4.State)
	for i, tok := range strings.Fields(e.Moves) {
		m, err := parseMove(s, tok)
		if err != nil {
			return nil, fmt.Errorf("move %d: %w", i+1, err)
		}
		s.Apply(m)
	}
	if s.Terminal() {
		return nil, fmt.Errorf("%w: %q ends the game", ErrBadPosition, e.Moves)
	}
	return s, nil
}

// KeepMoves returns Keep as moves of the entry's position.
func (e Entry) KeepMoves() ([]game.Move, error) {
	s, err := e.State()
	if err != nil {
		return nil, err
	}
	out := make([]game.Move, 0, len(e.Keep))
	for _, tok := range e.Keep {
		m, err := parseMove(s, tok)
		if err != nil {
			return nil, fmt.Errorf("keep: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// parseMove finds the legal move of s written tok.
func parseMove(s game.State, tok string) (game.Move, error) {
	if s.Terminal() {
		return 0, fmt.Errorf("%w: %q after the end of the game", ErrBadPosition, tok)
	}
	for _, m := range s.Legal(nil) {
		if s.MoveString(m) == tok {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%w: %q is not a legal move here", ErrBadPosition, tok)
}

// ReadSet reads a set in JSON Lines form, one Entry a line; blank lines
// are skipped.
func ReadSet(r io.Reader) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var e Entry
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("solve: set line %d: %w", line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("solve: read set: %w", err)
	}
	return out, nil
}

// WriteSet writes entries as JSON Lines.
func WriteSet(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

//go:embed testdata/positions.jsonl
var embeddedSet string

var parsedSet = sync.OnceValues(func() ([]Entry, error) {
	return ReadSet(strings.NewReader(embeddedSet))
})

// Positions returns the yardstick set shipped with the package
// (testdata/positions.jsonl; see the package documentation for how it was
// made). The slice is shared: do not modify it.
func Positions() ([]Entry, error) { return parsedSet() }
