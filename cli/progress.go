package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/simpipe/simpipe/pipeline"
	"golang.org/x/term"
)

// logEvery is the interval between progress lines when not on a terminal.
const logEvery = 5 * time.Second

// progressReporter shows a run's progress until stop is called.
type progressReporter struct {
	done chan struct{}
	wait chan struct{}
}

// startProgress shows prog on w: a bar when mode is "bar" (or "auto" on a
// terminal), a line every few seconds for "log" (or "auto" elsewhere, e.g.
// under nohup), nothing for "none".
func startProgress(mode string, w io.Writer, prog *pipeline.Progress, startDone uint64) *progressReporter {
	r := &progressReporter{done: make(chan struct{}), wait: make(chan struct{})}
	if mode == "auto" {
		mode = "log"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	go func() {
		defer close(r.wait)
		switch mode {
		case "bar":
			r.bar(w, prog)
		case "log":
			r.log(w, prog, startDone)
		}
	}()
	return r
}

func (r *progressReporter) stop() {
	close(r.done)
	<-r.wait
}

func (r *progressReporter) bar(w io.Writer, prog *pipeline.Progress) {
	bar := progressbar.NewOptions64(int64(prog.Total.Load()),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("games"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("games"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	_ = bar.Set64(int64(prog.Done.Load()))
	bar.Reset() // measure the rate from here, not from game 0
	_ = bar.Set64(int64(prog.Done.Load()))
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			_ = bar.Set64(int64(prog.Done.Load()))
			_ = bar.Exit()
			return
		case <-t.C:
			bar.ChangeMax64(int64(prog.Total.Load()))
			_ = bar.Set64(int64(prog.Done.Load()))
		}
	}
}

func (r *progressReporter) log(w io.Writer, prog *pipeline.Progress, startDone uint64) {
	start := time.Now()
	t := time.NewTicker(logEvery)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
			done, total := prog.Done.Load(), prog.Total.Load()
			rate := float64(done-startDone) / time.Since(start).Seconds()
			eta := "?"
			if rate > 0 {
				eta = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
			}
			fmt.Fprintf(w, "%s progress: %d/%d games (%.1f%%), %.0f games/s, %d jobs in flight, eta %s\n",
				time.Now().Format(time.RFC3339), done, total, 100*float64(done)/float64(max(total, 1)),
				rate, prog.InFlight.Load(), eta)
		}
	}
}
