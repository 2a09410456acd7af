package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/internal/chromiumtest"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
	"github.com/simpipe/simpipe/train"
)

func ptr[T any](v T) *T { return &v }

// fixture is a DB shared by the tests: a 'run' stage played in three
// rounds a second apart (so it logs several progress points), two training
// iterations and one evaluation. It is built once, by TestMain.
var fixture string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "report-test")
	if err != nil {
		panic(err)
	}
	fixture = filepath.Join(dir, "fixture.db")
	if err := buildFixture(fixture); err != nil {
		fmt.Fprintln(os.Stderr, "building the test DB:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildFixture(path string) error {
	db, err := store.Open(path, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	g, err := builtin.Registry().New("tictactoe")
	if err != nil {
		return err
	}
	ctx := context.Background()
	stage := db.Stage(store.DefaultStage)
	for round, games := range []uint64{3000, 9000, 12000} {
		if round > 0 {
			time.Sleep(1050 * time.Millisecond) // progress is logged at most once a second
		}
		s := pipeline.Settings{Game: g, Games: &games, Chunk: ptr(100), Seed: ptr[uint64](3)}
		def, err := pipeline.Prepare(stage, nil, s)
		if err != nil {
			return err
		}
		if err := pipeline.Run(ctx, stage, def, pipeline.Options{Workers: 2}); err != nil {
			return err
		}
	}
	_, err = train.Run(ctx, db, g, train.Settings{Game: "tictactoe", Iterations: 2, GamesPerIteration: 300,
		Players: "random", Guided: "greedy", Seed: 1, MaxSamples: 5000, TopFeatures: 8, Window: 1, SkipPlies: 0,
		Model: train.ModelLinear},
		train.Options{Workers: 2})
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	_, err = eval.Run(ctx, db, eval.Config{Game: g, Candidate: "random", Opponent: "random", Seed: 5,
		Games: 400, Workers: 2}, nil)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return nil
}

// render gathers and renders the report of the DB at path.
func render(t *testing.T, path string, opts Options) (*Data, string) {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := Gather(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	return d, buf.String()
}

// checkPage parses the page strictly as XML (the template writes XHTML-
// compatible markup) and checks it references nothing on the network.
func checkPage(t *testing.T, page string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col := dec.InputPos()
			lines := strings.Split(page, "\n")
			t.Fatalf("page does not parse at %d:%d: %v\n%s", line, col, err, lines[min(line, len(lines))-1])
		}
	}
	rest := strings.NewReplacer(`xmlns="http://www.w3.org/2000/svg"`, "", `xmlns:xlink="http://www.w3.org/1999/xlink"`, "").Replace(page)
	for _, scheme := range []string{"http://", "https://", "src=", "@import"} {
		if i := strings.Index(rest, scheme); i >= 0 {
			t.Errorf("page references %q: …%s…", scheme, rest[max(0, i-60):min(len(rest), i+60)])
		}
	}
}

var svgRE = regexp.MustCompile(`(?s)<svg.*?</svg>`)

// dataMarks counts the elements of an SVG drawn in a data colour.
func dataMarks(svg string) int {
	n := 0
	for _, el := range regexp.MustCompile(`<(path|circle|rect)[^>]*>`).FindAllString(svg, -1) {
		for _, c := range Palette {
			if strings.Contains(el, fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B)) {
				n++
				break
			}
		}
	}
	return n
}

// figureSVGs returns the SVG of each figure in the page, by title; a figure
// with a note maps to "".
func figureSVGs(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	figs := strings.Split(page, "<figure>")[1:]
	for _, f := range figs {
		f = f[:strings.Index(f, "</figure>")]
		title := f[strings.Index(f, "<h3>")+4 : strings.Index(f, "</h3>")]
		svgs := svgRE.FindAllString(f, -1)
		switch {
		case len(svgs) == 1:
			out[title] += svgs[0]
		case len(svgs) == 0 && strings.Contains(f, `class="note"`):
			out[title] += ""
		default:
			t.Fatalf("figure %q holds %d SVGs", title, len(svgs))
		}
	}
	return out
}

func TestRunStageReport(t *testing.T) {
	d, page := render(t, fixture, Options{Stage: store.DefaultStage, Version: "test"})
	checkPage(t, page)
	if n := strings.Count(page, "<svg"); n != 3 {
		t.Fatalf("%d <svg> elements, want 3 (rate, lengths, outcomes)", n)
	}
	sd := d.Sections[0]
	if len(d.Sections) != 1 || sd.Name != "run" || sd.Config.Games != 12000 || d.Training != nil || len(d.Evals) != 0 {
		t.Fatalf("sections %+v, training %v, evals %d", d.Sections, d.Training, len(d.Evals))
	}
	// The plotted data agree with the stage's aggregate.
	var games, sum uint64
	for n, c := range sd.Lengths {
		games += c
		sum += uint64(n) * c
	}
	if games != sd.Agg.GamesDone || sum != sd.Agg.LengthSum || len(sd.Progress) < 3 {
		t.Errorf("lengths count %d games of %d actions, aggregate %+v; %d progress points", games, sum, sd.Agg, len(sd.Progress))
	}
	svgs := figureSVGs(t, page)
	// Rate: a line; lengths: tic-tac-toe lasts 5 to 9 moves; outcomes: two
	// seats, draws, incomplete.
	for title, want := range map[string]int{"Games per second": 1, "Game length": 5, "Outcomes": 4} {
		if got := dataMarks(svgs[title]); got < want {
			t.Errorf("%s: %d data marks, want %d or more", title, got, want)
		}
	}
	for _, s := range []string{sd.Digest, "tictactoe", "random&#43;random", "12000", "Written by simpipe test"} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func TestTrainingAndEvalReport(t *testing.T) {
	d, page := render(t, fixture, Options{})
	checkPage(t, page)
	if len(d.Sections) != 4 || d.Training == nil || len(d.Training.Iterations) != 2 || len(d.Evals) != 1 {
		t.Fatalf("%d sections, training %+v, %d evals", len(d.Sections), d.Training, len(d.Evals))
	}
	if d.Training.AnalysisIteration != 2 || d.Training.Iterations[1].Model == nil {
		t.Fatalf("training %+v", d.Training)
	}
	svgs := figureSVGs(t, page)
	// Three training plots (strength, a note without a yardstick), one
	// evaluation plot, three per stage; a stage played in under a second
	// has a single progress point, so its rate plot is a note.
	if n, notes := strings.Count(page, "<svg"), strings.Count(page, `<p class="note">No data`); n+notes != 3+1+3*4 {
		t.Fatalf("%d SVGs and %d notes, want %d plots", n, notes, 3+1+3*4)
	}
	if svgs["Strength per iteration"] != "" || !strings.Contains(page, "No data: no iteration has been measured against a yardstick") {
		t.Error("a training without a yardstick has a strength figure")
	}
	r := d.Evals[0].Eval
	if r.Games != 400 || r.Score <= r.WilsonLow || r.Score >= r.WilsonHigh {
		t.Fatalf("evaluation %+v", r)
	}
	for title, want := range map[string]int{"Feature correlations, iteration 2": 8, "Fit log loss by iteration": 4, "Evaluation scores": 2} {
		if got := dataMarks(svgs[title]); got < want {
			t.Errorf("%s: %d data marks, want %d or more", title, got, want)
		}
	}
	for _, s := range []string{"train-001", "train-002", r.Stage, "Training settings", `&#34;games_per_iteration&#34;: 300`} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// TestStrengthPerIteration reports a small n-tuple training of tic-tac-toe
// measured against a yardstick: the strength figure has a point and an
// interval per iteration, its caption names the yardstick, the training
// table shows each stored score and interval, and the loss figure plots the
// n-tuple learning's losses.
func TestStrengthPerIteration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "yardstick.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := builtin.Registry().New("tictactoe")
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	const iterations = 3
	_, err = train.Run(context.Background(), db, g, train.Settings{Game: "tictactoe", Iterations: iterations,
		GamesPerIteration: 300, Seed: 2, MaxActions: 100, NTupleWeights: 2000, Lambda: 0.5, Model: train.ModelNTuple,
		Yardstick: "mcts:iterations=20", YardstickGames: 60, YardstickPlayer: "greedy"}, train.Options{Workers: 2})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	d, page := render(t, path, Options{})
	checkPage(t, page)
	svgs := figureSVGs(t, page)
	strength := svgs["Strength per iteration"]
	// A point and an error bar per iteration.
	if got := dataMarks(strength); got < 2*iterations {
		t.Errorf("strength figure: %d data marks, want %d or more", got, 2*iterations)
	}
	for _, s := range []string{"played as greedy, against the yardstick mcts:iterations=20 over 60 games"} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	for _, it := range d.Training.Iterations {
		r := it.Yardstick
		if r == nil || r.Games != 60 || r.Candidate != fmt.Sprintf("greedy:file=iteration-%d", it.K) {
			t.Fatalf("iteration %d: yardstick %+v", it.K, r)
		}
		for _, s := range []string{fmt.Sprintf(">%.3f</a>", r.Score), fmt.Sprintf("%.3f – %.3f", r.WilsonLow, r.WilsonHigh)} {
			if !strings.Contains(page, s) {
				t.Errorf("iteration %d: page lacks %q", it.K, s)
			}
		}
	}
	// The yardstick evaluations are listed, and plotted only per iteration.
	if svgs["Evaluation scores"] != "" || len(d.Evals) != iterations ||
		!strings.Contains(page, "No data: every evaluation here measures a training iteration against its yardstick") {
		t.Errorf("evaluations: %d, figure %.200q", len(d.Evals), svgs["Evaluation scores"])
	}
	// The loss figure: two lines and their points for the n-tuple
	// learning; no feature analysis.
	if got := dataMarks(svgs["Fit log loss by iteration"]); got < 2+2*iterations {
		t.Errorf("loss figure: %d data marks, want %d or more", got, 2+2*iterations)
	}
	for _, s := range []string{"TD(λ) learning of each iteration", "No data: n-tuple networks are learned without a feature analysis", "n-tuple, "} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func TestNoData(t *testing.T) {
	t.Run("EmptyDB", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "empty.db")
		db, err := store.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		d, page := render(t, path, Options{})
		checkPage(t, page)
		if len(d.Sections) != 1 || d.Sections[0].Config != nil || strings.Contains(page, "<svg") ||
			!strings.Contains(page, "No data: the stage holds no run yet") {
			t.Fatalf("empty DB: %+v\n%s", d.Sections, page)
		}
	})
	t.Run("UnplayedStage", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		db, err := store.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, err := builtin.Registry().New("connect4")
		if err != nil {
			t.Fatal(err)
		}
		_, err = pipeline.Prepare(db.Stage("run"), nil, pipeline.Settings{Game: g, Games: ptr[uint64](100)})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, page := render(t, path, Options{})
		checkPage(t, page)
		if strings.Contains(page, "<svg") || strings.Count(page, `<p class="note">No data`) != 3 {
			t.Fatalf("unplayed stage: %s", page)
		}
	})
	t.Run("UnknownStage", func(t *testing.T) {
		db, err := store.Open(fixture, &store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := Gather(db, Options{Stage: "nope"}); !errors.Is(err, ErrNoStage) {
			t.Fatalf("got %v, want ErrNoStage", err)
		}
	})
}

func TestRateFigureLongRun(t *testing.T) {
	// A day of points, one a second, at 1000 games/s with an hour's pause.
	var pts []store.ProgressPoint
	var games uint64
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for s := range 86400 {
		if s < 3600 || s >= 7200 {
			games += 1000
		}
		pts = append(pts, store.ProgressPoint{UnixNano: t0 + int64(s)*1e9, Games: games})
	}
	fig, err := rateFigure(&StageData{Progress: pts})
	if err != nil {
		t.Fatal(err)
	}
	if fig.Note != "" || !strings.Contains(fig.Caption, "86400 points") || !strings.Contains(string(fig.SVG), "(h)") {
		t.Fatalf("figure: note %q, caption %q", fig.Note, fig.Caption)
	}
	// Steps are merged to at most maxRateSteps intervals (two points each).
	if n := dataMarks(string(fig.SVG)); n == 0 || len(fig.SVG) > 200_000 {
		t.Errorf("%d data marks, %d bytes", n, len(fig.SVG))
	}
}

// needChromium returns Chromium's path, or skips the test (see
// chromiumtest.Need).
func needChromium(t *testing.T) string { t.Helper(); return chromiumtest.Need(t) }

// headless runs headless Chromium on the page with the extra arguments and
// returns its standard output.
func headless(t *testing.T, chromium, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,2000"}, args...)
	cmd := exec.CommandContext(ctx, chromium, append(args, "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args[len(args)-1], err, stderr.String())
	}
	return stdout.Bytes()
}

// TestScreenshot opens a report in headless Chromium and checks what it
// rendered: the DOM holds the page's title, the run stage's count of games
// done and its game-length plot with its bars, and the screenshot is not
// blank (its brightness varies, and the plots' data colours cover part of
// it). Set SIMPIPE_REPORT_DIR to keep the page and the screenshot there.
func TestScreenshot(t *testing.T) {
	chromium := needChromium(t)
	dir := os.Getenv("SIMPIPE_REPORT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	_, page := render(t, fixture, Options{Version: "test"})
	htmlPath := filepath.Join(dir, "report.html")
	if err := os.WriteFile(htmlPath, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := string(headless(t, chromium, htmlPath, "--dump-dom"))
	if want := "<title>simpipe report: " + fixture + "</title>"; !strings.Contains(dom, want) {
		t.Fatalf("the DOM lacks %q:\n%.3000s", want, dom)
	}
	i := strings.Index(dom, `<section id="stage-run">`)
	if i < 0 {
		t.Fatalf("the DOM has no run stage section:\n%.3000s", dom)
	}
	run := dom[i:]
	run = run[:strings.Index(run, "</section>")]
	if !regexp.MustCompile(`<th>games done</th>\s*<td class="num">12000</td>`).MatchString(run) {
		t.Errorf("the run stage's section does not show 12000 games done:\n%.3000s", run)
	}
	// Tic-tac-toe lasts 5 to 9 moves: at least 5 bars.
	if n := dataMarks(figureSVGs(t, run)["Game length"]); n < 5 {
		t.Errorf("the run stage's game-length plot has %d data marks in the DOM, want 5 or more", n)
	}

	shot := filepath.Join(dir, "shot.png")
	headless(t, chromium, htmlPath, "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 1200 || b.Dy() != 2000 {
		t.Fatalf("screenshot is %v", b)
	}
	var sum, sumSq float64
	data := 0 // pixels in a data colour of the plots
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum, sumSq = sum+lum, sumSq+lum*lum
			for _, c := range Palette {
				if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B {
					data++
					break
				}
			}
		}
	}
	n := float64(b.Dx() * b.Dy())
	variance := sumSq/n - (sum/n)*(sum/n)
	t.Logf("screenshot %s: brightness variance %.0f, %d pixels in data colours", shot, variance, data)
	if variance < 25 {
		t.Errorf("the screenshot is blank: brightness variance %.1f", variance)
	}
	if data < 2000 {
		t.Errorf("the screenshot shows no plots: %d pixels in data colours, want 2000 or more", data)
	}
}
