package pipeline_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
)

// TestLiveActions: over the live socket, the DB's owner can stop a running
// session as the first Ctrl-C does (Run returns ErrInterrupted with the
// games in flight committed), another user cannot, an unknown action is
// refused, and the status is still served to status-only clients.
func TestLiveActions(t *testing.T) {
	path, stage := newStage(t)
	def, err := pipeline.Prepare(stage, nil, pipeline.Settings{Game: mustGame(t, builtin.Registry(), "connect4"),
		Games: ptr[uint64](5_000_000), Chunk: ptr(500)})
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	sess, err := pipeline.StartSession(stage, def, pipeline.SessionOptions{DBPath: path, Workers: 1,
		OnStop: func() { close(stopped) }})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.LiveErr(); err != nil {
		t.Fatal(err)
	}
	type result struct {
		sum *pipeline.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := sess.Run(context.Background(), pipeline.Local{Workers: 1})
		done <- result{sum, err}
	}()
	// Wait for a first commit, so that the stop interrupts a run under way.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		st, err := pipeline.QueryLive(path, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if st.GamesDone > 0 && st.Commits > 0 {
			if st.Game != "connect4" || st.Jobs != def.Config.Jobs || st.Stopping {
				t.Fatalf("live status %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no commit within a minute")
		}
	}
	if _, err := pipeline.RequestLive(path, "format-disk", time.Second); !errors.Is(err, pipeline.ErrLiveUnknownAction) {
		t.Fatalf("an unknown action: %v, want ErrLiveUnknownAction", err)
	}
	if os.Geteuid() == 0 {
		// Give the DB to another user: this process no longer owns it.
		if err := os.Chown(path, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if _, err := pipeline.RequestLive(path, "stop", time.Second); !errors.Is(err, pipeline.ErrLiveForbidden) {
			t.Fatalf("stop by a user who does not own the DB: %v, want ErrLiveForbidden", err)
		}
		if err := os.Chown(path, 0, 0); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("not root: the refusal of another user is not tested")
	}
	select {
	case <-stopped:
		t.Fatal("a refused stop called OnStop")
	default:
	}
	msg, err := pipeline.RequestLive(path, "stop", time.Second)
	if err != nil || !strings.Contains(msg, "stopping") {
		t.Fatalf("stop: %q, %v", msg, err)
	}
	<-stopped
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the run goes on a minute after the stop")
	}
	if !errors.Is(r.err, pipeline.ErrInterrupted) {
		t.Fatalf("Run after a stop: %v, want ErrInterrupted", r.err)
	}
	if r.sum.Agg == nil || r.sum.Agg.Finished() == 0 || r.sum.Agg.Finished() >= def.Config.Games {
		t.Fatalf("after the stop: %+v", r.sum.Agg)
	}
	if inflight := r.sum.Agg.Finished() % 500; inflight != 0 {
		t.Fatalf("%d games finished: not whole jobs", r.sum.Agg.Finished())
	}
}
