package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/simpipe/simpipe/pipeline"
	"golang.org/x/term"
)

// logEvery is the interval between progress lines when not on a terminal.
const logEvery = 5 * time.Second

// barEvery is the interval between redraws of the progress bar.
const barEvery = 200 * time.Millisecond

// progressReporter shows a run's progress until stop is called.
type progressReporter struct {
	done chan struct{}
	wait chan struct{}

	mu     sync.Mutex               // guards bar and paused, shared with pauseProgress
	bar    *progressbar.ProgressBar // nil unless the bar is shown
	paused bool                     // the bar was cleared for good
}

// shownBar is the reporter whose bar is on the terminal, if any, so that
// the signal handler can clear it before it prints (see pauseProgress).
var shownBar struct {
	sync.Mutex
	r *progressReporter
}

// startProgress shows prog on w: a bar when mode is "bar" (or "auto" on a
// terminal), a line every few seconds for "log" (or "auto" elsewhere, e.g.
// under nohup), nothing for "none". Rates and ETAs are per stage: measured
// from the moment prog shows a new stage (see rateMeter), not from the
// start of the process. startDone is not used (the rate counts
// prog.Played); it stays for the callers.
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
			r.showBar(w, prog)
		case "log":
			r.log(w, prog)
		}
	}()
	return r
}

// stop ends the display; a bar is cleared, so that what is printed next
// starts on a clean line.
func (r *progressReporter) stop() {
	close(r.done)
	<-r.wait
}

// pauseProgress clears the progress bar on the terminal, if one is shown,
// and keeps it from drawing again, so that the lines printed after Ctrl-C
// do not run into it. It reports whether a bar was cleared.
func pauseProgress() bool {
	shownBar.Lock()
	r := shownBar.r
	shownBar.Unlock()
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused || r.bar == nil {
		return false
	}
	r.paused = true
	_ = r.bar.Clear()
	return true
}

func (r *progressReporter) showBar(w io.Writer, prog *pipeline.Progress) {
	bar := progressbar.NewOptions64(int64(prog.Total.Load()),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("games"),
		progressbar.OptionShowCount(),
		// The description has the stage's rate and ETA; the bar's own
		// timing would count from the process start.
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionThrottle(barEvery),
		progressbar.OptionClearOnFinish(),
	)
	r.mu.Lock()
	r.bar = bar
	r.mu.Unlock()
	shownBar.Lock()
	shownBar.r = r
	shownBar.Unlock()
	defer func() {
		shownBar.Lock()
		if shownBar.r == r {
			shownBar.r = nil
		}
		shownBar.Unlock()
	}()

	var m rateMeter
	draw := func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.paused {
			return
		}
		s := m.sample(time.Now(), prog)
		bar.Describe(fmt.Sprintf("games (%s)", s.rateETA()))
		bar.ChangeMax64(int64(s.total))
		_ = bar.Set64(int64(s.done))
	}
	draw()
	t := time.NewTicker(barEvery)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			r.mu.Lock()
			if !r.paused {
				_ = bar.Clear()
			}
			r.paused = true
			_ = bar.Exit()
			r.mu.Unlock()
			return
		case <-t.C:
			draw()
		}
	}
}

func (r *progressReporter) log(w io.Writer, prog *pipeline.Progress) {
	var m rateMeter
	m.sample(time.Now(), prog)
	t := time.NewTicker(logEvery)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case now := <-t.C:
			s := m.sample(now, prog)
			fmt.Fprintf(w, "%s progress: %d/%d games (%.1f%%), %s, %d jobs in flight\n",
				now.Format(time.RFC3339), s.done, s.total, 100*float64(s.done)/float64(max(s.total, 1)),
				s.rateETA(), prog.InFlight.Load())
		}
	}
}

// rateMeter measures a stage's rate from its own start. A training plays
// one stage after another through the same Progress, which is reset for
// each (Played drops) and given the stage's Total: either starts the
// measurement again, so that iteration 2's rate is not averaged with
// iteration 1 and the fit between them. The rate counts Played, the games
// this process played, not Done, which also jumps by the games a resumed
// stage had already done.
type rateMeter struct {
	started bool
	start   time.Time // when the stage was first seen
	total   uint64    // the stage's Total
	played0 uint64    // Played when the stage was first seen
	played  uint64    // Played at the last sample
	rate    float64   // the last rate, kept once the stage is done
}

// progressSample is one reading of a Progress.
type progressSample struct {
	done, total uint64
	rate        float64 // games per second since the stage started; 0 if unknown
}

// sample reads prog at now.
func (m *rateMeter) sample(now time.Time, prog *pipeline.Progress) progressSample {
	played, done, total := prog.Played.Load(), prog.Done.Load(), prog.Total.Load()
	if !m.started || played < m.played || total != m.total {
		*m = rateMeter{started: true, start: now, total: total, played0: played}
	}
	m.played = played
	if el := now.Sub(m.start).Seconds(); el > 0 && done < total {
		m.rate = float64(played-m.played0) / el
	}
	return progressSample{done: done, total: total, rate: m.rate}
}

// rateETA describes the rate and the time left, e.g. "120 games/s, eta 4m10s".
func (s progressSample) rateETA() string {
	if s.rate <= 0 {
		return "? games/s, eta ?"
	}
	eta := time.Duration(float64(s.total-min(s.done, s.total)) / s.rate * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("%.0f games/s, eta %s", s.rate, eta)
}
