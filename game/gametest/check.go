package gametest

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Check runs the checks of Run outside go test (simpipe gametest runs it
// on game processes) and returns the failures, each "Check: message" with
// the game, ply and position. Options.Games defaults to 100.
func Check(g game.Game, o Options) []string {
	if o.Games <= 0 {
		o.Games = 100 // withDefaults would ask testing.Short, which needs go test
	}
	logs, _ := record(g, o)
	return logs
}

// recorder is a tester that records failures instead of failing, for Check
// and for the tests that check that Run catches planted bugs. Like
// *testing.T, it runs each subtest on its own goroutine and ends it with
// runtime.Goexit on Fatalf and Skipf.
type recorder struct {
	name   string
	logs   *[]string // "Check: message", shared by the whole tree
	failed bool
	parent *recorder
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	*r.logs = append(*r.logs, r.name+": "+fmt.Sprintf(format, args...))
	for p := r; p != nil; p = p.parent {
		p.failed = true
	}
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(string, ...any) { runtime.Goexit() }

func (r *recorder) Run(name string, f func(tester)) bool {
	c := &recorder{name: strings.TrimPrefix(r.name+"/"+name, "/"), logs: r.logs, parent: r}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(c)
	}()
	<-done
	return !c.failed
}

// record runs the checks on g and returns the failures, one per line.
func record(g game.Game, o Options) (logs []string, failed bool) {
	r := &recorder{logs: &logs}
	run(r, g, o)
	return logs, r.failed
}
