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
	"ai":     aiKind,     // puct.go
	"ab":     abKind,     // alphabeta.go
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

// SeatSeparator separates the seats of a lineup in everything simpipe
// prints ("mcts:iterations=200,c=50+random"): unlike a comma, which also
// separates a seat's parameters, it says where a seat ends, and it needs no
// quoting on a shell command line. Parsers accept it and the comma alike.
// The canonical form (Lineup.String), which DBs and NATS messages store,
// keeps commas, so that stored configs, their digests and resumes do not
// change.
const SeatSeparator = "+"

// ParseLineupWith parses spec for g. spec is a list of seat specs, "kind"
// or "kind:key=value,key=value", separated by SeatSeparator or by commas; a
// single seat spec applies to every seat. A comma followed by key=value
// continues the previous seat's parameters. file=REF parameters are
// resolved through models.
func ParseLineupWith(spec string, g game.Game, models ModelSource) (*Lineup, error) {
	var seats []seatSpec
	for _, tok := range lineupTokens(spec) {
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

// lineupTokens splits a lineup spec at its commas and seat separators into
// trimmed tokens: seat starts ("kind" or "kind:key=value") and parameters
// continuing the seat before ("key=value"). A SeatSeparator followed by
// something other than a player kind is kept as text, so that a file= path
// containing it still reads as it did before the separator existed.
func lineupTokens(spec string) []string {
	var toks []string
	for _, part := range strings.Split(strings.TrimSpace(spec), ",") {
		pieces := strings.Split(part, SeatSeparator)
		tok := pieces[0]
		for _, p := range pieces[1:] {
			if startsSeat(p) {
				toks = append(toks, strings.TrimSpace(tok))
				tok = p
			} else {
				tok += SeatSeparator + p
			}
		}
		toks = append(toks, strings.TrimSpace(tok))
	}
	return toks
}

// startsSeat reports whether s begins a seat spec: a known player kind,
// alone or followed by ':'.
func startsSeat(s string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(s), ":")
	_, ok := kinds[name]
	return ok
}

// SeatSpecs splits a lineup spec, in the canonical form or with
// SeatSeparator between seats, into one spec per seat given, each with its
// parameters ("mcts:iterations=200,c=50"). It needs no game, so it does not
// repeat a single spec for every seat or check the parameters; ParseLineup
// does.
func SeatSpecs(spec string) []string {
	var seats []string
	for _, tok := range lineupTokens(spec) {
		k, _, isParam := strings.Cut(tok, "=")
		if isParam && !strings.Contains(k, ":") && len(seats) > 0 {
			seats[len(seats)-1] += "," + tok
			continue
		}
		seats = append(seats, tok)
	}
	return seats
}

// DisplayLineup returns spec as simpipe prints it: its seat specs joined
// by SeatSeparator. It reads back as the same lineup.
func DisplayLineup(spec string) string {
	return strings.Join(SeatSpecs(spec), SeatSeparator)
}

// String returns the canonical spec: one entry per seat, every parameter
// spelled out, so that equal lineups compare equal. Seats are separated by
// commas, as DBs and NATS messages store them; print DisplayLineup(String())
// or join Seats with SeatSeparator.
func (l *Lineup) String() string {
	return strings.Join(l.Seats(), ",")
}

// Seats returns the canonical spec of every seat, in seat order.
func (l *Lineup) Seats() []string {
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
	return parts
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
