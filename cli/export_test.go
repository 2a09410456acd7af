package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/internal/testgames"
	"github.com/simpipe/simpipe/store"
)

// exportGame is one game row as the tests read it back, and as they expect
// it from the DB.
type exportGame struct {
	Index     uint64   `json:"index" parquet:"index"`
	Seed      uint64   `json:"seed" parquet:"seed"`
	Status    string   `json:"status" parquet:"status"`
	Completed bool     `json:"completed" parquet:"completed"`
	Length    int64    `json:"length" parquet:"length"`
	Winners   []int64  `json:"winners" parquet:"winners,list"`
	Moves     []string `json:"moves" parquet:"moves,list"`
}

// exportState is one --features row.
type exportState struct {
	Game    uint64
	Ply     int64
	Seat    int64
	Values  []int32
	Outcome *float64
}

func exportRegistry() *game.Registry {
	r := builtin.Registry()
	testgames.Register(r)
	return r
}

// openRun opens a finished run's DB in this process and returns its game.
func openRun(t *testing.T, path string) (*store.DB, *store.Stage, *store.Config, game.Game) {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stage := db.Stage(store.DefaultStage)
	cfg, err := stage.Config()
	if err != nil {
		t.Fatal(err)
	}
	g, err := exportRegistry().New(cfg.Game)
	if err != nil {
		t.Fatal(err)
	}
	return db, stage, cfg, g
}

// entries calls fn with every stored game of the run, in index order.
func entries(t *testing.T, stage *store.Stage, fn func(index uint64, e store.GameEntry)) {
	t.Helper()
	err := stage.Results(func(c *store.Chunk) error {
		for i := range c.Raw {
			fn(c.First+uint64(i), c.Entry(i))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dbGames replays the stored games into the rows an export must hold.
func dbGames(t *testing.T, path string) []exportGame {
	t.Helper()
	_, stage, cfg, g := openRun(t, path)
	var out []exportGame
	entries(t, stage, func(index uint64, e store.GameEntry) {
		r := exportGame{Index: index, Seed: cfg.Seed, Status: e.Status.String(), Completed: e.Status == store.Completed,
			Length: int64(len(e.Moves)), Winners: []int64{}, Moves: []string{}}
		for _, s := range e.Winners.List() {
			r.Winners = append(r.Winners, int64(s))
		}
		st := g.NewState()
		for _, m := range e.Moves {
			r.Moves = append(r.Moves, st.MoveString(m))
			st.Apply(m)
		}
		out = append(out, r)
	})
	return out
}

// dbStates computes the feature rows an export must hold the way the
// trainer does (features.Generate, Compile, Set.Values on the mover's view),
// with the outcome as the trainer scores it.
func dbStates(t *testing.T, path string) ([]string, []exportState) {
	t.Helper()
	_, stage, _, g := openRun(t, path)
	fs := features.Generate(g)
	set, err := features.Compile(g, fs)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	var out []exportState
	entries(t, stage, func(index uint64, e store.GameEntry) {
		if e.Status == store.Failed {
			return
		}
		st := g.NewState()
		for ply, m := range e.Moves {
			if seat := st.ToMove(); seat != game.Chance {
				view := st
				if h, ok := st.(game.HiddenState); ok {
					view = h.View(seat)
				}
				r := exportState{Game: index, Ply: int64(ply), Seat: int64(seat), Values: set.Values(view, seat, nil)}
				if e.Status == store.Completed {
					o := 0.0
					switch w := e.Winners; {
					case w == 0 || (w.Has(seat) && w.Len() > 1):
						o = 0.5
					case w.Has(seat):
						o = 1
					}
					r.Outcome = &o
				}
				out = append(out, r)
			}
			st.Apply(m)
		}
	})
	return names, out
}

// runGames plays a small run into a new DB and returns its path.
func runGames(t *testing.T, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "run.db")
	r := simpipe(t, nil, append([]string{"run", "--db", db, "--progress", "none"}, args...)...)
	if r.code != 0 && r.code != exitGamesFailed {
		t.Fatalf("run %v: exit %d: %s", args, r.code, r.stderr)
	}
	return db
}

// exportTo runs simpipe export into a file and returns its path.
func exportTo(t *testing.T, db, format string, extra ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out."+format)
	r := simpipe(t, nil, append([]string{"export", db, "--format", format, "-o", out}, extra...)...)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("export %s: exit %d, stdout %q, stderr %s", format, r.code, r.stdout, r.stderr)
	}
	checkMode(t, out)
	return out
}

func readGames(t *testing.T, format, path string) []exportGame {
	t.Helper()
	var out []exportGame
	switch format {
	case "jsonl":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var g exportGame
			dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&g); err != nil {
				t.Fatalf("line %d: %v: %s", len(out)+1, err, sc.Text())
			}
			out = append(out, g)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	case "csv":
		recs := readCSV(t, path)
		if want := []string{"index", "seed", "status", "completed", "length", "winners", "moves"}; !reflect.DeepEqual(recs[0], want) {
			t.Fatalf("header %q, want %q", recs[0], want)
		}
		for _, rec := range recs[1:] {
			var g exportGame
			g.Index = mustUint(t, rec[0])
			g.Seed = mustUint(t, rec[1])
			g.Status = rec[2]
			g.Completed = rec[3] == "true"
			g.Length = int64(mustUint(t, rec[4]))
			if err := json.Unmarshal([]byte(rec[5]), &g.Winners); err != nil {
				t.Fatalf("winners %q: %v", rec[5], err)
			}
			if err := json.Unmarshal([]byte(rec[6]), &g.Moves); err != nil {
				t.Fatalf("moves %q: %v", rec[6], err)
			}
			out = append(out, g)
		}
	case "parquet":
		rows, err := parquet.ReadFile[exportGame](path)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range rows {
			// A LIST column reads back as nil when empty.
			if g.Winners == nil {
				g.Winners = []int64{}
			}
			if g.Moves == nil {
				g.Moves = []string{}
			}
			out = append(out, g)
		}
	}
	return out
}

func readStates(t *testing.T, format, path string, names []string) []exportState {
	t.Helper()
	cols := append(append([]string{"game", "ply", "seat"}, names...), "outcome")
	var out []exportState
	switch format {
	case "jsonl":
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			dec := json.NewDecoder(strings.NewReader(line))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if len(m) != len(cols) {
				t.Fatalf("line %d has %d keys, want %d", i+1, len(m), len(cols))
			}
			rec := make([]string, len(cols))
			for j, c := range cols {
				switch v := m[c].(type) {
				case json.Number:
					rec[j] = v.String()
				case nil:
				default:
					t.Fatalf("line %d: %s is %T", i+1, c, v)
				}
			}
			out = append(out, stateFromStrings(t, rec))
		}
	case "csv":
		recs := readCSV(t, path)
		if !reflect.DeepEqual(recs[0], cols) {
			t.Fatalf("header %q, want %q", recs[0], cols)
		}
		for _, rec := range recs[1:] {
			out = append(out, stateFromStrings(t, rec))
		}
	case "parquet":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := parquet.NewReader(f)
		defer r.Close()
		var got []string
		for _, fl := range r.Schema().Fields() {
			got = append(got, fl.Name())
		}
		if !reflect.DeepEqual(got, cols) {
			t.Fatalf("columns %q, want %q", got, cols)
		}
		rows := make([]parquet.Row, 100)
		for {
			n, err := r.ReadRows(rows)
			for _, row := range rows[:n] {
				s := exportState{Game: uint64(row[0].Int64()), Ply: row[1].Int64(), Seat: row[2].Int64()}
				for _, v := range row[3 : len(row)-1] {
					s.Values = append(s.Values, v.Int32())
				}
				if o := row[len(row)-1]; !o.IsNull() {
					x := o.Double()
					s.Outcome = &x
				}
				out = append(out, s)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func stateFromStrings(t *testing.T, rec []string) exportState {
	t.Helper()
	s := exportState{Game: mustUint(t, rec[0]), Ply: int64(mustUint(t, rec[1])), Seat: int64(mustUint(t, rec[2]))}
	for _, v := range rec[3 : len(rec)-1] {
		x, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		s.Values = append(s.Values, int32(x))
	}
	if o := rec[len(rec)-1]; o != "" {
		x, err := strconv.ParseFloat(o, 64)
		if err != nil {
			t.Fatal(err)
		}
		s.Outcome = &x
	}
	return s
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("csv: %v (%d records)", err, len(recs))
	}
	return recs
}

func mustUint(t *testing.T, s string) uint64 {
	t.Helper()
	x, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestExportGames exports small runs of a board game, a long board game, a
// hidden-information game with chance and a game with failures to every
// format, and compares each row with the game replayed from the DB.
func TestExportGames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
	}{
		{"TicTacToe", []string{"--game", "tictactoe", "--games", "300", "--chunk", "7"}},
		{"Connect4", []string{"--game", "connect4", "--games", "200", "--seed", "5", "--max-actions", "30"}},
		{"GoFish3", []string{"--game", "gofish:players=3", "--games", "50"}},
		{"Failures", []string{"--game", "test-panicky", "--games", "300", "--chunk", "20", "--retries", "0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := runGames(t, tc.args...)
			want := dbGames(t, db)
			statuses := map[string]int{}
			for _, g := range want {
				statuses[g.Status]++
			}
			switch tc.name {
			case "Connect4":
				if statuses["incomplete"] == 0 || statuses["completed"] == 0 {
					t.Fatalf("want completed and incomplete games: %v", statuses)
				}
			case "Failures":
				if statuses["failed"] == 0 {
					t.Fatalf("want failed games: %v", statuses)
				}
			}
			for _, format := range []string{"jsonl", "csv", "parquet"} {
				got := readGames(t, format, exportTo(t, db, format))
				if len(got) != len(want) {
					t.Fatalf("%s: %d rows, want %d", format, len(got), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("%s: row %d:\n got %+v\nwant %+v", format, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// TestExportFeatures checks that --features writes one row per non-chance
// decision of every completed or incomplete game, with the values the
// trainer computes for it.
func TestExportFeatures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, format string
		args         []string
	}{
		{"TicTacToeCSV", "csv", []string{"--game", "tictactoe", "--games", "300"}},
		{"GoFish3JSONL", "jsonl", []string{"--game", "gofish:players=3", "--games", "50"}},
		{"Connect4Parquet", "parquet", []string{"--game", "connect4", "--games", "200", "--max-actions", "30"}},
		{"PigParquet", "parquet", []string{"--game", "pig", "--games", "30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := runGames(t, tc.args...)
			names, want := dbStates(t, db)
			got := readStates(t, tc.format, exportTo(t, db, tc.format, "--features"), names)
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			nulls := 0
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("row %d:\n got %+v\nwant %+v", i, fmtState(got[i]), fmtState(want[i]))
				}
				if want[i].Outcome == nil {
					nulls++
				}
			}
			if tc.name == "Connect4Parquet" && nulls == 0 {
				t.Fatal("no incomplete game in the features")
			}
		})
	}
}

func fmtState(s exportState) string {
	o := "null"
	if s.Outcome != nil {
		o = fmt.Sprint(*s.Outcome)
	}
	return fmt.Sprintf("{game %d ply %d seat %d values %v outcome %s}", s.Game, s.Ply, s.Seat, s.Values, o)
}

// TestExportStdout checks that JSONL goes to standard output by default.
func TestExportStdout(t *testing.T) {
	t.Parallel()
	db := runGames(t, "--game", "tictactoe", "--games", "40")
	r := simpipe(t, nil, "export", db, "--format", "jsonl")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 40 || !strings.HasPrefix(r.stdout, `{"index":0,`) {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
}

// TestExportRefusals checks the one-line errors and exit code 2 for bad
// input, and that a failed export leaves no output file.
func TestExportRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := runGames(t, "--game", "tictactoe", "--games", "20")
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a db "), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"MissingFile", []string{"export", filepath.Join(dir, "nope.db"), "--format", "csv"}, "does not exist"},
		{"NotADB", []string{"export", junk, "--format", "csv"}, "not a simpipe"},
		{"NoStage", []string{"export", db, "--format", "csv", "--stage", "train-001"}, "stage"},
		{"BadFormat", []string{"export", db, "--format", "xml"}, "format"},
		{"NoDir", []string{"export", db, "--format", "csv", "-o", filepath.Join(dir, "nodir", "x.csv")}, "cannot write"},
		{"OutIsDir", []string{"export", db, "--format", "parquet", "-o", dir}, "is a directory"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"ReadOnlyDir", []string{"export", db, "--format", "jsonl", "-o", filepath.Join(ro, "x.jsonl")}, "permission denied"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := simpipe(t, nil, tc.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and one line with %q", r.code, r.stderr, tc.want)
			}
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("files left in %s: %v", dir, ents)
	}
}

// TestExportLiveDB checks that exporting a DB a run is writing fails at once
// with a one-line error and exit code 2.
func TestExportLiveDB(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "live.db")
	startLiveRun(t, db, "run", "--db", db, "--game", "connect4", "--games", "50000000", "--workers", "1", "--progress", "none")
	out := filepath.Join(t.TempDir(), "live.jsonl")
	start := time.Now()
	r := simpipe(t, nil, "export", db, "--format", "jsonl", "-o", out)
	if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "the run is live") || r.stdout != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("refused after %s", el)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output written for a live DB: %v", err)
	}
}
