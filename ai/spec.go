package ai

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// ErrBadPlayers is returned for a player spec that cannot be used.
var ErrBadPlayers = errors.New("bad player spec")

// Kind is a kind of player that a spec can name.
type Kind struct {
	Name   string
	Doc    string
	Params []game.Param // integer parameters
	// Model says whether the kind takes a file=PATH parameter: a trained
	// model (ai.json) that guides it.
	Model ModelUse
	// quiet names parameters added after specs were stored: String leaves
	// them out at their default, so stored specs still compare equal.
	quiet []string
	// New builds a player for g. It is called once per seat and per worker,
	// so players may keep scratch memory.
	New func(g game.Game, a Args) (game.Player, error)
}

// ModelUse says whether a player kind takes a model.
type ModelUse uint8

const (
	NoModel       ModelUse = iota // file= is refused
	OptionalModel                 // file= may be given
	RequiredModel                 // file= must be given
)

// Args are one seat's validated parameters.
type Args struct {
	Ints  game.Params
	Model *Model // nil when no file= was given
}

// kinds are the players a spec can name, by name.
var kinds = map[string]Kind{
	"random": {
		Name: "random",
		Doc:  "uniformly random legal moves",
		New:  func(game.Game, Args) (game.Player, error) { return Random{}, nil },
	},
	"greedy": greedyKind, // greedy.go
	"mcts":   mctsKind,   // mcts.go
	"ai":     aiKind,     // mcts.go
}

// Kinds returns the player kinds sorted by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// seatSpec is one seat's parsed spec.
type seatSpec struct {
	kind     Kind
	params   game.Params
	modelRef string
	model    *Model
}

// Lineup is a parsed player spec for a game: what builds each seat's player.
type Lineup struct {
	seats  []seatSpec
	game   game.Game
	models map[string][]byte // model ref -> canonical model JSON
}

// ModelSource resolves a model reference (the value of file=) to the
// model's JSON bytes.
type ModelSource func(ref string) ([]byte, error)

// ModelFiles reads model references as file paths.
func ModelFiles(ref string) ([]byte, error) { return os.ReadFile(ref) }

// ParseLineup parses spec for g, reading models with ModelFiles. See
// ParseLineupWith.
func ParseLineup(spec string, g game.Game) (*Lineup, error) {
	return ParseLineupWith(spec, g, ModelFiles)
}

// ParseLineupWith parses spec for g. spec is a comma-separated list of seat
// specs, "kind" or "kind:key=value,key=value"; a single seat spec applies to
// every seat. A comma followed by key=value continues the previous seat's
// parameters. file=REF parameters are resolved through models.
func ParseLineupWith(spec string, g game.Game, models ModelSource) (*Lineup, error) {
	var seats []seatSpec
	for _, tok := range strings.Split(strings.TrimSpace(spec), ",") {
		tok = strings.TrimSpace(tok)
		k, v, isParam := strings.Cut(tok, "=")
		if isParam && !strings.Contains(k, ":") {
			if len(seats) == 0 {
				return nil, fmt.Errorf("%w %q: parameter %q before any player", ErrBadPlayers, spec, tok)
			}
			if err := setParam(&seats[len(seats)-1], k, v, spec); err != nil {
				return nil, err
			}
			continue
		}
		name, args, _ := strings.Cut(tok, ":")
		kind, ok := kinds[name]
		if !ok {
			return nil, fmt.Errorf("%w %q: unknown player %q (known: %s)", ErrBadPlayers, spec, name, kindNames())
		}
		s := seatSpec{kind: kind, params: game.Params{}}
		for _, p := range kind.Params {
			s.params[p.Name] = p.Default
		}
		if args != "" {
			k, v, ok := strings.Cut(args, "=")
			if !ok {
				return nil, fmt.Errorf("%w %q: %q is not key=value", ErrBadPlayers, spec, args)
			}
			if err := setParam(&s, k, v, spec); err != nil {
				return nil, err
			}
		}
		seats = append(seats, s)
	}
	n := g.Players()
	switch len(seats) {
	case 1:
		for len(seats) < n {
			seats = append(seats, seats[0])
		}
	case n:
	default:
		return nil, fmt.Errorf("%w %q: %d players given, %s has %d seats", ErrBadPlayers, spec, len(seats), g.Spec(), n)
	}
	l := &Lineup{seats: seats, game: g, models: map[string][]byte{}}
	for i := range seats {
		s := &seats[i]
		switch {
		case s.modelRef == "" && s.kind.Model == RequiredModel:
			return nil, fmt.Errorf("%w %q: player %s needs file=PATH (a trained ai.json)", ErrBadPlayers, spec, s.kind.Name)
		case s.modelRef == "":
			continue
		}
		raw, err := models(s.modelRef)
		if err != nil {
			return nil, fmt.Errorf("%w %q: model %s: %v", ErrBadPlayers, spec, s.modelRef, err)
		}
		m, err := ParseModel(raw)
		if err != nil {
			return nil, fmt.Errorf("%w %q: model %s: %v", ErrBadPlayers, spec, s.modelRef, err)
		}
		if m.Game != g.Spec() {
			return nil, fmt.Errorf("%w %q: model %s was trained for %s, not %s", ErrBadPlayers, spec, s.modelRef, m.Game, g.Spec())
		}
		s.model = m
		l.models[s.modelRef] = m.Canonical()
	}
	if _, err := l.Players(); err != nil {
		return nil, err
	}
	return l, nil
}

// Models returns the canonical JSON of every model the lineup uses, by
// reference, so that a run can store them and never depend on the files.
func (l *Lineup) Models() map[string][]byte { return l.models }

func setParam(s *seatSpec, k, v, spec string) error {
	if k == "file" {
		if s.kind.Model == NoModel {
			return fmt.Errorf("%w %q: player %s takes no file=", ErrBadPlayers, spec, s.kind.Name)
		}
		if v == "" || strings.ContainsAny(v, ",:") {
			return fmt.Errorf("%w %q: file=%q must be a path without ',' or ':'", ErrBadPlayers, spec, v)
		}
		s.modelRef = v
		return nil
	}
	for _, p := range s.kind.Params {
		if p.Name != k {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.Min || n > p.Max {
			return fmt.Errorf("%w %q: %s=%q must be an integer in %d..%d", ErrBadPlayers, spec, k, v, p.Min, p.Max)
		}
		s.params[k] = n
		return nil
	}
	return fmt.Errorf("%w %q: player %s has no parameter %q", ErrBadPlayers, spec, s.kind.Name, k)
}

func kindNames() string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

// String returns the canonical spec: one entry per seat, every parameter
// spelled out, so that equal lineups compare equal.
func (l *Lineup) String() string {
	parts := make([]string, len(l.seats))
	for i, s := range l.seats {
		var b strings.Builder
		b.WriteString(s.kind.Name)
		sep := byte(':')
		for _, p := range s.kind.Params {
			if s.params[p.Name] == p.Default && slices.Contains(s.kind.quiet, p.Name) {
				continue
			}
			b.WriteByte(sep)
			sep = ','
			fmt.Fprintf(&b, "%s=%d", p.Name, s.params[p.Name])
		}
		if s.modelRef != "" {
			b.WriteByte(sep)
			b.WriteString("file=" + s.modelRef)
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, ",")
}

// Players builds a fresh player for every seat.
func (l *Lineup) Players() ([]game.Player, error) {
	out := make([]game.Player, len(l.seats))
	for i, s := range l.seats {
		p, err := s.kind.New(l.game, Args{Ints: s.params, Model: s.model})
		if err != nil {
			return nil, fmt.Errorf("%w: seat %d: %v", ErrBadPlayers, i, err)
		}
		out[i] = p
	}
	return out, nil
}
