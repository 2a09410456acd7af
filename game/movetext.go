package game

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrUnknownMove is returned by ParseMove for text that names none of the
// legal moves, and for any text once the game is over.
var ErrUnknownMove = errors.New("not a legal move")

// ParseMove returns the legal move of st that MoveString writes as text, the
// inverse of MoveString. Surrounding space is ignored. When no move is
// written exactly so, a move written the same up to case and inner spaces is
// accepted ("roll3" for Pig's "Roll 3"). Otherwise, and in a terminal st, it
// returns an error wrapping ErrUnknownMove that lists the legal moves.
func ParseMove(st State, text string) (Move, error) {
	legal := st.Legal(nil)
	text = strings.TrimSpace(text)
	if len(legal) == 0 {
		return 0, fmt.Errorf("%q: %w: the game is over", text, ErrUnknownMove)
	}
	for _, m := range legal {
		if st.MoveString(m) == text {
			return m, nil
		}
	}
	// Move names are unique in a position, but folded ones need not be:
	// accept a folded match only when it is the only one.
	key, found, n := fold(text), Move(0), 0
	for _, m := range legal {
		if fold(st.MoveString(m)) == key {
			found, n = m, n+1
		}
	}
	if n == 1 {
		return found, nil
	}
	return 0, fmt.Errorf("%q: %w (legal: %s)", text, ErrUnknownMove, MoveStrings(st, legal))
}

// MoveStrings writes moves, legal in st, in the game's notation, separated
// by spaces.
func MoveStrings(st State, moves []Move) string {
	var b strings.Builder
	for i, m := range moves {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(st.MoveString(m))
	}
	return b.String()
}

// fold lowercases s and drops its spaces.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
