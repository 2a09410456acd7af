package pipeline_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
)

// TestSession: a session serves the live status and the metrics from its
// start, plays the run with the executor it is given and sums it up; Run
// stops the live status.
func TestSession(t *testing.T) {
	path, stage := newStage(t)
	def, err := pipeline.Prepare(stage, nil, pipeline.Settings{Game: mustGame(t, builtin.Registry(), "tictactoe"), Games: ptr[uint64](3000)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := pipeline.StartSession(stage, def, pipeline.SessionOptions{DBPath: path, Workers: 2, Metrics: ln})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.LiveErr(); err != nil {
		t.Fatal(err)
	}
	st, err := pipeline.QueryLive(path, time.Second)
	if err != nil || st.GamesTotal != 3000 || st.Workers != 2 {
		t.Fatalf("live status %+v, %v", st, err)
	}
	resp, err := http.Get(sess.MetricsURL())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("metrics at %q: %v", sess.MetricsURL(), err)
	}
	resp.Body.Close()

	sum, err := sess.Run(context.Background(), pipeline.Local{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	want, err := stage.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 3000 || sum.Played != 3000 || sum.Agg.Finished() != 3000 || sum.Digest != want {
		t.Fatalf("summary %+v, digest %x want %x", sum, sum.Digest, want)
	}
	// The socket closes on its own goroutine, soon after Run.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := pipeline.QueryLive(path, 100*time.Millisecond); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("live status still served 5 s after Run")
		}
	}
}
