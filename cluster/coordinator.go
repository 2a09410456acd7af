package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// DefaultLease is how long the coordinator waits for a job's result before
// it checks on the job.
const DefaultLease = 2 * time.Minute

// publishWindow bounds the jobs published and not yet finished, so that a
// run of millions of games never floods the stream and a lease runs from
// close to the moment a job can be picked up.
const publishWindow = 1024

// CoordinatorOptions configures a Coordinator.
type CoordinatorOptions struct {
	// Lease is how long a job may go without a result. It is also the job
	// consumer's AckWait: a worker that stops sending in-progress
	// acknowledgements for this long loses the job to another. After a
	// lease the coordinator checks the job's message: if it is gone from
	// the stream (refused, or lost) the job is published again.
	Lease time.Duration
	// Retries and GameTimeout are passed to the workers (see
	// dataflow.SimConfig).
	Retries     int
	GameTimeout time.Duration
	// Version is this simpipe's version; workers of another refuse the jobs.
	Version string
	// Log receives one line per notable event.
	Log io.Writer
}

// CoordinatorStats says what a coordinator did.
type CoordinatorStats struct {
	RunID       string
	Published   uint64 // job messages published (republications included)
	Republished uint64 // jobs published again after their lease
	Duplicates  uint64 // results for jobs already finished, ignored
	Refused     uint64 // result messages refused (other protocol, run, or bad bytes)
}

// Coordinator is the executor (see pipeline.Executor) that plays a run on
// workers over JetStream: it publishes the jobs, commits the results that
// come back through the run's dataflow.CheckpointSink (one transaction for
// a batch of results, their job states and the aggregate) and acknowledges
// a result message only after its commit. What is in the streams when it
// returns stays there for the next coordinator of the run.
type Coordinator struct {
	// NC is the connection to the NATS server; DB holds the run's stage.
	NC   *nats.Conn
	DB   *store.DB
	Opts CoordinatorOptions

	stats CoordinatorStats // written by Execute
}

var _ pipeline.Executor = (*Coordinator)(nil)

// Stats returns what the coordinator did in its last Execute.
func (co *Coordinator) Stats() CoordinatorStats { return co.stats }

// Execute implements pipeline.Executor. It returns when every job is done
// or failed, or once ctx is cancelled and the results received are
// committed.
func (co *Coordinator) Execute(ctx context.Context, x *pipeline.Execution) error {
	co.stats = CoordinatorStats{}
	st := &co.stats
	opts, nc, stage, cfg := co.Opts, co.NC, x.Stage, x.Def.Config
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	var err error
	if st.RunID, err = RunID(co.DB, stage); err != nil {
		return err
	}
	prog := x.Progress
	agg, err := stage.Aggregate()
	if err != nil {
		return err
	}
	if agg.JobsDone+agg.JobsFailed >= cfg.Jobs {
		return nil
	}

	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	setupCtx, cancelSetup := context.WithTimeout(ctx, 30*time.Second)
	defer cancelSetup()
	if err := setupStreams(setupCtx, js); err != nil {
		return err
	}
	if err := workersConsumer(setupCtx, js, opts.Lease); err != nil {
		return err
	}
	jobsStream, err := js.Stream(setupCtx, JobsStream)
	if err != nil {
		return err
	}
	// A fresh results consumer: results left unacknowledged by a previous
	// coordinator of this run are delivered again at once.
	resName := "simpipe-coordinator-" + st.RunID
	if err := js.DeleteConsumer(setupCtx, ResultsStream, resName); err != nil && !isNotFound(err) {
		return err
	}
	resAckWait := resultsAckWait(opts.Lease)
	resCons, err := js.CreateOrUpdateConsumer(setupCtx, ResultsStream, jetstream.ConsumerConfig{
		Durable:       resName,
		FilterSubject: resultsSubject(st.RunID),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       resAckWait,
		MaxAckPending: 100000,
	})
	if err != nil {
		return err
	}

	c := &coordinator{
		opts: opts, cfg: cfg, stage: stage, js: js, jobsStream: jobsStream, prog: prog,
		spec: RunSpec{
			SimpipeVersion: opts.Version, RunID: st.RunID, Game: cfg.Game, Lineup: cfg.Players,
			Models: cfg.Models, Seed: cfg.Seed, MaxActions: cfg.MaxActions, MoveBits: cfg.MoveBits,
			RotateSeats: cfg.RotateSeats, Retries: opts.Retries, GameTimeout: opts.GameTimeout,
		},
		nonce:     nonce(),
		published: map[uint64]*pubJob{}, finished: map[uint64]bool{}, handed: map[uint64][]jetstream.Msg{},
		wake:    make(chan struct{}, 1),
		checker: resultChecker{g: x.Def.Game, maxActions: cfg.MaxActions, moveBits: cfg.MoveBits},
	}
	c.settings = c.spec.SettingsHash()
	fmt.Fprintf(opts.Log, "simpipe: coordinator: run %s on %s: waiting for workers ('simpipe worker --nats %s')\n",
		st.RunID, nc.ConnectedUrlRedacted(), nc.ConnectedUrlRedacted())
	if err := c.adopt(setupCtx); err != nil {
		return err
	}

	srcCtx, stopSrc := context.WithCancel(context.Background())
	defer stopSrc()
	c.src = NewJetStreamSource(srcCtx, resCons, JetStreamSourceOptions{
		MaxInFlight: 4096,
		Heartbeat:   resAckWait / 3, // a result waiting for a slow commit is not delivered again
		OnError:     func(err error) { c.logf("fetching results: %v", err) },
	})
	c.sink = x.NewSink(func(err error) {
		c.commitErr.Store(&err)
		c.poke()
	}, c.onCommit)
	routed := make(chan struct{})
	go func() {
		defer close(routed)
		c.route()
	}()

	c.awaitWaiting(ctx, resCons.CachedInfo().NumPending)
	runErr := c.loop(ctx)
	stopSrc()
	<-routed
	c.sink.AwaitCompletion()
	st.Published, st.Republished = c.published0.Load(), c.republished.Load()
	st.Duplicates, st.Refused = c.duplicates.Load(), c.refused.Load()
	if p := c.commitErr.Load(); p != nil {
		return fmt.Errorf("commit: %w", *p)
	}
	if runErr != nil {
		return runErr
	}
	if ctx.Err() != nil {
		return nil // the lifecycle tells an interruption from the end
	}
	// The run is complete: what is left of it in the streams (jobs
	// published again whose first result came back, late duplicates) is
	// of no use to anyone.
	cleanCtx, cancelClean := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelClean()
	_ = jobsStream.Purge(cleanCtx, jetstream.WithPurgeSubject(runJobsFilter(st.RunID)))
	_ = js.DeleteConsumer(cleanCtx, ResultsStream, resName)
	if rs, err := js.Stream(cleanCtx, ResultsStream); err == nil {
		_ = rs.Purge(cleanCtx, jetstream.WithPurgeSubject(resultsSubject(st.RunID)))
	}
	return nil
}

// resultsAckWait is the AckWait of the coordinator's results consumer for
// a lease: how long a result delivered to the coordinator and never seen
// by it waits before the server delivers it again. That happens after a
// partition of the coordinator's link: pull requests sent while it was cut
// off reach the server after the heal, after the coordinator gave up on
// them, and the results the server hands to them go nowhere (the fault
// campaign's probe saw 84 such results parked, and their jobs played
// again after two leases, under the 5 minutes this used to be). Half a
// lease, so that they come back well before their jobs are published again
// (with a whole lease the two raced: 59 jobs published again in vain); at
// least a second, at most 10 s. Results held for a commit get in-progress
// acknowledgements meanwhile.
func resultsAckWait(lease time.Duration) time.Duration {
	return min(max(lease/2, time.Second), 10*time.Second)
}

type pubJob struct {
	job      store.Job
	gen      int // lease generation of its latest publication
	deadline time.Time
	// gone is set when a lease check found the message no longer in the
	// stream: its result may still be on its way to a commit, so the job
	// is published again only if it is still gone a lease later, with the
	// server within reach all that lease.
	gone   bool
	goneAt time.Time
}

type coordinator struct {
	opts       CoordinatorOptions
	cfg        *store.Config
	stage      *store.Stage
	spec       RunSpec
	settings   [32]byte // spec.SettingsHash()
	nonce      string   // in the IDs of the job messages this coordinator publishes
	js         jetstream.JetStream
	jobsStream jetstream.Stream
	prog       *pipeline.Progress
	src        *JetStreamSource
	sink       *dataflow.CheckpointSink
	wake       chan struct{}

	commitErr                                    atomic.Pointer[error]
	allDone                                      atomic.Bool
	published0, republished, duplicates, refused atomic.Uint64
	refusedLogged                                atomic.Int32
	settled                                      atomic.Uint64 // results committed, ignored or refused
	checker                                      resultChecker // used by route only
	// unreachable is when a lease check last failed to reach the server;
	// used by loop only.
	unreachable time.Time

	mu        sync.Mutex
	published map[uint64]*pubJob // jobs published and not finished; guarded by mu
	finished  map[uint64]bool    // jobs finished during this run; guarded by mu
	// handed holds the messages of the results handed to the sink and not
	// yet committed, by job ID, in the order handed (a job's result may
	// come more than once); guarded by mu.
	handed map[uint64][]jetstream.Msg
}

// nonce returns 8 random hex digits.
func nonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (c *coordinator) logf(format string, args ...any) {
	fmt.Fprintf(c.opts.Log, "simpipe: coordinator: "+format+"\n", args...)
}

func (c *coordinator) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// awaitWaiting waits until the n results that were waiting in the result
// stream when this coordinator started (a previous coordinator's, or
// results its workers published while there was none) are settled, for a
// lease at most (10 s at most): their jobs are gone from the job stream,
// so publishing the jobs not in it before would have them played again.
func (c *coordinator) awaitWaiting(ctx context.Context, n uint64) {
	if n == 0 {
		return
	}
	deadline := time.Now().Add(min(c.opts.Lease, 10*time.Second))
	for c.settled.Load() < n && time.Now().Before(deadline) && ctx.Err() == nil && c.commitErr.Load() == nil {
		select {
		case <-c.wake:
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// loop publishes pending jobs (up to publishWindow unfinished at a time)
// and checks leases, until every job is finished, ctx is cancelled or a
// commit fails.
func (c *coordinator) loop(ctx context.Context) error {
	tick := time.NewTicker(max(c.opts.Lease/4, 10*time.Millisecond))
	defer tick.Stop()
	var page []store.Job
	from, more := uint64(0), true
	for !c.allDone.Load() && ctx.Err() == nil && c.commitErr.Load() == nil {
		for more || len(page) > 0 {
			c.mu.Lock()
			n := len(c.published)
			c.mu.Unlock()
			if n >= publishWindow {
				break
			}
			if len(page) == 0 {
				var err error
				var next uint64
				if page, next, err = c.stage.PendingJobs(from, 256); err != nil {
					return fmt.Errorf("read jobs: %w", err)
				}
				more = next != from
				from = next
				continue
			}
			j := page[0]
			page = page[1:]
			c.mu.Lock()
			skip := c.finished[j.ID] || c.published[j.ID] != nil // adopted
			c.mu.Unlock()
			if !skip {
				if err := c.publish(ctx, &pubJob{job: j}); err != nil {
					return err
				}
			}
		}
		select {
		case <-c.wake:
		case <-tick.C:
			if err := c.checkLeases(ctx); err != nil {
				return err
			}
		case <-ctx.Done():
		}
	}
	return nil
}

// publish publishes p's job with p's generation, retrying until the
// server accepts it or ctx ends. A job whose subject already holds a
// message (a publication whose acknowledgement was lost, stored all the
// same) counts as published.
func (c *coordinator) publish(ctx context.Context, p *pubJob) error {
	data := EncodeJobMsg(&JobMsg{Run: c.spec, Job: p.job})
	backoff := 100 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.js.Publish(pctx, jobSubject(c.spec.RunID, p.job.ID), data,
			jetstream.WithMsgID(jobMsgID(c.spec.RunID, p.job.ID, c.nonce, p.gen)))
		cancel()
		if err == nil || isMaxMsgsPerSubject(err) {
			c.track(p)
			c.published0.Add(1)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		c.logf("publishing job %d: %v; retrying", p.job.ID, err)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// track starts p's lease: its job is in the stream.
func (c *coordinator) track(p *pubJob) {
	p.deadline = time.Now().Add(c.opts.Lease)
	c.mu.Lock()
	if !c.finished[p.job.ID] {
		c.published[p.job.ID] = p
	}
	c.prog.InFlight.Store(int64(len(c.published)))
	c.mu.Unlock()
}

// jobsInStream returns the IDs of the run's jobs whose message is in the
// job stream (waiting for a worker or held by one), from one request that
// lists the run's job subjects, whatever their number.
func (c *coordinator) jobsInStream(ctx context.Context) (map[uint64]bool, error) {
	info, err := c.jobsStream.Info(ctx, jetstream.WithSubjectFilter(runJobsFilter(c.spec.RunID)))
	if err != nil {
		return nil, err
	}
	in := make(map[uint64]bool, len(info.State.Subjects))
	for subj, n := range info.State.Subjects {
		if id, ok := subjectJob(c.spec.RunID, subj); ok && n > 0 {
			in[id] = true
		}
	}
	return in, nil
}

// adopt takes over the jobs of the run that a previous coordinator left in
// the job stream: a pending one gets a lease, as if this coordinator had
// published it, instead of a second message that a worker would play in
// full for its result to be ignored (a restart beyond the server's
// duplicate window used to publish every pending job again, and real work
// waited behind hundreds of copies); the message of a job already done
// (its acknowledgement was lost) is removed.
func (c *coordinator) adopt(ctx context.Context) error {
	in, err := c.jobsInStream(ctx)
	if err != nil {
		return fmt.Errorf("list the jobs in the stream: %w", err)
	}
	adopted, removed := 0, 0
	for id := range in {
		jobs, _, err := c.stage.PendingJobs(id, 1)
		if err != nil {
			return err
		}
		if len(jobs) > 0 && jobs[0].ID == id {
			c.track(&pubJob{job: jobs[0]})
			adopted++
			continue
		}
		c.purgeJob(ctx, id)
		removed++
	}
	if adopted+removed > 0 {
		c.logf("took over %d pending jobs already in the stream, removed the messages of %d jobs already done", adopted, removed)
	}
	return nil
}

// purgeJob removes the message of a job already done from the job stream,
// so that no worker plays it again. It may fail (the job is played again,
// and its result ignored).
func (c *coordinator) purgeJob(ctx context.Context, id uint64) {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.jobsStream.Purge(pctx, jetstream.WithPurgeSubject(jobSubject(c.spec.RunID, id))); err != nil && ctx.Err() == nil {
		c.logf("removing the message of job %d, already done: %v", id, err)
	}
}

// checkLeases looks at every published job whose lease ran out: if its
// message is still in the job stream, it is waiting for a worker or held by
// one (the server redelivers it if that worker goes silent for AckWait),
// and gets another lease. If it is gone, a worker acknowledged or refused
// it, or the server lost it: the job gets one more lease for its result to
// be committed, and is then published again under the next generation
// (a lease that the server was out of reach in does not count: results
// could not come meanwhile). One request lists the jobs in the stream for all of them: when it fails
// (the server is out of reach), every due job waits for the next tick
// rather than for a timeout of its own. Messages of jobs done meanwhile
// (their acknowledgement was lost) are removed on the way.
func (c *coordinator) checkLeases(ctx context.Context) error {
	now := time.Now()
	var due []*pubJob
	c.mu.Lock()
	for _, p := range c.published {
		if now.After(p.deadline) {
			due = append(due, p)
		}
	}
	c.mu.Unlock()
	if len(due) == 0 {
		return nil
	}
	gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	in, err := c.jobsInStream(gctx)
	cancel()
	tick := max(c.opts.Lease/4, 10*time.Millisecond)
	if err != nil {
		if ctx.Err() == nil {
			c.unreachable = time.Now()
			c.logf("checking %d jobs whose lease ran out: %v; checking again in %s", len(due), err, tick)
		}
		return nil
	}
	// The answer tells the server's state when it was sent: leases start
	// from then. An answer that took longer than a tick (a request sent
	// into a stalled link, answered after it healed) means the server was
	// out of reach too.
	end := time.Now()
	if end.Sub(now) > tick {
		c.unreachable = end
	}
	now = end
	for _, p := range due {
		switch {
		case in[p.job.ID]:
			p.deadline = now.Add(c.opts.Lease)
		case !p.gone || p.goneAt.Before(c.unreachable):
			// Gone: its result gets a lease to come. Gone before the
			// server was last out of reach: results could not come
			// (and those handed to requests sent meanwhile come only
			// after the results' AckWait), so another lease.
			p.gone, p.goneAt = true, now
			p.deadline = now.Add(c.opts.Lease)
		default:
			c.mu.Lock()
			live := c.published[p.job.ID] == p
			c.mu.Unlock()
			if !live {
				continue // finished meanwhile
			}
			next := &pubJob{job: p.job, gen: p.gen + 1}
			c.republished.Add(1)
			if err := c.publish(ctx, next); err != nil {
				return err
			}
		}
	}
	var done []uint64
	c.mu.Lock()
	for id := range in {
		if c.finished[id] {
			done = append(done, id)
		}
	}
	c.mu.Unlock()
	for _, id := range done {
		c.purgeJob(ctx, id)
	}
	return nil
}

// route checks each result message and hands it to the sink, or refuses
// it. It closes the sink's input when the source closes.
func (c *coordinator) route() {
	defer close(c.sink.In())
	for v := range c.src.Out() {
		m := v.(jetstream.Msg)
		r, err := c.check(m)
		if err != nil {
			c.refused.Add(1)
			c.settled.Add(1)
			if c.refusedLogged.Add(1) <= 20 {
				c.logf("refused result message %s: %v", subjectOf(m), err)
			}
			_ = m.TermWithReason(err.Error())
			c.src.Release(m)
			continue
		}
		c.mu.Lock()
		c.handed[r.Job.ID] = append(c.handed[r.Job.ID], m)
		c.mu.Unlock()
		c.sink.In() <- *r
	}
}

// check decodes a result message and checks it against the run, its
// settings (legal games of another seed, lineup or model pass the rules:
// a result played from a job message of other settings, or forged), its
// job and the game's rules (see resultChecker), so that nothing but a
// possible result of this run's job reaches a commit.
func (c *coordinator) check(m jetstream.Msg) (*store.JobResult, error) {
	rm, err := DecodeResultMsg(m.Data())
	if err != nil {
		return nil, err
	}
	if rm.RunID != c.spec.RunID {
		return nil, fmt.Errorf("%w: result of run %s, this coordinator runs %s", ErrProtocol, rm.RunID, c.spec.RunID)
	}
	if rm.JobID >= c.cfg.Jobs {
		return nil, fmt.Errorf("%w: result for job %d of a run of %d jobs", ErrBadMessage, rm.JobID, c.cfg.Jobs)
	}
	if rm.Settings != c.settings {
		return nil, fmt.Errorf("%w: result for job %d played with other settings than this run's (settings hash %x, the run's %x)",
			ErrBadMessage, rm.JobID, rm.Settings[:6], c.settings[:6])
	}
	c.mu.Lock()
	p := c.published[rm.JobID]
	c.mu.Unlock()
	var job store.Job
	if p != nil {
		job = p.job
	} else {
		// Not published by this coordinator: a previous one's, or a job
		// already finished (the commit counts it as a duplicate).
		jobs, _, err := c.stage.PendingJobs(rm.JobID, 1)
		if err != nil {
			return nil, err
		}
		if len(jobs) == 0 || jobs[0].ID != rm.JobID {
			return &store.JobResult{Job: store.Job{ID: rm.JobID}}, nil
		}
		job = jobs[0]
	}
	if err := c.checker.check(job, rm); err != nil {
		return nil, fmt.Errorf("%w: job %d: %v", ErrBadMessage, rm.JobID, err)
	}
	return &store.JobResult{Job: job, Record: rm.Record, Delta: rm.Delta, Failures: rm.Failures, Attempts: rm.Attempts}, nil
}

// onCommit runs after each commit of the sink, which names the jobs whose
// results it held: each is now committed or counted as a duplicate, so its
// message is acknowledged now, never before.
func (c *coordinator) onCommit(cm dataflow.Commit) {
	msgs := make([]jetstream.Msg, 0, len(cm.Jobs))
	c.mu.Lock()
	for _, j := range cm.Jobs {
		q := c.handed[j.ID]
		msgs = append(msgs, q[0]) // a job's results commit in the order handed
		if len(q) == 1 {
			delete(c.handed, j.ID)
		} else {
			c.handed[j.ID] = q[1:]
		}
		c.finished[j.ID] = true
		delete(c.published, j.ID)
	}
	c.prog.InFlight.Store(int64(len(c.published)))
	c.mu.Unlock()
	for _, m := range msgs {
		_ = m.Ack() // if it is lost, the result comes again and counts as a duplicate
		c.src.Release(m)
	}
	c.duplicates.Add(cm.Duplicates)
	c.settled.Add(uint64(len(cm.Jobs)))
	if agg, err := c.stage.Aggregate(); err == nil && agg.JobsDone+agg.JobsFailed >= c.cfg.Jobs {
		c.allDone.Store(true)
	}
	c.poke()
}
