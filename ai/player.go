package ai

import (
	"fmt"
	"maps"

	"github.com/simpipe/simpipe/game"
)

// NewPlayer returns the player that spec names for g, such as
// "greedy:file=ai.json" or "ai:iterations=200,file=ai.json": one seat's
// spec, in the syntax of ParseLineup, with models read from files. It is the
// way to use a trained AI in one's own program; a program that embeds its
// model can use ParseLineupWith and Lineup.Players instead.
func NewPlayer(g game.Game, spec string) (game.Player, error) {
	l, err := ParseLineup(spec, g)
	if err != nil {
		return nil, err
	}
	first := l.seats[0]
	for _, s := range l.seats[1:] {
		if s.kind.Name != first.kind.Name || s.modelRef != first.modelRef || !maps.Equal(s.params, first.params) {
			return nil, fmt.Errorf("%w %q: NewPlayer takes one player, not one per seat", ErrBadPlayers, spec)
		}
	}
	ps, err := l.Players()
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}
