package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strings"

	"github.com/simpipe/simpipe/eval"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is one plot of the report: an inline SVG, or a note saying why
// there is nothing to plot.
type Figure struct {
	Title string
	// SVG is the plot as an <svg> element; empty when Note is set.
	SVG template.HTML
	// Note replaces the plot when there is no data for it.
	Note string
	// Caption explains how to read the plot.
	Caption string
}

// Palette holds the colours of plotted data, and only of data: axes, text
// and grid lines are drawn in black and greys, so a test can count the
// data marks of an SVG by these colours (as vgsvg writes them, "#RRGGBB").
var Palette = []color.RGBA{
	{0x1F, 0x77, 0xB4, 0xFF}, // blue
	{0xFF, 0x7F, 0x0E, 0xFF}, // orange
	{0x2C, 0xA0, 0x2C, 0xFF}, // green
	{0xD6, 0x27, 0x28, 0xFF}, // red
	{0x94, 0x67, 0xBD, 0xFF}, // purple
	{0x8C, 0x56, 0x4B, 0xFF}, // brown
	{0xE3, 0x77, 0xC2, 0xFF}, // pink
	{0xBC, 0xBD, 0x22, 0xFF}, // olive
	{0x17, 0xBE, 0xCF, 0xFF}, // cyan
}

// Non-data colours.
var (
	gridGrey = color.RGBA{0xDD, 0xDD, 0xDD, 0xFF}
	refGrey  = color.RGBA{0x88, 0x88, 0x88, 0xFF}
)

// Plot sizes.
const (
	plotWidth  = 600 * vg.Length(1)
	plotHeight = 260 * vg.Length(1)
)

// noData returns a figure holding only a note.
func noData(title, why string) Figure {
	return Figure{Title: title, Note: "No data: " + why}
}

// newPlot returns a plot in the report's style: sans-serif text and a
// light grid.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		sansSerif(st)
	}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridGrey, gridGrey
	p.Add(g)
	return p
}

// sansSerif switches a text style to Liberation Sans (the page's style
// sheet maps it to the browser's sans-serif font where it is missing).
func sansSerif(st *text.Style) {
	st.Font.Variant = "Sans"
}

// svg renders p at w×h points as an <svg> element for inline use (without
// the XML prolog vgsvg writes).
func svg(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	b := buf.Bytes()
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	return template.HTML(b), nil // vgsvg escapes all text it writes
}

// figure renders p into a figure.
func figure(title, caption string, p *plot.Plot, w, h vg.Length) (Figure, error) {
	s, err := svg(p, w, h)
	return Figure{Title: title, SVG: s, Caption: caption}, err
}

// maxRateSteps bounds the steps of the games/s plot; a day-long run logs
// up to 86,400 points, which are merged into this many intervals.
const maxRateSteps = 400

// rateFigure plots games per second between consecutive progress points
// as steps over time.
func rateFigure(sd *StageData) (Figure, error) {
	const title = "Games per second"
	pts := sd.Progress
	if len(pts) < 2 {
		return noData(title, fmt.Sprintf("%d progress point(s) logged; a rate needs two (points are logged at commits, at most one a second)", len(pts))), nil
	}
	stride := (len(pts) - 1 + maxRateSteps - 1) / maxRateSteps
	idx := []int{0}
	for i := stride; i < len(pts)-1; i += stride {
		idx = append(idx, i)
	}
	idx = append(idx, len(pts)-1)
	t0 := pts[0].UnixNano
	span := float64(pts[len(pts)-1].UnixNano-t0) / 1e9
	unit, unitName := 1.0, "s"
	switch {
	case span > 2*3600:
		unit, unitName = 3600, "h"
	case span > 120:
		unit, unitName = 60, "min"
	}
	var xys plotter.XYs
	var peak float64
	for j := 1; j < len(idx); j++ {
		a, b := pts[idx[j-1]], pts[idx[j]]
		dt := float64(b.UnixNano-a.UnixNano) / 1e9
		if dt <= 0 || b.Games < a.Games {
			continue
		}
		rate := float64(b.Games-a.Games) / dt
		peak = max(peak, rate)
		x0, x1 := float64(a.UnixNano-t0)/1e9/unit, float64(b.UnixNano-t0)/1e9/unit
		xys = append(xys, plotter.XY{X: x0, Y: rate}, plotter.XY{X: x1, Y: rate})
	}
	if len(xys) == 0 {
		return noData(title, "the progress points do not advance in time"), nil
	}
	p := newPlot("time since the first logged commit ("+unitName+")", "games/s")
	p.Y.Min = 0
	line, err := plotter.NewLine(xys)
	if err != nil {
		return Figure{}, err
	}
	line.Color, line.Width = Palette[0], vg.Points(1.5)
	line.FillColor = color.NRGBA{0x1F, 0x77, 0xB4, 0x40}
	p.Add(line)
	total := float64(pts[len(pts)-1].Games-pts[0].Games) / max(span, 1e-9)
	caption := fmt.Sprintf("Each step is the mean rate between logged progress points (%d points; %d games in %s, %.0f games/s on average, peak %.0f). Pauses between resumed runs show as low steps.",
		len(pts), pts[len(pts)-1].Games-pts[0].Games, duration(span), total, peak)
	return figure(title, caption, p, plotWidth, plotHeight)
}

// duration formats seconds for captions.
func duration(s float64) string {
	switch {
	case s >= 2*3600:
		return fmt.Sprintf("%.1f h", s/3600)
	case s >= 120:
		return fmt.Sprintf("%.1f min", s/60)
	}
	return fmt.Sprintf("%.1f s", s)
}

// maxLengthBins bounds the bars of the length histogram; wider ranges are
// grouped into bins of several lengths.
const maxLengthBins = 120

// lengthFigure plots the histogram of game lengths in actions.
func lengthFigure(sd *StageData) (Figure, error) {
	const title = "Game length"
	lo, hi := -1, -1
	var games, sum uint64
	for n, c := range sd.Lengths {
		if c == 0 {
			continue
		}
		if lo < 0 {
			lo = n
		}
		hi = n
		games += c
		sum += c * uint64(n)
	}
	if games == 0 {
		return noData(title, "no game has a stored result yet"), nil
	}
	width := (hi - lo + maxLengthBins) / maxLengthBins // ceil((hi-lo+1)/maxLengthBins)
	h := &plotter.Histogram{FillColor: Palette[0]}
	h.LineStyle.Color, h.LineStyle.Width = color.White, vg.Points(0.5) // separates the bars
	for start := lo; start <= hi; start += width {
		var w uint64
		for n := start; n < start+width && n <= hi; n++ {
			w += sd.Lengths[n]
		}
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: float64(start) - 0.5, Max: float64(start+width) - 0.5, Weight: float64(w)})
	}
	h.Width = float64(width)
	p := newPlot("actions per game", "games")
	p.Add(h)
	binNote := "one bar per length"
	if width > 1 {
		binNote = fmt.Sprintf("bars of %d lengths each", width)
	}
	caption := fmt.Sprintf("%d stored games (completed and incomplete), %s; mean %.2f, min %d, max %d actions.",
		games, binNote, float64(sum)/float64(games), lo, hi)
	return figure(title, caption, p, plotWidth, plotHeight)
}

// outcomeFigure plots the share of games won by each seat, drawn and
// stopped incomplete, as bars labelled with their percentages.
func outcomeFigure(sd *StageData) (Figure, error) {
	const title = "Outcomes"
	a := sd.Agg
	if a == nil || a.GamesDone == 0 {
		return noData(title, "no game has a stored result yet"), nil
	}
	var names []string
	var counts []uint64
	for seat := range sd.Config.Seats {
		names = append(names, fmt.Sprintf("seat %d wins", seat))
		counts = append(counts, a.WinsBySeat[seat])
	}
	names = append(names, "draws", "incomplete")
	counts = append(counts, a.Draws, a.Incomplete)
	p := newPlot("", "share of games")
	p.Y.Min, p.Y.Max = 0, 1
	var labels plotter.XYLabels
	for i, n := range counts {
		share := float64(n) / float64(a.GamesDone)
		bar, err := plotter.NewBarChart(plotter.Values{share}, vg.Points(40))
		if err != nil {
			return Figure{}, err
		}
		bar.XMin = float64(i)
		bar.Color = Palette[i%len(Palette)]
		bar.LineStyle.Width = 0
		p.Add(bar)
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: share})
		labels.Labels = append(labels.Labels, pct(n, a.GamesDone))
	}
	lab, err := plotter.NewLabels(labels)
	if err != nil {
		return Figure{}, err
	}
	for i := range lab.TextStyle {
		sansSerif(&lab.TextStyle[i])
		lab.TextStyle[i].XAlign = draw.XCenter
	}
	lab.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(lab)
	p.NominalX(names...)
	caption := fmt.Sprintf("Shares of the %d games with a stored result; a game won by several seats counts for each of them. Failed games (%d) are not counted.",
		a.GamesDone, a.Failed)
	return figure(title, caption, p, plotWidth, plotHeight)
}

// topFeatures is how many features the correlation plot shows.
const topFeatures = 20

// featureFigure plots the signed correlations of the strongest features of
// the last analysed training iteration.
func featureFigure(tr *Training) (Figure, error) {
	title := "Feature correlations"
	if tr.Analysis == nil {
		for _, it := range tr.Iterations {
			if it.Model != nil && it.Model.NTuple != nil {
				return noData(title, "n-tuple networks are learned without a feature analysis"), nil
			}
		}
		return noData(title, "no training iteration has finished its analysis yet"), nil
	}
	title = fmt.Sprintf("Feature correlations, iteration %d", tr.AnalysisIteration)
	top := tr.Analysis.Top(topFeatures, 1)
	if len(top) == 0 {
		return noData(title, "no feature varied over the analysed positions"), nil
	}
	p := newPlot("correlation with the result (phi for boolean features, r for counts)", "")
	names := make([]string, len(top))
	var haveBool, haveCount bool
	for i, f := range top {
		y := len(top) - 1 - i // strongest at the top
		names[y] = shorten(f.Name, 48)
		v, c := f.R, Palette[1]
		if f.Boolean {
			v, c = f.Phi, Palette[0]
			haveBool = true
		} else {
			haveCount = true
		}
		bar, err := plotter.NewBarChart(plotter.Values{v}, vg.Points(12))
		if err != nil {
			return Figure{}, err
		}
		bar.Horizontal, bar.XMin, bar.Color = true, float64(y), c
		bar.LineStyle.Width = 0
		p.Add(bar)
	}
	// Legend entries need plotters of their own colour.
	for _, e := range []struct {
		have  bool
		name  string
		color color.Color
	}{{haveBool, "boolean (phi)", Palette[0]}, {haveCount, "count (r)", Palette[1]}} {
		if e.have {
			p.Legend.Add(e.name, legendSwatch{e.color})
		}
	}
	p.Legend.Top, p.Legend.Left = false, false
	lim := 0.0
	for _, f := range top {
		lim = max(lim, math.Abs(f.Phi), math.Abs(f.R))
	}
	lim = math.Min(1, lim*1.1+0.01)
	p.X.Min, p.X.Max = -lim, lim
	p.NominalY(names...)
	a := tr.Analysis
	caption := fmt.Sprintf("The %d strongest of %d candidate features over %d positions of %d games (%d wins, %d draws, %d losses for the deciding seat), ranked by |phi| for boolean and |r| for count features.",
		len(top), len(a.Features), a.States, a.Games, a.Wins, a.Draws, a.Losses)
	return figure(title, caption, p, plotWidth, vg.Points(float64(60+18*len(top))))
}

// legendSwatch is a legend thumbnail: a filled square.
type legendSwatch struct{ color.Color }

func (s legendSwatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.Color, []vg.Point{c.Min, {X: c.Min.X, Y: c.Max.Y}, c.Max, {X: c.Max.X, Y: c.Min.Y}})
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// lossFigure plots each training iteration's train and held-out log loss.
func lossFigure(tr *Training) (Figure, error) {
	const title = "Fit log loss by iteration"
	var held, train plotter.XYs
	var ticks []plot.Tick
	for _, it := range tr.Iterations {
		if it.Model == nil || it.Model.Training == nil {
			continue
		}
		held = append(held, plotter.XY{X: float64(it.K), Y: it.Model.Training.HeldOutLogLoss})
		train = append(train, plotter.XY{X: float64(it.K), Y: it.Model.Training.TrainLogLoss})
		ticks = append(ticks, plot.Tick{Value: float64(it.K), Label: fmt.Sprint(it.K)})
	}
	if len(held) == 0 {
		return noData(title, "no training iteration has finished its fit yet"), nil
	}
	p := newPlot("iteration", "log loss")
	for i, s := range []struct {
		name string
		xys  plotter.XYs
	}{{"held out", held}, {"train", train}} {
		line, pts, err := plotter.NewLinePoints(s.xys)
		if err != nil {
			return Figure{}, err
		}
		line.Color, line.Width = Palette[i], vg.Points(1.5)
		if i == 1 {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		pts.Color, pts.Shape, pts.Radius = Palette[i], draw.CircleGlyph{}, vg.Points(3)
		p.Add(line, pts)
		p.Legend.Add(s.name, line, pts)
	}
	if len(ticks) <= 30 {
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	p.X.Min, p.X.Max = held[0].X-0.5, held[len(held)-1].X+0.5
	p.Legend.Top = true
	caption := "Logistic fit of each iteration on sampled positions: log loss on the training samples and on the held-out split (lower is better; ln 2 ≈ 0.693 is a coin flip)."
	if last := tr.Iterations[len(tr.Iterations)-1].Model; last != nil && last.NTuple != nil {
		caption = "TD(λ) learning of each iteration's n-tuple network: log loss of the afterstate values against the game's result, on the positions learned from (as scored while learning) and on the iteration's held-out games (after learning); lower is better, ln 2 ≈ 0.693 is a coin flip."
	}
	return figure(title, caption, p, plotWidth, plotHeight)
}

// scoreErrors are evaluation scores with their Wilson intervals.
type scoreErrors struct {
	plotter.XYs
	plotter.YErrors
}

// add appends a score with its Wilson interval at x.
func (se *scoreErrors) add(x float64, r *eval.Report) {
	se.XYs = append(se.XYs, plotter.XY{X: x, Y: r.Score})
	se.YErrors = append(se.YErrors, struct{ Low, High float64 }{r.Score - r.WilsonLow, r.WilsonHigh - r.Score})
}

// scorePlot plots scores with their Wilson intervals from x = lo to hi,
// over a dashed line at an even match.
func scorePlot(se scoreErrors, xLabel string, lo, hi float64) (*plot.Plot, error) {
	p := newPlot(xLabel, "candidate's score")
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min, p.X.Max = lo, hi
	ref, err := plotter.NewLine(plotter.XYs{{X: lo, Y: 0.5}, {X: hi, Y: 0.5}})
	if err != nil {
		return nil, err
	}
	ref.Color, ref.Dashes = refGrey, []vg.Length{vg.Points(4), vg.Points(3)}
	bars, err := plotter.NewYErrorBars(se)
	if err != nil {
		return nil, err
	}
	bars.Color, bars.Width, bars.CapWidth = Palette[0], vg.Points(1.5), vg.Points(10)
	pts, err := plotter.NewScatter(se.XYs)
	if err != nil {
		return nil, err
	}
	pts.Color, pts.Shape, pts.Radius = Palette[0], draw.CircleGlyph{}, vg.Points(4)
	p.Add(ref, bars, pts)
	return p, nil
}

// evalFigure plots each evaluation's score with its Wilson 95 % interval.
func evalFigure(evals []*StageData) (Figure, error) {
	const title = "Evaluation scores"
	var se scoreErrors
	var names []string
	for _, sd := range evals {
		if sd.Eval.Games == 0 {
			continue
		}
		se.add(float64(len(names)), sd.Eval)
		names = append(names, sd.Name)
	}
	if len(names) == 0 {
		return noData(title, "no evaluation game has a stored result yet"), nil
	}
	p, err := scorePlot(se, "", -0.5, float64(len(names))-0.5)
	if err != nil {
		return Figure{}, err
	}
	p.NominalX(names...)
	caption := "Score (win 1, draw ½, loss 0) of the candidate over its games, with the Wilson 95 % interval; the dashed line is an even match."
	return figure(title, caption, p, plotWidth, plotHeight)
}

// strengthFigure plots each training iteration's score against the
// training's yardstick with its Wilson 95 % interval.
func strengthFigure(tr *Training) (Figure, error) {
	const title = "Strength per iteration"
	var se scoreErrors
	var ticks []plot.Tick
	var first *eval.Report
	for _, it := range tr.Iterations {
		if it.Yardstick == nil || it.Yardstick.Games == 0 {
			continue
		}
		if first == nil {
			first = it.Yardstick
		}
		se.add(float64(it.K), it.Yardstick)
		ticks = append(ticks, plot.Tick{Value: float64(it.K), Label: fmt.Sprint(it.K)})
	}
	if first == nil {
		return noData(title, "no iteration has been measured against a yardstick (simpipe train --yardstick SPEC, which may be added to an existing training DB)"), nil
	}
	p, err := scorePlot(se, "iteration", se.XYs[0].X-0.5, se.XYs[len(se.XYs)-1].X+0.5)
	if err != nil {
		return Figure{}, err
	}
	if len(ticks) <= 30 {
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	player := first.Candidate // the player spec with file= the iteration's model
	if i := strings.LastIndex(player, "file="); i > 0 {
		player = strings.TrimRight(player[:i], ",:")
	}
	caption := fmt.Sprintf("Score (win 1, draw ½, loss 0) of each iteration's model, played as %s, against the yardstick %s over %d games (pairs with seats swapped, the same games for every iteration), with the Wilson 95 %% interval; the dashed line is an even match.",
		player, first.Opponent, first.Games)
	return figure(title, caption, p, plotWidth, plotHeight)
}

// stageFigures returns a stage's plots.
func stageFigures(sd *StageData) ([]Figure, error) {
	var out []Figure
	for _, f := range []func(*StageData) (Figure, error){rateFigure, lengthFigure, outcomeFigure} {
		fig, err := f(sd)
		if err != nil {
			return nil, err
		}
		out = append(out, fig)
	}
	return out, nil
}

var _ plot.Thumbnailer = legendSwatch{}
