package cli

import (
	"bytes"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simpipe/simpipe/pipeline"
)

// TestRateMeterPerStage plays a training's progress: stage 1 at 100
// games/s, a long fit with no games, then stage 2 at 500 games/s through the
// same (reset) Progress. Stage 2's rate must be its own, and stage 1's must
// not decay during the fit.
func TestRateMeterPerStage(t *testing.T) {
	var (
		m    rateMeter
		prog pipeline.Progress
		now  = time.Unix(1e9, 0)
	)
	step := func(d time.Duration, games uint64) progressSample {
		now = now.Add(d)
		prog.Played.Add(games)
		prog.Done.Add(games)
		return m.sample(now, &prog)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > want/20 {
			t.Errorf("%s: %.1f games/s, want %.0f", what, got, want)
		}
	}
	prog.Total.Store(1000)
	step(0, 0)
	var s progressSample
	for range 10 {
		s = step(time.Second, 100)
	}
	near("stage 1", s.rate, 100)
	if want := "100 games/s, eta 0s"; s.rateETA() != want {
		t.Errorf("stage 1 done: %q, want %q", s.rateETA(), want)
	}
	s = step(30*time.Second, 0) // the fit
	near("stage 1 after the fit", s.rate, 100)

	// train resets Progress for the next stage; the run then stores Total
	// and Done (a resumed stage had 200 games done).
	prog = pipeline.Progress{}
	step(time.Second, 0)
	prog.Total.Store(1000)
	prog.Done.Store(200)
	step(100*time.Millisecond, 0)
	for range 4 {
		s = step(100*time.Millisecond, 50)
	}
	near("stage 2", s.rate, 500)
	if want := "500 games/s, eta 1s"; s.rateETA() != want { // 600 left
		t.Errorf("stage 2: %q, want %q", s.rateETA(), want)
	}
}

// syncBuffer is a bytes.Buffer safe for the bar's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestBarClearedOnSignal checks that pauseProgress (called by the signal
// handler before it prints) clears the bar and keeps it from drawing again,
// and that stop clears it too, so no line is printed into the bar.
func TestBarClearedOnSignal(t *testing.T) {
	cleared := func(out string) bool {
		i := strings.LastIndex(out, "games")
		return i >= 0 && strings.HasSuffix(out, "\r") && strings.TrimSpace(out[strings.LastIndex(out[:len(out)-1], "\r"):]) == ""
	}
	var prog pipeline.Progress
	prog.Total.Store(100)
	var buf syncBuffer
	rep := startProgress("bar", &buf, &prog, 0)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "games") {
		if time.Now().After(deadline) {
			t.Fatal("the bar was never drawn")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !pauseProgress() {
		t.Fatal("pauseProgress found no bar")
	}
	after := buf.String()
	if !cleared(after) {
		t.Fatalf("bar not cleared by pauseProgress: %q", after)
	}
	prog.Done.Store(50)
	time.Sleep(3 * barEvery)
	rep.stop()
	if got := buf.String(); got != after {
		t.Errorf("the bar drew after pauseProgress: %q", got[len(after):])
	}
	if pauseProgress() {
		t.Error("pauseProgress found a bar after stop")
	}

	// Without a signal, stop clears the bar.
	buf = syncBuffer{}
	rep = startProgress("bar", &buf, &prog, 0)
	for !strings.Contains(buf.String(), "games") {
		time.Sleep(10 * time.Millisecond)
	}
	rep.stop()
	if !cleared(buf.String()) {
		t.Errorf("bar not cleared by stop: %q", buf.String())
	}
}
