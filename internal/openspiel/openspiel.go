// Package openspiel reads OpenSpiel playthrough files (the game records in
// shared/conformance/openspiel) and replays them against a simpipe game, so
// that rules tests compare our legal moves, chance weights and results with
// another engine's at every recorded state.
package openspiel

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Record is one state of a playthrough as the file shows it.
type Record struct {
	N int // state number
	// Shown is false for states the generator printed only as "# State N".
	Shown         bool
	Text          []string // the state's ToString() lines, trailing spaces removed
	Terminal      bool
	CurrentPlayer int // -1 chance, -4 terminal
	History       []int
	Legal         []int
	LegalStrings  []string
	Chance        []Outcome // at chance nodes
	Returns       []float64 // nil at chance nodes
}

// Outcome is one chance outcome and its probability.
type Outcome struct {
	Action int
	Prob   float64
}

// Playthrough is a parsed file: the game string, its parameters and, in
// order, each state and the action applied after it.
type Playthrough struct {
	Game    string
	Params  map[string]string
	States  []Record
	Actions []int // Actions[i] is applied to States[i]
}

// ParseFile parses the playthrough at path.
func ParseFile(path string) (*Playthrough, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pt, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pt, nil
}

// Parse reads a playthrough.
func Parse(r io.Reader) (*Playthrough, error) {
	pt := &Playthrough{Params: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var cur *Record
	inText := false
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		fail := func(err error) error { return fmt.Errorf("line %d: %q: %w", line, s, err) }
		switch {
		case strings.HasPrefix(s, "game: "):
			pt.Game = strings.TrimPrefix(s, "game: ")
		case strings.HasPrefix(s, "GetParameters() = {"):
			body := strings.TrimSuffix(strings.TrimPrefix(s, "GetParameters() = {"), "}")
			for _, kv := range splitTop(body) {
				k, v, _ := strings.Cut(kv, "=")
				pt.Params[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		case strings.HasPrefix(s, "# State "):
			n, err := strconv.Atoi(strings.TrimPrefix(s, "# State "))
			if err != nil {
				return nil, fail(err)
			}
			pt.States = append(pt.States, Record{N: n})
			cur = &pt.States[len(pt.States)-1]
			inText = true
		case strings.HasPrefix(s, "# Apply action "):
			inText = false
		case strings.HasPrefix(s, "action: "):
			a, err := strconv.Atoi(strings.TrimPrefix(s, "action: "))
			if err != nil {
				return nil, fail(err)
			}
			pt.Actions = append(pt.Actions, a)
		case cur == nil:
		case inText && strings.HasPrefix(s, "#"):
			cur.Text = append(cur.Text, strings.TrimPrefix(strings.TrimPrefix(s, "#"), " "))
		default:
			inText = false
			k, v, ok := strings.Cut(s, " = ")
			if !ok {
				continue
			}
			cur.Shown = true
			var err error
			switch k {
			case "IsTerminal()":
				cur.Terminal = v == "True"
			case "CurrentPlayer()":
				cur.CurrentPlayer, err = strconv.Atoi(v)
			case "History()":
				cur.History, err = parseInts(v)
			case "LegalActions()":
				cur.Legal, err = parseInts(v)
			case "StringLegalActions()":
				cur.LegalStrings, err = parseStrings(v)
			case "Returns()":
				cur.Returns, err = parseFloats(v)
			case "ChanceOutcomes()":
				cur.Chance, err = parseOutcomes(v)
			}
			if err != nil {
				return nil, fail(err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(pt.States) != len(pt.Actions)+1 {
		return nil, fmt.Errorf("%d states but %d actions", len(pt.States), len(pt.Actions))
	}
	return pt, nil
}

// splitTop splits on commas outside quotes.
func splitTop(s string) []string {
	var out []string
	start, quoted := 0, false
	for i, c := range s {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

func list(v string) ([]string, error) {
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return nil, fmt.Errorf("not a list")
	}
	return splitTop(v[1 : len(v)-1]), nil
}

func parseInts(v string) ([]int, error) {
	items, err := list(v)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(items))
	for i, it := range items {
		if out[i], err = strconv.Atoi(strings.TrimSpace(it)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseFloats(v string) ([]float64, error) {
	items, err := list(v)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(items))
	for i, it := range items {
		if out[i], err = strconv.ParseFloat(strings.TrimSpace(it), 64); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseStrings(v string) ([]string, error) {
	items, err := list(v)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], err = strconv.Unquote(strings.TrimSpace(it)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseOutcomes reads "[(0,0.166667), (1,0.166667)]".
func parseOutcomes(v string) ([]Outcome, error) {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	var out []Outcome
	for _, part := range strings.Split(v, "),") {
		part = strings.Trim(strings.TrimSpace(part), "()")
		if part == "" {
			continue
		}
		a, p, ok := strings.Cut(part, ",")
		if !ok {
			return nil, fmt.Errorf("bad outcome %q", part)
		}
		var o Outcome
		var err error
		if o.Action, err = strconv.Atoi(strings.TrimSpace(a)); err != nil {
			return nil, err
		}
		if o.Prob, err = strconv.ParseFloat(strings.TrimSpace(p), 64); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// File returns the path of the named playthrough in the repository's
// testdata/openspiel (copied unmodified from shared/conformance), found by
// walking up from the working directory to go.mod.
func File(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(dir + "/go.mod"); err == nil {
			return dir + "/testdata/openspiel/" + name, nil
		}
		parent := dir[:strings.LastIndex(dir, "/")]
		if parent == dir || parent == "" {
			return "", fmt.Errorf("openspiel: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Load parses the named playthrough from testdata/openspiel.
func Load(name string) (*Playthrough, error) {
	path, err := File(name)
	if err != nil {
		return nil, err
	}
	return ParseFile(path)
}
