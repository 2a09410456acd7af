package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"

	"github.com/simpipe/simpipe/ai"
)

//go:embed report.html.tmpl
var pageText string

// page is the report's template. Its output is also well-formed XML (void
// elements are self-closed, the style sheet holds no '<' or '&'), which
// lets tests check it strictly with encoding/xml.
var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":   pct,
	"bytes": byteSize,
	"elo":   elo,
}).Parse(pageText))

// view is the template's data: the gathered Data with its figures.
type view struct {
	*Data
	TrainingFigures []Figure
	EvalFigure      *Figure
	Sections        []sectionView
}

// sectionView is one stage's section.
type sectionView struct {
	*StageData
	Figures []Figure
	Seats   []seatRow
	Models  []string
	// Players is the stage's lineup as simpipe prints it.
	Players string
	// Completed counts games that reached a terminal state.
	Completed uint64
	MeanLen   float64
}

// seatRow is one seat's wins.
type seatRow struct {
	Seat   int
	Player string
	Wins   uint64
}

// Render writes d as a self-contained HTML page.
func Render(w io.Writer, d *Data) error {
	v := view{Data: d}
	for _, sd := range d.Sections {
		sv := sectionView{StageData: sd}
		if sd.Config != nil {
			figs, err := stageFigures(sd)
			if err != nil {
				return fmt.Errorf("stage %s: %w", sd.Name, err)
			}
			sv.Figures = figs
			sv.Players = ai.DisplayLineup(sd.Config.Players)
			players := ai.SeatSpecs(sd.Config.Players)
			for seat := range sd.Config.Seats {
				row := seatRow{Seat: seat, Wins: sd.Agg.WinsBySeat[seat]}
				if seat < len(players) {
					row.Player = players[seat]
				}
				sv.Seats = append(sv.Seats, row)
			}
			for ref := range sd.Config.Models {
				sv.Models = append(sv.Models, ref)
			}
			sort.Strings(sv.Models)
			sv.Completed = sd.Agg.GamesDone - sd.Agg.Incomplete
			if sd.Agg.GamesDone > 0 {
				sv.MeanLen = float64(sd.Agg.LengthSum) / float64(sd.Agg.GamesDone)
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	if d.Training != nil {
		for _, f := range []func(*Training) (Figure, error){strengthFigure, lossFigure, featureFigure} {
			fig, err := f(d.Training)
			if err != nil {
				return fmt.Errorf("training: %w", err)
			}
			v.TrainingFigures = append(v.TrainingFigures, fig)
		}
	}
	if len(d.Evals) > 0 {
		// Yardstick evaluations are plotted per iteration by the training's
		// strength figure.
		yardsticks := map[string]bool{}
		if d.Training != nil {
			for _, it := range d.Training.Iterations {
				if it.Yardstick != nil {
					yardsticks[it.Yardstick.Stage] = true
				}
			}
		}
		var others []*StageData
		for _, sd := range d.Evals {
			if !yardsticks[sd.Name] {
				others = append(others, sd)
			}
		}
		fig, err := evalFigure(others)
		if len(others) == 0 {
			fig = noData("Evaluation scores", "every evaluation here measures a training iteration against its yardstick; see Strength per iteration")
		}
		if err != nil {
			return fmt.Errorf("evaluations: %w", err)
		}
		v.EvalFigure = &fig
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// pct returns n as a percentage of of, formatted; "–" when of is 0.
func pct(n, of uint64) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// elo formats an Elo difference with its sign, without "-0".
func elo(x float64) string {
	if math.Abs(x) < 0.5 {
		return "0"
	}
	return fmt.Sprintf("%+.0f", x)
}

// byteSize formats a file size.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB (%d bytes)", float64(n)/(1<<30), n)
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
