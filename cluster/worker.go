package cluster

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// WorkerOptions configures Work.
type WorkerOptions struct {
	// Workers is the number of simulator goroutines.
	Workers int
	// Prefetch is how many jobs the worker holds beyond one per simulator:
	// they wait in its queue while the simulators play, so that fetching
	// the next job and publishing a result, a round trip to the server
	// each, leave no simulator idle. Across a slow network a job should
	// last longer than about two round trips divided by (1 + Prefetch /
	// Workers). Jobs held are not available to other workers, and come
	// back from a dead worker only after the lease. At least 1.
	Prefetch int
	// Version is this simpipe's version; jobs from another are refused.
	Version string
	// Registry holds the games this worker can play.
	Registry *game.Registry
	// Built, if not empty, holds games already built from their specs (an
	// embedded worker's, beside its coordinator): a run of one of them is
	// played without building its game again.
	Built []game.Game
	// Log receives one line per notable event (refusals, errors).
	Log io.Writer
	// OnResult, if not nil, is called after each result is published and
	// its job acknowledged.
	OnResult func()
	// OnDuplicate, if not nil, is called for each result the server
	// dropped because it already held a result of that job: a stale copy
	// (the job was played again elsewhere after this worker went silent for
	// a lease), or a publication retried after its acknowledgement was
	// lost.
	OnDuplicate func()
}

// maxRunFlows is how many runs' simulators a worker keeps; the least
// recently used idle one is closed when a job of another run arrives.
const maxRunFlows = 4

// Work pulls jobs from the shared workers consumer, plays them through the
// simulate flow (dataflow.NewSimulate) of their run, publishes each result
// and acknowledges its job only after the server has accepted the result.
// It returns when ctx is cancelled, after the jobs in flight are finished,
// published and acknowledged.
func Work(ctx context.Context, nc *nats.Conn, opts WorkerOptions) error {
	logf := func(format string, args ...any) { fmt.Fprintf(opts.Log, "simpipe: worker: "+format+"\n", args...) }
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	var cons jetstream.Consumer
	for waited := false; ; waited = true {
		cons, err = js.Consumer(ctx, JobsStream, WorkersConsumer)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if !waited {
			logf("waiting for a coordinator to create the job stream (%v)", err)
		}
		select {
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return nil
		}
	}
	ackWait := cons.CachedInfo().Config.AckWait
	logf("pulling jobs with %d simulators, %d jobs ahead (ack wait %s)", opts.Workers, max(opts.Prefetch, 1), ackWait)

	src := NewJetStreamSource(ctx, cons, JetStreamSourceOptions{
		MaxInFlight: opts.Workers + max(opts.Prefetch, 1),
		Heartbeat:   max(ackWait/3, 50*time.Millisecond),
		OnError:     func(err error) { logf("fetching jobs: %v", err) },
	})
	sink := NewJetStreamSink(js, JetStreamSinkOptions{
		// The result is stored: free the job's slot for the next one
		// without waiting for the job's acknowledgement to be confirmed.
		OnPublished: func(p JetStreamPublish) {
			if p.Ack != nil {
				src.Release(p.Ack)
			}
		},
		OnDone: func(p JetStreamPublish, err error) {
			if p.Ack != nil {
				src.Release(p.Ack)
			}
			switch {
			case err != nil && p.Term != "":
				logf("terminating a refused job: %v", err)
			case err != nil:
				logf("acknowledging a job: %v (the server will redeliver it; its result is already stored)", err)
			case p.Term == "" && opts.OnResult != nil:
				opts.OnResult()
			}
		},
		OnError: func(err error) { logf("publishing a result: %v; retrying", err) },
		OnDuplicate: func(p JetStreamPublish) {
			logf("result %s was already stored: a stale or repeated copy, dropped by the server", p.MsgID)
			if opts.OnDuplicate != nil {
				opts.OnDuplicate()
			}
		},
	})

	w := &worker{opts: opts, sink: sink, flows: map[string]*runFlow{}, logf: logf}
	for v := range src.Out() {
		m := v.(jetstream.Msg)
		if err := w.dispatch(m); err != nil {
			logf("refused job message %s: %v", subjectOf(m), err)
			sink.In() <- JetStreamPublish{Ack: m, Term: err.Error()}
		}
	}
	for _, f := range w.flows {
		close(f.sim.In())
	}
	w.wg.Wait()
	close(sink.In())
	sink.AwaitCompletion()
	return nil
}

func subjectOf(m jetstream.Msg) string {
	if md, err := m.Metadata(); err == nil {
		return fmt.Sprintf("%s #%d", m.Subject(), md.Sequence.Stream)
	}
	return m.Subject()
}

type worker struct {
	opts  WorkerOptions
	sink  *JetStreamSink
	logf  func(string, ...any)
	wg    sync.WaitGroup
	tick  uint64
	flows map[string]*runFlow // by run ID and spec hash; only the dispatching goroutine touches it
}

// runFlow is one run's simulate flow and the job messages it is playing.
type runFlow struct {
	spec    RunSpec
	sim     interface{ In() chan<- any }
	used    uint64
	mu      sync.Mutex
	pending map[uint64][]jetstream.Msg // by job ID; guarded by mu
}

// dispatch checks a job message and hands its job to its run's flow.
func (w *worker) dispatch(m jetstream.Msg) error {
	jm, err := DecodeJobMsg(m.Data())
	if err != nil {
		return err
	}
	if md, err := m.Metadata(); err == nil && md.NumDelivered > 1 {
		w.logf("job %d of run %s redelivered (delivery %d): its last worker went silent", jm.Job.ID, jm.Run.RunID, md.NumDelivered)
	}
	if jm.Run.SimpipeVersion != w.opts.Version {
		return fmt.Errorf("%w: job of run %s from simpipe %s, this worker is simpipe %s",
			ErrProtocol, jm.Run.RunID, jm.Run.SimpipeVersion, w.opts.Version)
	}
	if want := jobSubject(jm.Run.RunID, jm.Job.ID); m.Subject() != want {
		return fmt.Errorf("%w: job of run %s on subject %s", ErrBadMessage, jm.Run.RunID, m.Subject())
	}
	key := specKey(&jm.Run)
	f := w.flows[key]
	if f == nil {
		if f, err = w.newFlow(jm.Run); err != nil {
			return err
		}
		w.flows[key] = f
	}
	w.tick++
	f.used = w.tick
	f.mu.Lock()
	f.pending[jm.Job.ID] = append(f.pending[jm.Job.ID], m)
	f.mu.Unlock()
	f.sim.In() <- jm.Job
	return nil
}

// resolve resolves a run from its spec, with a game already built when
// there is one.
func (w *worker) resolve(spec RunSpec) (*pipeline.Definition, error) {
	for _, g := range w.opts.Built {
		if g.Spec() == spec.Game {
			return pipeline.ResolveGame(spec.config(), g)
		}
	}
	return pipeline.Resolve(spec.config(), w.opts.Registry)
}

func specKey(s *RunSpec) string {
	h := sha256.Sum256(EncodeJobMsg(&JobMsg{Run: *s}))
	return s.RunID + string(h[:])
}

// newFlow resolves a run from its spec (pipeline.Resolve) and starts its
// simulate flow, closing the least recently used idle flow if there are too
// many.
func (w *worker) newFlow(spec RunSpec) (*runFlow, error) {
	def, err := w.resolve(spec)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", spec.RunID, err)
	}
	if g := def.Game; g.Spec() != spec.Game || g.MoveBits() != spec.MoveBits {
		return nil, fmt.Errorf("%w: run %s plays %s with %d-bit moves; this worker's build makes it %s with %d-bit moves",
			ErrProtocol, spec.RunID, spec.Game, spec.MoveBits, g.Spec(), g.MoveBits())
	}
	if def.Lineup.String() != spec.Lineup {
		return nil, fmt.Errorf("%w: run %s lineup %s reads as %s in this worker's build", ErrProtocol, spec.RunID, spec.Lineup, def.Lineup.String())
	}
	if len(w.flows) >= maxRunFlows {
		var old string
		for k, f := range w.flows {
			f.mu.Lock()
			idle := len(f.pending) == 0
			f.mu.Unlock()
			if idle && (old == "" || f.used < w.flows[old].used) {
				old = k
			}
		}
		if old != "" {
			close(w.flows[old].sim.In())
			delete(w.flows, old)
		}
	}
	sim := dataflow.NewSimulate(def.SimConfig(spec.Retries, spec.GameTimeout), w.opts.Workers)
	f := &runFlow{spec: spec, sim: sim, pending: map[uint64][]jetstream.Msg{}}
	w.logf("playing run %s: %s, players %s", spec.RunID, spec.Game, spec.Lineup)
	settings := spec.SettingsHash()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for v := range sim.Out() {
			r := v.(store.JobResult)
			f.mu.Lock()
			q := f.pending[r.Job.ID]
			m := q[0]
			if len(q) == 1 {
				delete(f.pending, r.Job.ID)
			} else {
				f.pending[r.Job.ID] = q[1:]
			}
			f.mu.Unlock()
			data := EncodeResultMsg(&ResultMsg{
				RunID: spec.RunID, JobID: r.Job.ID, Settings: settings, Record: r.Record, Delta: r.Delta,
				Failures: r.Failures, Attempts: r.Attempts,
			})
			w.sink.In() <- JetStreamPublish{
				Subject: resultsSubject(spec.RunID), MsgID: resultMsgID(spec.RunID, r.Job.ID),
				Data: data, Ack: m,
			}
		}
	}()
	return f, nil
}
