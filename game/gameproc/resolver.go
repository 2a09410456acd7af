package gameproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/simpipe/simpipe/game"
)

// Prefix is the spec prefix of game processes: "exec:NAME[:key=value,...]".
const Prefix = "exec"

// PathPrefix is the prefix of game programs found on PATH: NAME is played by
// the program simpipe-game-NAME.
const PathPrefix = "simpipe-game-"

// DefaultTimeout is how long a game process may take to answer one request
// before it is killed. Defaults to 10 seconds; an Entry's Timeout overrides it.
const DefaultTimeout = 10 * time.Second

// Entry declares a game process in a games file.
type Entry struct {
	// Command is the program and its arguments. A relative program path
	// is taken relative to Dir.
	Command []string `json:"command"`
	// Dir is the working directory, relative to the games file's
	// directory. Defaults to that directory.
	Dir string `json:"dir,omitempty"`
	// Env holds variables added to simpipe's environment.
	Env map[string]string `json:"env,omitempty"`
	// Timeout is the longest wait for one reply, a Go duration ("10s").
	Timeout string `json:"timeout,omitempty"`
}

func (e Entry) timeout() time.Duration {
	if d, err := time.ParseDuration(e.Timeout); err == nil && d > 0 {
		return d
	}
	return DefaultTimeout
}

func (e Entry) key() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// GamesFile is the layout of a games file:
//
//	{"games": {"connect4-py": {"command": ["python3", "connect4.py"], "dir": "examples/connect4-py"}}}
type GamesFile struct {
	Games map[string]Entry `json:"games"`
}

// gamesFile is the path set by SetGamesFile.
var gamesFile struct {
	mu   sync.Mutex
	path string
}

// SetGamesFile sets the games file that "exec:" specs read (simpipe's
// --games-file). Without it, $SIMPIPE_GAMES_FILE, then
// $XDG_CONFIG_HOME/simpipe/games.json (~/.config/simpipe/games.json) is read,
// if present.
func SetGamesFile(path string) {
	gamesFile.mu.Lock()
	gamesFile.path = path
	gamesFile.mu.Unlock()
}

// GamesFilePath returns the games file "exec:" specs read and whether it was
// named explicitly (a named file must exist).
func GamesFilePath() (path string, explicit bool) {
	gamesFile.mu.Lock()
	path = gamesFile.path
	gamesFile.mu.Unlock()
	if path != "" {
		return path, true
	}
	if p := os.Getenv("SIMPIPE_GAMES_FILE"); p != "" {
		return p, true
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "simpipe", "games.json"), false
	}
	return "", false
}

// readGamesFile reads the games file, resolving each entry's Dir.
func readGamesFile() (map[string]Entry, error) {
	path, explicit := GamesFilePath()
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("gameproc: games file: %w", err)
	}
	var f GamesFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("gameproc: games file %s: %w", path, err)
	}
	base, _ := filepath.Abs(filepath.Dir(path))
	for name, e := range f.Games {
		if !filepath.IsAbs(e.Dir) {
			e.Dir = filepath.Join(base, e.Dir)
		}
		f.Games[name] = e
	}
	return f.Games, nil
}

// lookup finds NAME in the games file, then on PATH.
func lookup(name string) (Entry, error) {
	games, err := readGamesFile()
	if err != nil {
		return Entry{}, err
	}
	if e, ok := games[name]; ok {
		return e, nil
	}
	if p, err := exec.LookPath(PathPrefix + name); err == nil {
		return Entry{Command: []string{p}}, nil
	}
	path, _ := GamesFilePath()
	return Entry{}, &game.UnknownGameError{Name: fmt.Sprintf("%s:%s (not in the games file %s, no %s%s on PATH)", Prefix, name, path, PathPrefix, name)}
}

// Resolver resolves "exec:" specs; Register installs it in a registry.
type Resolver struct {
	mu    sync.Mutex
	descs map[string]*hello // by Entry key: the hello of its first process
	games map[string]*Game  // by Entry key and canonical spec
}

var shared = &Resolver{}

// Register makes reg play "exec:NAME[:params]" specs through game processes.
func Register(reg *game.Registry) { reg.Resolve(Prefix, shared) }

// New builds the game of spec, "NAME" or "NAME:key=value,...": it starts the
// process once to read its parameters and description (both are cached for
// the life of simpipe), and keeps that process for the first state.
func (r *Resolver) New(spec string) (game.Game, error) {
	name, _, _ := strings.Cut(spec, ":")
	e, err := lookup(name)
	if err != nil {
		return nil, err
	}
	key := e.key()
	r.mu.Lock()
	h := r.descs[key]
	r.mu.Unlock()
	var first *proc
	if h == nil {
		if first, h, err = start(Prefix+":"+name, e); err != nil {
			return nil, err
		}
		r.mu.Lock()
		if r.descs == nil {
			r.descs, r.games = map[string]*hello{}, map[string]*Game{}
		}
		r.descs[key] = h
		r.mu.Unlock()
	}
	def := game.Def{Name: name, Doc: h.Doc}
	for _, p := range h.Params {
		def.Params = append(def.Params, game.Param(p))
	}
	used := false
	def.New = func(params game.Params) (game.Game, error) {
		canon := Prefix + ":" + def.Canonical(params)
		r.mu.Lock()
		g := r.games[key+canon]
		r.mu.Unlock()
		if g != nil {
			return g, nil
		}
		g = &Game{spec: canon, entry: e, params: params}
		p := first
		used = first != nil
		if err := g.init(p); err != nil {
			return nil, err
		}
		r.mu.Lock()
		if old := r.games[key+canon]; old != nil {
			g = old
		} else {
			r.games[key+canon] = g
		}
		r.mu.Unlock()
		return g, nil
	}
	var one game.Registry
	one.MustRegister(def)
	g, err := one.New(spec)
	if first != nil && !used {
		first.kill()
	}
	return g, err
}

// Listing is one game process as `simpipe games` shows it.
type Listing struct {
	Name    string
	Doc     string
	Params  []game.Param
	Command []string
	Err     error // the process could not be started or described
}

// List returns the games of the games file and of PATH, each described by
// its process, sorted by name.
func (r *Resolver) List() []Listing {
	names := map[string]bool{}
	games, err := readGamesFile()
	var out []Listing
	if err != nil {
		out = append(out, Listing{Name: "(games file)", Err: err})
	}
	for n := range games {
		names[n] = true
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		ents, _ := os.ReadDir(dir)
		for _, f := range ents {
			if n, ok := strings.CutPrefix(f.Name(), PathPrefix); ok && n != "" {
				names[n] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		l := Listing{Name: n}
		g, err := r.New(n)
		if e, lerr := lookup(n); lerr == nil {
			l.Command = e.Command
		}
		if err != nil {
			l.Err = err
		} else {
			gg := g.(*Game)
			r.mu.Lock()
			h := r.descs[gg.entry.key()]
			r.mu.Unlock()
			l.Doc = h.Doc
			for _, p := range h.Params {
				l.Params = append(l.Params, game.Param(p))
			}
		}
		out = append(out, l)
	}
	return out
}

// Shared returns the resolver Register installs.
func Shared() *Resolver { return shared }
