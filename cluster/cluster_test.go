package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

func ptr[T any](v T) *T { return &v }

// newRun creates a run of connect four in a new DB.
func newRun(t *testing.T) (*store.DB, *store.Stage, *pipeline.Definition) {
	t.Helper()
	return newRunSeed(t, 9)
}

// localRun plays newRun's run locally: the reference whose digest a
// cluster run must reproduce.
func localRun(t *testing.T) (*store.Stage, [32]byte) {
	t.Helper()
	_, ref, def := newRun(t)
	if err := pipeline.Run(context.Background(), ref, def, pipeline.Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want, err := ref.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return ref, want
}

// testServer starts an embedded NATS server for t, stopped when t ends, and
// connects to it.
func testServer(t *testing.T) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	srv, err := StartServer(ServerOptions{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// newRunSeed creates a run of connect four of seed seed in a new DB.
func newRunSeed(t *testing.T, seed uint64) (*store.DB, *store.Stage, *pipeline.Definition) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "run.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stage := db.Stage(store.DefaultStage)
	g, err := builtin.Registry().New("connect4")
	if err != nil {
		t.Fatal(err)
	}
	def, err := pipeline.Prepare(stage, nil, pipeline.Settings{
		Game: g, Games: ptr[uint64](20000), Chunk: ptr(500), Seed: ptr(seed)})
	if err != nil {
		t.Fatal(err)
	}
	return db, stage, def
}

type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runSpec is the spec a coordinator of version "test" publishes for def.
func runSpec(def *pipeline.Definition, runID string) RunSpec {
	c := def.Config
	return RunSpec{SimpipeVersion: "test", RunID: runID, Game: c.Game, Lineup: c.Players, Models: c.Models,
		Seed: c.Seed, MaxActions: c.MaxActions, MoveBits: c.MoveBits, RotateSeats: c.RotateSeats}
}

// TestCoordinatorRefusesBadResults publishes results that must never be
// committed (another run, another protocol, a job outside the run, a record
// that does not match its job, results played with other settings, garbage)
// before a coordinator and an
// in-process worker play the run: the coordinator refuses and counts each,
// and the digest equals a local run's.
func TestCoordinatorRefusesBadResults(t *testing.T) {
	ref, want := localRun(t)
	nc, js := testServer(t)
	ctx := context.Background()
	if err := setupStreams(ctx, js); err != nil {
		t.Fatal(err)
	}

	db, stage, def := newRun(t)
	runID, err := RunID(db, stage)
	if err != nil {
		t.Fatal(err)
	}
	var e store.ChunkEncoder
	e.Reset(0, 3)
	e.Add(store.GameEntry{Status: store.Completed, Winners: 1, Moves: []game.Move{3}})
	short := &ResultMsg{RunID: runID, JobID: 0, Record: e.Bytes()}
	short.Delta.AddGame(store.GameEntry{Status: store.Completed, Winners: 1, Moves: []game.Move{3}})
	otherProto := EncodeResultMsg(&ResultMsg{RunID: runID, JobID: 1})
	otherProto[2] = 9 // protocol version 9; the checksum is not even reached
	bad := [][]byte{
		EncodeResultMsg(&ResultMsg{RunID: "another-run", JobID: 0, Record: e.Bytes()}),
		otherProto,
		EncodeResultMsg(&ResultMsg{RunID: runID, JobID: 1 << 40, Record: e.Bytes()}),
		EncodeResultMsg(short), // one game for a job of 500
		[]byte("garbage"),
	}
	settings := runSpec(def, runID).SettingsHash()
	forged := forgedResults(t, ref, runID, settings)
	// Job 0 played with another seed: legal games that end as recorded,
	// so the replay by the rules passes them (checked here); only the
	// settings hash tells them from the run's.
	_, other, otherDef := newRunSeed(t, 10)
	if err := pipeline.Run(context.Background(), other, otherDef, pipeline.Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	otherSpec := runSpec(def, runID)
	otherSpec.Seed = 10
	job0, _, err := stage.PendingJobs(0, 1)
	if err != nil || len(job0) != 1 {
		t.Fatal(job0, err)
	}
	otherSeed := realResult(t, other, runID, job0[0], otherSpec.SettingsHash())
	rc := resultChecker{g: def.Game, maxActions: def.Config.MaxActions, moveBits: def.Config.MoveBits}
	if err := rc.check(job0[0], otherSeed); err != nil {
		t.Fatalf("job 0 of seed 10 fails the rules: %v", err)
	}
	unsigned := realResult(t, ref, runID, job0[0], [32]byte{})
	forged = append(forged,
		forgedResult{otherSeed, "result for job 0 played with other settings"},
		forgedResult{unsigned, "result for job 0 played with other settings than this run's (settings hash 000000000000"})
	for _, f := range forged {
		bad = append(bad, EncodeResultMsg(f.msg))
	}
	for i, b := range bad {
		if _, err := js.Publish(ctx, resultsSubject(runID), b, jetstream.WithMsgID("bad-"+string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}

	var log logBuf
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan error)
	go func() {
		workerDone <- Work(wctx, nc, WorkerOptions{Workers: 2, Version: "test", Registry: builtin.Registry(), Log: &log})
	}()
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	co := &Coordinator{NC: nc, DB: db, Opts: CoordinatorOptions{Lease: 2 * time.Second, Version: "test", Log: &log}}
	err = pipeline.Execute(cctx, stage, def, co, pipeline.Options{})
	st := co.Stats()
	stopWorker()
	if werr := <-workerDone; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	got, _ := stage.Digest()
	if got != want {
		t.Fatalf("digest %x, local run %x", got, want)
	}
	if err := stage.Verify(); err != nil {
		t.Fatal(err)
	}
	if st.Refused != uint64(len(bad)) {
		t.Fatalf("refused %d of %d bad results:\n%s", st.Refused, len(bad), log.String())
	}
	wantLog := []string{"run another-run", "protocol version 9", "job 1099511627776", "does not match job 0", "not a simpipe result"}
	for _, f := range forged {
		wantLog = append(wantLog, f.why)
	}
	for _, s := range wantLog {
		if !strings.Contains(log.String(), s) {
			t.Errorf("no refusal mentioning %q in:\n%s", s, log.String())
		}
	}
	t.Logf("stats %+v; digest %x", st, got)
}

type forgedResult struct {
	msg *ResultMsg
	why string // what the coordinator's refusal says
}

// forgedResults returns results of the run's first jobs with valid
// checksums and the right sizes but impossible content, made from the
// reference run's real records: each must be refused by the checks of
// content against the rules, never committed.
func forgedResults(t *testing.T, ref *store.Stage, runID string, settings [32]byte) []forgedResult {
	t.Helper()
	var chunks []*store.Chunk
	if err := ref.Results(func(c *store.Chunk) error {
		if len(chunks) < 2 {
			chunks = append(chunks, &store.Chunk{First: c.First, MoveBits: c.MoveBits, Raw: cloneRaw(c.Raw)})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 2 || chunks[0].First != 0 {
		t.Fatalf("reference run has %d records", len(chunks))
	}
	// make re-encodes chunk c's games, changed by edit, as a result of job,
	// with the aggregate of what it encodes unless agg is given.
	make := func(job uint64, c *store.Chunk, edit func(i int, g *store.GameEntry), agg *store.Aggregate) *ResultMsg {
		var e store.ChunkEncoder
		e.Reset(c.First, c.MoveBits)
		m := &ResultMsg{RunID: runID, JobID: job, Settings: settings, Attempts: 1}
		for i := range c.Len() {
			g := c.Entry(i)
			if edit != nil {
				edit(i, &g)
			}
			e.Add(g)
			m.Delta.AddGame(g)
		}
		m.Record = e.Bytes()
		if agg != nil {
			m.Delta = *agg
		}
		return m
	}
	real := make(0, chunks[0], nil, nil)
	swapped := real.Delta
	swapped.WinsBySeat[0], swapped.WinsBySeat[1] = swapped.WinsBySeat[1], swapped.WinsBySeat[0]
	if swapped == real.Delta {
		t.Fatal("job 0 has as many wins for each seat")
	}
	firstWin := -1
	for i := range chunks[0].Len() {
		if g := chunks[0].Entry(i); g.Winners != 0 && firstWin < 0 {
			firstWin = i
		}
	}
	failure := make(0, chunks[0], nil, nil)
	failure.Failures = []store.GameFailure{{Index: 3, Attempts: 1, Error: "panic: forged"}}
	return []forgedResult{
		{make(0, chunks[1], nil, nil), "record of games 500+500 does not match job 0"},      // another job's record
		{make(0, chunks[0], nil, &swapped), "aggregate does not match the record of job 0"}, // wins moved to the other seat
		{make(0, chunks[0], func(i int, g *store.GameEntry) {
			if i == firstWin {
				g.Winners ^= 3 // the loser wins
			}
		}, nil), fmt.Sprintf("game %d: recorded winners", firstWin)},
		{make(0, chunks[0], func(i int, g *store.GameEntry) {
			if i == 1 {
				g.Moves = g.Moves[:len(g.Moves)-1] // stops one move early
			}
		}, nil), "game 1: recorded as completed after"},
		{make(0, chunks[0], func(i int, g *store.GameEntry) {
			if c := chunks[0]; i == 2 {
				g.Moves[0] = 1<<c.MoveBits - 1 // no such move in connect four
			}
		}, nil), fmt.Sprintf("game 2: move 1 (code %d) is not legal", 1<<chunks[0].MoveBits-1)},
		{make(0, chunks[0], func(i int, g *store.GameEntry) {
			if i == 4 {
				g.Status = store.Incomplete
				g.Winners = 0
			}
		}, nil), "game 4: recorded as incomplete"},
		{failure, "failures [3] do not match the failed games [] of job 0"},
	}
}

func cloneRaw(raw [][]byte) [][]byte {
	out := make([][]byte, len(raw))
	for i, r := range raw {
		out[i] = append([]byte(nil), r...)
	}
	return out
}

// TestRestartAfterDuplicateWindow restarts a coordinator after the server's
// duplicate window has passed, with every job of the run still waiting in
// the job stream (the first coordinator published them all and stopped
// before any worker came), plus an extra copy of one pending job and a copy
// of a job already done: the second coordinator must take over the copies
// in the stream instead of publishing its jobs a second time, and remove
// the extra ones, so that a worker plays every pending job exactly once and
// nothing done twice is ignored (issue #14: behind 600 such copies the fault
// campaign stalled for a minute).
func TestRestartAfterDuplicateWindow(t *testing.T) {
	t.Setenv(duplicateWindowEnv, "100ms")
	ref, want := localRun(t)
	nc, js := testServer(t)
	ctx := context.Background()
	db, stage, def := newRun(t)
	jobs := def.Config.Jobs
	var log logBuf
	execute := func(ctx context.Context) (CoordinatorStats, error) {
		co := &Coordinator{NC: nc, DB: db, Opts: CoordinatorOptions{Lease: 2 * time.Second, Version: "test", Log: &log}}
		err := pipeline.Execute(ctx, stage, def, co, pipeline.Options{})
		return co.Stats(), err
	}
	inStream := func() uint64 {
		s, err := js.Stream(ctx, JobsStream)
		if err != nil {
			return 0
		}
		return s.CachedInfo().State.Msgs
	}

	// The first coordinator publishes every job; no worker takes any.
	cctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := execute(cctx); err != nil && !errors.Is(err, pipeline.ErrInterrupted) {
			t.Error(err)
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); inStream() < jobs; {
		if time.Now().After(deadline) {
			t.Fatalf("%d job messages in the stream, want %d", inStream(), jobs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done

	// Commit job 0 here, as the first coordinator would have once a
	// worker's result came back, and leave its message in the stream, as a
	// lost acknowledgement would; add a second copy of job 1.
	pending, _, err := stage.PendingJobs(0, 2)
	if err != nil || len(pending) != 2 {
		t.Fatal(pending, err)
	}
	if err := commitFrom(ref, stage, pending[0]); err != nil {
		t.Fatal(err)
	}
	runID, _ := RunID(db, stage)
	jm := &JobMsg{Run: RunSpec{SimpipeVersion: "test", RunID: runID, Game: def.Config.Game, Lineup: def.Config.Players,
		Seed: def.Config.Seed, MaxActions: def.Config.MaxActions, MoveBits: def.Config.MoveBits, RotateSeats: def.Config.RotateSeats,
		Models: def.Config.Models}, Job: pending[1]}
	_, err = js.Publish(ctx, jobSubject(runID, pending[1].ID), EncodeJobMsg(jm), jetstream.WithMsgID(jobMsgID(runID, pending[1].ID, "test", 7)))
	if err != nil && !isMaxMsgsPerSubject(err) { // the job's subject holds one message
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // past the duplicate window

	// The second coordinator takes over; then a worker plays the run (a
	// worker already there would have played some jobs before the
	// coordinator could see them in the stream: their results, not yet
	// committed, are not among the jobs in the stream, and those are
	// published again).
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var st CoordinatorStats
	coDone := make(chan error, 1)
	go func() {
		var err error
		st, err = execute(cctx)
		coDone <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), "took over") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	// A result delivered to the coordinator and lost on the way (after a
	// partition of its link) must come back before its job's lease runs
	// out twice and the job is published again: the results consumer's
	// AckWait is under the lease (it was 5 minutes).
	if ci, err := js.Consumer(ctx, ResultsStream, "simpipe-coordinator-"+runID); err != nil {
		t.Fatal(err)
	} else if aw := ci.CachedInfo().Config.AckWait; aw >= 2*time.Second {
		t.Errorf("results consumer AckWait %s, not under the 2s lease", aw)
	}
	var results atomic.Uint64
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan error)
	go func() {
		workerDone <- Work(wctx, nc, WorkerOptions{Workers: 2, Version: "test", Registry: builtin.Registry(), Log: &log,
			OnResult: func() { results.Add(1) }})
	}()
	err = <-coDone
	stopWorker()
	if werr := <-workerDone; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if got, _ := stage.Digest(); got != want {
		t.Fatalf("digest %x, local run %x", got, want)
	}
	if err := stage.Verify(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stats %+v; %d results played", st, results.Load())
	if took := fmt.Sprintf("took over %d pending jobs already in the stream, removed the messages of 1 jobs already done", jobs-1); !strings.Contains(log.String(), took) {
		t.Errorf("no %q in:\n%s", took, log.String())
	}
	if st.Duplicates != 0 || results.Load() != jobs-1 {
		t.Fatalf("the worker played %d results for %d jobs and the coordinator ignored %d duplicates: jobs already in the stream were published again\n%s",
			results.Load(), jobs-1, st.Duplicates, log.String())
	}
}

// realResult returns the result message of job j made of the record that
// stage ref holds for its games, with settings hash settings.
func realResult(t *testing.T, ref *store.Stage, runID string, j store.Job, settings [32]byte) *ResultMsg {
	t.Helper()
	var m *ResultMsg
	err := ref.Results(func(c *store.Chunk) error {
		if c.First != j.First || m != nil {
			return nil
		}
		var e store.ChunkEncoder
		e.Reset(c.First, c.MoveBits)
		m = &ResultMsg{RunID: runID, JobID: j.ID, Settings: settings, Attempts: 1}
		for i := range c.Len() {
			g := c.Entry(i)
			e.Add(g)
			m.Delta.AddGame(g)
		}
		m.Record = append([]byte(nil), e.Bytes()...)
		return nil
	})
	if err != nil || m == nil {
		t.Fatalf("no record of games %d+ in the reference run (%v)", j.First, err)
	}
	return m
}

// commitFrom commits job j of stage with the record that the reference
// stage ref holds for its games.
func commitFrom(ref, stage *store.Stage, j store.Job) error {
	var r *store.JobResult
	err := ref.Results(func(c *store.Chunk) error {
		if c.First != j.First || r != nil {
			return nil
		}
		var e store.ChunkEncoder
		e.Reset(c.First, c.MoveBits)
		r = &store.JobResult{Job: j, Attempts: 1}
		for i := range c.Len() {
			g := c.Entry(i)
			e.Add(g)
			r.Delta.AddGame(g)
		}
		r.Record = append([]byte(nil), e.Bytes()...)
		return nil
	})
	if err != nil {
		return err
	}
	if r == nil {
		return fmt.Errorf("no record of games %d+ in the reference run", j.First)
	}
	_, err = stage.Commit([]store.JobResult{*r})
	return err
}

// leaseStream is the part of the job stream checkLeases uses: Info lists
// the job subjects of inStream, or fails with err.
type leaseStream struct {
	jetstream.Stream
	inStream map[string]uint64
	err      error
	delay    time.Duration // before each answer
}

func (s *leaseStream) Info(context.Context, ...jetstream.StreamInfoOpt) (*jetstream.StreamInfo, error) {
	time.Sleep(s.delay)
	if s.err != nil {
		return nil, s.err
	}
	return &jetstream.StreamInfo{State: jetstream.StreamState{Subjects: s.inStream}}, nil
}

// leaseJS counts the job messages published.
type leaseJS struct {
	jetstream.JetStream
	published []string // subjects
}

func (js *leaseJS) Publish(_ context.Context, subj string, _ []byte, _ ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	js.published = append(js.published, subj)
	return &jetstream.PubAck{}, nil
}

// TestLeaseWithServerOutOfReach checks the lease rounds of a job whose
// message is gone from the stream (a worker acknowledged it, its result not
// committed yet): it is published again a lease after it was found gone,
// but not when a check in between could not reach the server, since no
// result could have come meanwhile (the full fault campaign published 34
// jobs again in vain after partitions of the coordinator and the server).
func TestLeaseWithServerOutOfReach(t *testing.T) {
	stream, js := &leaseStream{inStream: map[string]uint64{jobSubject("r", 1): 1}}, &leaseJS{}
	c := &coordinator{
		opts: CoordinatorOptions{Lease: 400 * time.Millisecond, Log: io.Discard}, spec: RunSpec{RunID: "r"}, nonce: "n",
		js: js, jobsStream: stream, prog: &pipeline.Progress{},
		published: map[uint64]*pubJob{}, finished: map[uint64]bool{},
	}
	for id := range uint64(2) {
		c.published[id] = &pubJob{job: store.Job{ID: id, First: id * 10, Count: 10}}
	}
	// check runs a lease check whose request fails (the server is out of
	// reach), or is answered late (sent into a stalled link and answered
	// after it healed: the server was out of reach too), or at once.
	const fails, late, prompt = 1, 2, 3
	check := func(how int) {
		t.Helper()
		stream.err, stream.delay = nil, 0
		switch how {
		case fails:
			stream.err = context.DeadlineExceeded
		case late:
			stream.delay = c.opts.Lease/4 + 20*time.Millisecond
		}
		for _, p := range c.published {
			p.deadline = time.Now().Add(-time.Millisecond) // the lease ran out
		}
		if err := c.checkLeases(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	check(prompt) // job 0 gone, job 1 in the stream
	if len(js.published) != 0 || !c.published[0].gone || c.published[1].gone {
		t.Fatalf("after the first check: published %v, job 0 gone %v, job 1 gone %v", js.published, c.published[0].gone, c.published[1].gone)
	}
	for _, out := range []int{fails, late} {
		if out == fails {
			check(fails)
			check(prompt)
		} else {
			check(late)
		}
		if len(js.published) != 0 {
			t.Fatalf("job published again (%v) although the server was out of reach during its last lease (check %d)", js.published, out)
		}
	}
	check(prompt)
	if want := []string{jobSubject("r", 0)}; !slices.Equal(js.published, want) || c.republished.Load() != 1 || c.published[0].gen != 1 {
		t.Fatalf("published %v (want %v), %d republished, generation %d: a job gone for a whole lease with the server in reach must be published again",
			js.published, want, c.republished.Load(), c.published[0].gen)
	}
}

// TestRestartWithResultsWaiting starts a coordinator when the results of
// every pending job are waiting in the result stream and none of their job
// messages is left (a worker played them all while there was no
// coordinator): it must commit them and publish nothing, rather than
// publish the jobs it does not find in the job stream, which workers would
// play again for their results to be ignored.
func TestRestartWithResultsWaiting(t *testing.T) {
	_, want := localRun(t)
	nc, js := testServer(t)
	ctx := context.Background()
	db, stage, def := newRun(t)
	jobs := def.Config.Jobs
	var log logBuf
	execute := func(ctx context.Context) (CoordinatorStats, error) {
		co := &Coordinator{NC: nc, DB: db, Opts: CoordinatorOptions{Lease: 2 * time.Second, Version: "test", Log: &log}}
		err := pipeline.Execute(ctx, stage, def, co, pipeline.Options{})
		return co.Stats(), err
	}
	msgs := func(name string) uint64 {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return 0
		}
		return s.CachedInfo().State.Msgs
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s within 30 s:\n%s", what, log.String())
			}
		}
	}

	// A coordinator publishes every job and stops; a worker plays them all.
	cctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := execute(cctx); err != nil && !errors.Is(err, pipeline.ErrInterrupted) {
			t.Error(err)
		}
	}()
	waitFor("job messages", func() bool { return msgs(JobsStream) == jobs })
	stop()
	<-done
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan error)
	go func() {
		workerDone <- Work(wctx, nc, WorkerOptions{Workers: 2, Version: "test", Registry: builtin.Registry(), Log: &log})
	}()
	waitFor("results of every job", func() bool { return msgs(ResultsStream) == jobs && msgs(JobsStream) == 0 })
	stopWorker()
	if err := <-workerDone; err != nil {
		t.Fatal(err)
	}

	// The next coordinator commits the results and publishes nothing.
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := execute(cctx)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if got, _ := stage.Digest(); got != want {
		t.Fatalf("digest %x, local run %x", got, want)
	}
	if st.Published != 0 || st.Duplicates != 0 {
		t.Fatalf("stats %+v: the coordinator published jobs whose results were waiting in the stream\n%s", st, log.String())
	}
}
