package faults

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Fault kinds.
const (
	partitionWorker = "partition worker"
	partitionCoord  = "partition coordinator"
	partitionServer = "partition server"
	delayLoss       = "delay+loss on a worker link"
	delayOnly       = "delay on a worker link"
	pauseWorker     = "SIGSTOP worker past its lease"
	killWorker      = "SIGKILL worker"
	killCoord       = "SIGKILL coordinator"
	killServer      = "SIGKILL server"
)

// fault is one scheduled fault and what it did.
type fault struct {
	kind          string
	worker        int           // target worker, for worker faults
	hold          time.Duration // how long it lasts before it is healed (or the process restarted)
	delay, jitter int           // ms, for link faults
	start, healed time.Time
	cost          time.Duration // time lost against the fault-free rate
}

func (f *fault) String() string {
	s := f.kind
	if strings.Contains(f.kind, "worker") {
		s += fmt.Sprintf(" %d", f.worker+1)
	}
	if f.delay > 0 {
		s += fmt.Sprintf(" (%d±%d ms each way", f.delay, f.jitter)
		if f.kind == delayLoss {
			s += ", 5 % loss each way"
		}
		s += ")"
	}
	return s
}

// schedule draws the campaign's faults from seed: the kinds of kinds, in a
// random order, each with a random target and length.
func schedule(seed uint64, kinds []string, workers int, lease time.Duration, scale float64) []*fault {
	rng := rand.New(rand.NewPCG(seed, 14))
	between := func(lo, hi time.Duration) time.Duration {
		lo, hi = time.Duration(float64(lo)*scale), time.Duration(float64(hi)*scale)
		return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
	}
	fs := make([]*fault, 0, len(kinds))
	for _, k := range kinds {
		f := &fault{kind: k, worker: rng.IntN(workers)}
		switch k {
		case partitionWorker, partitionCoord, partitionServer:
			f.hold = between(3*time.Second, 8*time.Second)
		case delayLoss, delayOnly:
			f.hold = between(5*time.Second, 10*time.Second)
			f.delay, f.jitter = 50+rng.IntN(151), 5+rng.IntN(26)
		case pauseWorker:
			f.hold = 2*lease + between(0, 2*time.Second) // never scaled: it must outlast the lease
		case killWorker, killCoord, killServer:
			f.hold = between(500*time.Millisecond, 2*time.Second) // down before the restart
		}
		fs = append(fs, f)
	}
	rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	return fs
}

// progress samples the games committed over time.
type progress struct {
	mu      sync.Mutex
	t       []time.Time // guarded by mu
	games   []uint64    // guarded by mu
	stopped chan struct{}
}

func watch(db string, done <-chan struct{}) *progress {
	p := &progress{stopped: make(chan struct{})}
	go func() {
		defer close(p.stopped)
		for {
			if r, ok := inspect(db); ok {
				p.mu.Lock()
				p.t = append(p.t, time.Now())
				p.games = append(p.games, r.GamesDone)
				p.mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()
	return p
}

// at returns the games committed at time t (the last sample before it).
func (p *progress) at(t time.Time) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := sort.Search(len(p.t), func(i int) bool { return p.t[i].After(t) })
	if i == 0 {
		return 0
	}
	return p.games[i-1]
}

func (p *progress) last() uint64 { return p.at(time.Now()) }

// campaign configures TestFaultCampaign: SIMPIPE_FAULTS=full gives the
// full campaign (make fault-campaign), anything else the reduced one that
// make test runs.
type campaign struct {
	name  string
	games int
	kinds []string
	lease time.Duration
	scale float64 // of the faults' lengths
}

func campaignConfig() campaign {
	reduced := []string{partitionWorker, delayLoss, pauseWorker, killWorker, killCoord, killServer}
	if os.Getenv("SIMPIPE_FAULTS") == "full" {
		var kinds []string
		for range 2 {
			kinds = append(kinds, reduced...)
			kinds = append(kinds, partitionCoord, partitionServer, delayOnly)
		}
		return campaign{name: "full", games: 120000, kinds: kinds, lease: 3 * time.Second, scale: 1}
	}
	return campaign{name: "reduced", games: 30000, kinds: reduced, lease: 2 * time.Second, scale: 0.6}
}

// gameSleep is how long each game of the campaign's run takes on a worker
// (see testgames.Slow): four workers play at most 1,000 games a second,
// however busy the machine, so that the run outlasts the schedule.
const gameSleep = 4 * time.Millisecond

// TestFaultCampaign plays a run of slow tic-tac-toe (testgames.Slow) on four workers, a
// coordinator and a NATS server in network namespaces of their own while
// faults drawn from a seed hit them one after another, each when a further
// share of the run is committed: silent partitions of a worker, of the
// coordinator and of the server (iptables drops every packet of its link,
// then lets them through again), delay of 50-200 ms with jitter on a
// worker's link, 5 % packet loss on it, SIGSTOP of a worker for two leases
// and more (it wakes up holding jobs that were played elsewhere, and
// publishes stale results), and SIGKILL of a worker, of the coordinator and
// of the server, each restarted. Then: the digest equals a local run's,
// the store's full check passes with every job done once, stale and
// duplicate results were dropped and counted, the run finished within a
// stated bound after the last fault was healed, and each fault's cost in
// time is logged. SIMPIPE_FAULTS_SEED replays a campaign.
func TestFaultCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault campaign plays a run of half a minute or more (make test runs it; make test-race's -short does not)")
	}
	cfg := campaignConfig()
	seed := uint64(time.Now().UnixNano() % 1e6)
	if s := os.Getenv("SIMPIPE_FAULTS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	const workers = 4
	lease := cfg.lease
	faults := schedule(seed, cfg.kinds, workers, lease, cfg.scale)
	t.Logf("%s campaign, seed %d (SIMPIPE_FAULTS_SEED=%d replays it): %d faults", cfg.name, seed, seed, len(faults))

	c := newCluster(t, workers, seed)
	var prog *progress
	t.Cleanup(func() {
		if t.Failed() {
			c.dumpLogs(t, 40)
		}
		c.saveLogs(t, prog, faults)
	})
	args := []string{"--game", "test-slow", "--games", strconv.Itoa(cfg.games), "--chunk", "100", "--seed", "14", "--progress", "none"}
	want := reference(t, c.dir, args)
	db := filepath.Join(c.dir, "campaign.db")
	c.coArgs = c.runArgs(db, lease, args)
	c.workerEnv = []string{"SIMPIPE_TESTGAME_SLEEP=" + gameSleep.String()}
	// A duplicate window of one second instead of two minutes: the stale
	// results of a paused worker, and the jobs a restarted coordinator
	// publishes again, get past the server's de-duplication and must be
	// caught by the coordinator's.
	c.coordEnv = []string{"SIMPIPE_NATS_DUPLICATE_WINDOW=1s"}
	for i := range workers {
		c.startWorker(i)
	}
	begin := time.Now()
	c.startCoordinator()
	finished := make(chan struct{})
	var finishedAt time.Time
	go func() {
		// The run is over when a coordinator exits 0; killed ones exit
		// otherwise, and the campaign starts the next.
		for {
			co := c.currentCoordinator()
			<-co.done
			if co.code == 0 {
				finishedAt = time.Now()
				close(finished)
				return
			}
			for wait := 0; c.currentCoordinator() == co; wait++ {
				if wait > 1200 {
					return // not restarted within a minute: the campaign fails on its own deadline
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}()
	prog = watch(db, finished)

	total := uint64(cfg.games)
	for i, f := range faults {
		// Fault i comes once a further share of the run is committed, so
		// that every fault hits a run in progress.
		goal := total * uint64(i+1) / uint64(len(faults)+2)
		deadline := time.Now().Add(90 * time.Second)
		for prog.last() < goal {
			if time.Now().After(deadline) {
				t.Fatalf("the run did not reach %d games within 90 s after the previous fault", goal)
			}
			select {
			case <-finished:
				t.Fatalf("the run finished before fault %d of %d (%s); give it more games", i+1, len(faults), f)
			case <-time.After(100 * time.Millisecond):
			}
		}
		select {
		case <-finished:
			t.Fatalf("the run finished before fault %d of %d (%s); give it more games", i+1, len(faults), f)
		default:
		}
		c.inject(t, f)
		t.Logf("t=%5.1fs  %-60s held %4.1fs  (%d games committed)", f.start.Sub(begin).Seconds(), f.String(), f.hold.Seconds(), prog.at(f.start))
		time.Sleep(time.Duration(500+rand.IntN(1000)) * time.Millisecond)
	}
	lastHeal := faults[len(faults)-1].healed
	for _, f := range faults {
		if f.healed.After(lastHeal) {
			lastHeal = f.healed
		}
	}
	left := total - prog.at(lastHeal)

	// The fault-free rate: games committed from the first commit to the
	// first fault.
	var first time.Time
	prog.mu.Lock()
	for i, g := range prog.games {
		if g > 0 {
			first = prog.t[i]
			break
		}
	}
	prog.mu.Unlock()
	rate := float64(prog.at(faults[0].start)) / faults[0].start.Sub(first).Seconds()
	bound := 30*time.Second + 2*lease + time.Duration(2*float64(left)/rate*float64(time.Second))
	select {
	case <-finished:
	case <-time.After(bound + 30*time.Second):
		t.Fatalf("the run did not finish within %s of the last heal (bound %s); coordinator:\n%s", time.Since(lastHeal), bound, c.currentCoordinator().output())
	}
	<-prog.stopped
	after := finishedAt.Sub(lastHeal)
	c.stopWorkers(t)

	// Checks: the digest, the store, every job done once.
	got, ok := inspect(db)
	if !ok {
		t.Fatal("cannot inspect the run")
	}
	if got.ResultsDigest != want.ResultsDigest || got.GamesDone != want.GamesDone {
		t.Fatalf("digest %s (%d games), local run %s (%d games)", got.ResultsDigest, got.GamesDone, want.ResultsDigest, want.GamesDone)
	}
	verify(t, db)
	jobs := uint64(cfg.games / 100)
	others := uint64(0)
	for state, n := range got.JobsByState {
		if state != "done" {
			others += n
		}
	}
	if got.JobsByState["done"] != jobs || others != 0 {
		t.Fatalf("jobs by state %v, want %d done", got.JobsByState, jobs)
	}
	st := coordStats(t, c.co)
	stale := 0
	for _, w := range c.allWorkers {
		stale += lines(w.output(), "was already stored")
	}
	pauses := 0
	byKind := map[string]int{}
	for _, f := range faults {
		byKind[f.kind]++
		if f.kind == pauseWorker {
			pauses++
		}
	}
	ignored := 0 // by every coordinator that reported
	for _, co := range c.allCoords {
		if m := coordRe.FindStringSubmatch(co.output()); m != nil {
			n, _ := strconv.Atoi(m[3])
			ignored += n
		}
	}
	// A woken worker's stale result is either dropped by the server (the
	// same message ID as the result that won, within its duplicate window)
	// or ignored and counted by the coordinator; which one depends on when
	// it wakes.
	if ignored+stale < pauses {
		t.Errorf("%d SIGSTOPs past the lease, but only %d stale results were ignored by the coordinator and %d dropped by the server", pauses, ignored, stale)
	}
	if after > bound {
		t.Errorf("the run finished %s after the last fault was healed; the bound is %s (30 s + 2 leases + twice the time the %d games left take at the fault-free %.0f games/s)", after.Round(time.Millisecond), bound, left, rate)
	}

	// What each fault cost: the time from its start to the next fault's
	// (or the end) less the time its games take at the fault-free rate.
	for i, f := range faults {
		end := finishedAt
		if i+1 < len(faults) {
			end = faults[i+1].start
		}
		games := float64(prog.at(end) - prog.at(f.start))
		if i+1 == len(faults) {
			games = float64(total - prog.at(f.start))
		}
		f.cost = end.Sub(f.start) - time.Duration(games/rate*float64(time.Second))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "faults injected by kind:")
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, " %s %d;", k, byKind[k])
	}
	fmt.Fprintf(&b, "\ngames %d, lost 0, counted twice 0 (digest %s = local run's, store verified, %d jobs done once)", got.GamesDone, got.ResultsDigest[:16], got.JobsByState["done"])
	fmt.Fprintf(&b, "\nstale or repeated results: %d ignored and counted by the coordinator, %d more dropped by the server (duplicate message ID within its window, 1 s here); %d refused; %d jobs republished after their lease (last coordinator)",
		ignored, stale, st[3], st[1])
	fmt.Fprintf(&b, "\nfault-free rate %.0f games/s; run took %.1f s; finished %.1f s after the last heal (bound %.1f s)", rate, finishedAt.Sub(begin).Seconds(), after.Seconds(), bound.Seconds())
	fmt.Fprintf(&b, "\ncost of each fault (time lost against the fault-free rate, recovery included):")
	costs := map[string][]float64{}
	for _, f := range faults {
		fmt.Fprintf(&b, "\n  %-62s held %4.1f s  cost %5.1f s", f.String(), f.hold.Seconds(), f.cost.Seconds())
		costs[f.kind] = append(costs[f.kind], f.cost.Seconds())
	}
	fmt.Fprintf(&b, "\ncost by kind (each fault's, and their sum):")
	for _, k := range kinds {
		sum, each := 0.0, make([]string, len(costs[k]))
		for i, c := range costs[k] {
			sum += c
			each[i] = fmt.Sprintf("%.1f", c)
		}
		fmt.Fprintf(&b, "\n  %-40s %-16s sum %5.1f s", k, strings.Join(each, ", ")+" s", sum)
	}
	t.Log(b.String())
}

// currentCoordinator returns the coordinator process now in charge.
func (c *natsCluster) currentCoordinator() *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.co
}

// inject applies f, holds it and heals it (or restarts what it killed),
// recording when.
func (c *natsCluster) inject(t *testing.T, f *fault) {
	t.Helper()
	f.start = time.Now()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	w := c.workers[f.worker]
	switch f.kind {
	case partitionWorker, partitionCoord, partitionServer:
		h := map[string]*host{partitionWorker: w, partitionCoord: c.coord, partitionServer: c.server}[f.kind]
		must(h.partition(true))
		time.Sleep(f.hold)
		must(h.partition(false))
	case delayLoss, delayOnly:
		c.setDelay(w, f.delay, f.jitter)
		if f.kind == delayLoss {
			must(w.lose(true))
		}
		time.Sleep(f.hold)
		c.setDelay(w, 0, 0)
		must(w.lose(false))
	case pauseWorker:
		p := c.ws[f.worker]
		p.signal(syscall.SIGSTOP)
		time.Sleep(f.hold)
		p.signal(syscall.SIGCONT)
	case killWorker:
		p := c.ws[f.worker]
		p.signal(syscall.SIGKILL)
		<-p.done
		time.Sleep(f.hold)
		c.startWorker(f.worker)
	case killCoord:
		co := c.currentCoordinator()
		co.signal(syscall.SIGKILL)
		<-co.done
		if co.code == 0 {
			break // it had just finished
		}
		time.Sleep(f.hold)
		c.startCoordinator()
	case killServer:
		c.srv.signal(syscall.SIGKILL)
		<-c.srv.done
		time.Sleep(f.hold)
		c.startServer()
	}
	f.healed = time.Now()
}

// saveLogs writes the whole output of every process started, and the
// progress samples, to the directory SIMPIPE_FAULTS_LOGS names, if set, one
// file per process: the lines are stamped with the time since the tests
// started, so that they line up across files.
func (c *natsCluster) saveLogs(t *testing.T, prog *progress, faults []*fault) {
	dir := os.Getenv("SIMPIPE_FAULTS_LOGS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	procs := append(append(append([]*proc(nil), c.allCoords...), c.allWorkers...), c.allServers...)
	if c.probe != nil {
		procs = append(procs, c.probe)
	}
	for i, p := range procs {
		name := fmt.Sprintf("%02d-%s.log", i, strings.ReplaceAll(p.name, " ", "-"))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(p.output()), 0o644); err != nil {
			t.Log(err)
		}
	}
	if prog != nil {
		var b strings.Builder
		prog.mu.Lock()
		for i, at := range prog.t {
			fmt.Fprintf(&b, "[%7.2fs] %d games committed\n", at.Sub(epoch).Seconds(), prog.games[i])
		}
		prog.mu.Unlock()
		if err := os.WriteFile(filepath.Join(dir, "progress.log"), []byte(b.String()), 0o644); err != nil {
			t.Log(err)
		}
	}
	var b strings.Builder
	for _, f := range faults {
		if !f.start.IsZero() {
			fmt.Fprintf(&b, "[%7.2fs] %s, healed at %.2fs\n", f.start.Sub(epoch).Seconds(), f, f.healed.Sub(epoch).Seconds())
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "faults.log"), []byte(b.String()), 0o644); err != nil {
		t.Log(err)
	}
	t.Logf("process logs in %s", dir)
}

// dumpLogs logs the last n lines of every coordinator and worker started
// and of the server, with the time since each started.
func (c *natsCluster) dumpLogs(t *testing.T, n int) {
	procs := append(append(append([]*proc(nil), c.allCoords...), c.allWorkers...), c.srv)
	for _, p := range procs {
		out := strings.Split(strings.TrimSpace(p.output()), "\n")
		t.Logf("--- %s, last %d lines:\n%s", p.name, min(n, len(out)), strings.Join(out[max(0, len(out)-n):], "\n"))
	}
}
