// Command c4bench measures a player against perfect connect-four play: the
// fraction of the yardstick positions (game/connect4/solve) in which it
// picks a value-preserving move, with a Wilson 95 % interval. With
// -generate it makes a new position set instead.
//
//	go run ./internal/c4bench -player 'mcts:iterations=2000'
//	go run ./internal/c4bench -player 'greedy:file=ai.json' -json
//	go run ./internal/c4bench -generate -out game/connect4/solve/testdata/positions.jsonl
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
	"github.com/simpipe/simpipe/game/connect4/solve"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "c4bench:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("c4bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	player := fs.String("player", "", "player spec, one seat (random, greedy:file=ai.json, mcts:iterations=2000, ai:iterations=200,file=ai.json)")
	setFile := fs.String("set", "", "position set (JSON Lines); default: the set built into game/connect4/solve")
	n := fs.Int("n", 0, "measure only the first N positions (0: all)")
	kinds := fs.String("kind", "", `measure only positions of these kinds, comma-separated: "win now", "block", "quiet" (default: all)`)
	seed := fs.Uint64("seed", 1, "seed of the player's RNG: position i gets game.NewRNG(seed, i)")
	workers := fs.Int("workers", 1, "positions measured at once; results do not depend on it")
	asJSON := fs.Bool("json", false, "print the result as JSON, with every choice")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	generate := fs.Bool("generate", false, "generate a position set instead of measuring")
	out := fs.String("out", "", "with -generate: the file to write (default standard output)")
	positions := fs.Int("positions", 400, "with -generate: the number of positions")
	genSeed := fs.Uint64("gen-seed", 1, "with -generate: the seed of the self-play games")
	opening := fs.String("opening", "mcts:iterations=2000", "with -generate: the player of the opening plies")
	noise := fs.Int("noise", 100, "with -generate: chance in thousandths of a random move after the opening (-1: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	progress := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(stderr, format, a...)
		}
	}
	if *generate {
		return runGenerate(*out, *opening, *positions, *genSeed, *noise, progress)
	}
	if *player == "" {
		return fmt.Errorf("-player is required (e.g. -player mcts:iterations=2000)")
	}
	g := connect4.Game{}
	lineup, err := ai.ParseLineup(*player, g)
	if err != nil {
		return err
	}
	// A one-seat spec applies to both seats, so the canonical lineup is
	// that seat twice.
	canon := lineup.String()
	half := (len(canon) - 1) / 2
	if canon[half] != ',' || canon[:half] != canon[half+1:] {
		return fmt.Errorf("-player %q: give one seat's spec, it plays both sides", *player)
	}
	canon = canon[:half]
	entries, err := loadSet(*setFile)
	if err != nil {
		return err
	}
	if *kinds != "" {
		if entries, err = filterKinds(entries, *kinds); err != nil {
			return err
		}
	}
	if *n > 0 && *n < len(entries) {
		entries = entries[:*n]
	}
	start := time.Now()
	acc, err := solve.Measure(entries, solve.MeasureConfig{
		NewPlayer: func() (game.Player, error) {
			ps, err := lineup.Players()
			if err != nil {
				return nil, err
			}
			return ps[0], nil
		},
		Seed:    *seed,
		Workers: *workers,
		Progress: func(done int) {
			if done%20 == 0 || done == len(entries) {
				progress("\r%d/%d positions, %s", done, len(entries), time.Since(start).Round(time.Second))
				if done == len(entries) {
					progress("\n")
				}
			}
		},
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Player string `json:"player"`
			Seed   uint64 `json:"seed"`
			solve.Accuracy
		}{canon, *seed, acc})
	}
	what := "positions"
	if *kinds != "" {
		what = "positions of kind " + *kinds
	}
	fmt.Fprintf(stdout, "%s: value-preserving move in %d of %d %s: %.1f %% (Wilson 95 %%: %.1f-%.1f %%), seed %d\n",
		canon, acc.Hits, acc.Positions, what, 100*acc.Rate, 100*acc.Low, 100*acc.High, *seed)
	for _, gr := range acc.Groups {
		fmt.Fprintf(stdout, "  %-10s %4d/%-4d %5.1f %%  (%.1f-%.1f %%)\n", gr.Name, gr.Hits, gr.Positions, 100*gr.Rate, 100*gr.Low, 100*gr.High)
	}
	return nil
}

// filterKinds keeps the entries whose Kind is in the comma-separated list.
func filterKinds(entries []solve.Entry, list string) ([]solve.Entry, error) {
	want := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k != "win now" && k != "block" && k != "quiet" {
			return nil, fmt.Errorf("-kind: unknown kind %q (win now, block, quiet)", k)
		}
		want[k] = true
	}
	var out []solve.Entry
	for _, e := range entries {
		k, err := e.Kind()
		if err != nil {
			return nil, err
		}
		if want[k] {
			out = append(out, e)
		}
	}
	return out, nil
}

func loadSet(path string) ([]solve.Entry, error) {
	if path == "" {
		return solve.Positions()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return solve.ReadSet(f)
}

func runGenerate(out, opening string, positions int, seed uint64, noise int, progress func(string, ...any)) error {
	g := connect4.Game{}
	lineup, err := ai.ParseLineup(opening, g)
	if err != nil {
		return err
	}
	ps, err := lineup.Players()
	if err != nil {
		return err
	}
	start := time.Now()
	sv := solve.New(0)
	entries, err := solve.Generate(sv, solve.GenConfig{
		Seed: seed, Positions: positions, Opening: ps[0], NoisePermille: noise,
		Progress: func(games, kept int) {
			progress("\r%d games, %d positions, %d solver nodes, %s", games, kept, sv.Nodes(), time.Since(start).Round(time.Second))
		},
	})
	progress("\n")
	if err != nil {
		return err
	}
	w := io.Writer(os.Stdout)
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := solve.WriteSet(w, entries); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && out != "" {
		return f.Close()
	}
	return nil
}
