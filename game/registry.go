package game

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrUnknownGame is matched (errors.Is) by the UnknownGameError that
// Registry.New returns for a name nobody registered.
var ErrUnknownGame = errors.New("unknown game")

// UnknownGameError is returned by Registry.New for a name nobody
// registered.
type UnknownGameError struct{ Name string }

func (e *UnknownGameError) Error() string { return fmt.Sprintf("%v %q", ErrUnknownGame, e.Name) }

// Is reports whether target is ErrUnknownGame.
func (e *UnknownGameError) Is(target error) bool { return target == ErrUnknownGame }

// ErrBadSpec is returned by Registry.New for a malformed spec or parameter.
var ErrBadSpec = errors.New("bad game spec")

// Param declares one integer parameter of a game.
type Param struct {
	Name    string
	Doc     string
	Default int
	Min     int
	Max     int
}

// Params holds a game's parameter values by name, every declared parameter
// present.
type Params map[string]int

// Def is a registered game: its name, its parameters and its constructor.
type Def struct {
	Name   string
	Doc    string
	Params []Param
	// New builds the game from validated parameters.
	New func(p Params) (Game, error)
}

// Canonical returns the canonical spec for p: name, then every parameter in
// declaration order.
func (d Def) Canonical(p Params) string {
	if len(d.Params) == 0 {
		return d.Name
	}
	var b strings.Builder
	b.WriteString(d.Name)
	for i, prm := range d.Params {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%d", prm.Name, p[prm.Name])
	}
	return b.String()
}

// Registry maps game names to definitions. The zero value is empty and ready
// to use; it is not safe for concurrent registration.
type Registry struct {
	defs      map[string]Def
	resolvers map[string]Resolver
}

// Resolver builds the games whose spec starts with a prefix and a colon,
// such as "exec:NAME:key=value" for game processes (game/gameproc): games
// that are found when asked for rather than registered one by one.
type Resolver interface {
	// New builds the game of spec without its prefix ("NAME:key=value").
	New(spec string) (Game, error)
}

// Resolve makes r hand the specs "prefix:..." to res. It panics when the
// prefix is a registered name or already resolved, a wiring error.
func (r *Registry) Resolve(prefix string, res Resolver) {
	if _, dup := r.defs[prefix]; dup {
		panic(fmt.Sprintf("game: resolver prefix %q is a registered game", prefix))
	}
	if _, dup := r.resolvers[prefix]; dup {
		panic(fmt.Sprintf("game: resolver prefix %q set twice", prefix))
	}
	if r.resolvers == nil {
		r.resolvers = make(map[string]Resolver)
	}
	r.resolvers[prefix] = res
}

// Resolver returns the resolver of prefix, or nil.
func (r *Registry) Resolver(prefix string) Resolver { return r.resolvers[prefix] }

// Register adds d. It returns an error when the name is empty or taken.
func (r *Registry) Register(d Def) error {
	if d.Name == "" || strings.ContainsAny(d.Name, ":,= ") {
		return fmt.Errorf("game: invalid name %q", d.Name)
	}
	_, resolved := r.resolvers[d.Name]
	if _, dup := r.defs[d.Name]; dup || resolved {
		return fmt.Errorf("game: %q registered twice", d.Name)
	}
	if r.defs == nil {
		r.defs = make(map[string]Def)
	}
	r.defs[d.Name] = d
	return nil
}

// MustRegister is Register that panics on error, for wiring at start-up.
func (r *Registry) MustRegister(d Def) {
	if err := r.Register(d); err != nil {
		panic(err)
	}
}

// Defs returns the definitions sorted by name.
func (r *Registry) Defs() []Def {
	out := make([]Def, 0, len(r.defs))
	for _, d := range r.defs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// New parses spec ("name" or "name:key=value,key=value") and builds the game.
// Parameters not given take their defaults; "true" and "false" stand for 1
// and 0.
func (r *Registry) New(spec string) (Game, error) {
	name, args, _ := strings.Cut(strings.TrimSpace(spec), ":")
	if res, ok := r.resolvers[name]; ok {
		return res.New(args)
	}
	d, ok := r.defs[name]
	if !ok {
		return nil, &UnknownGameError{Name: name}
	}
	p := make(Params, len(d.Params))
	for _, prm := range d.Params {
		p[prm.Name] = prm.Default
	}
	if args != "" {
		for _, kv := range strings.Split(args, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, fmt.Errorf("%w %q: %q is not key=value", ErrBadSpec, spec, kv)
			}
			prm, found := d.param(k)
			if !found {
				return nil, fmt.Errorf("%w %q: %s has no parameter %q", ErrBadSpec, spec, name, k)
			}
			n, err := parseParam(v)
			if err != nil {
				return nil, fmt.Errorf("%w %q: %s=%q is not an integer", ErrBadSpec, spec, k, v)
			}
			if n < prm.Min || n > prm.Max {
				return nil, fmt.Errorf("%w %q: %s=%d is outside %d..%d", ErrBadSpec, spec, k, n, prm.Min, prm.Max)
			}
			p[k] = n
		}
	}
	g, err := d.New(p)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadSpec, spec, err)
	}
	return g, nil
}

func (d Def) param(name string) (Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func parseParam(v string) (int, error) {
	switch v {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	return strconv.Atoi(v)
}
