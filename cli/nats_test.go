package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/cluster"
)

// natsArgs is a run of MCTS tic-tac-toe with jobs of about 20 ms: slow
// enough to kill a worker in the middle, fast enough for make test.
var (
	natsArgs    = []string{"--game", "tictactoe", "--games", "30000", "--players", "mcts:iterations=200,random", "--chunk", "100", "--seed", "7", "--progress", "none"}
	natsRefOnce sync.Once
	natsRef     report
)

func natsReference(t *testing.T) report {
	natsRefOnce.Do(func() { natsRef = referenceFor(t, natsArgs) })
	if natsRef.ResultsDigest == "" {
		t.Fatal("no reference run")
	}
	return natsRef
}

// startNATS starts an embedded NATS server with JetStream on a free
// loopback port for the test and returns its URL.
func startNATS(t *testing.T) string {
	t.Helper()
	srv, err := cluster.StartServer(cluster.ServerOptions{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv.ClientURL()
}

// proc is a simpipe subprocess whose stderr the test can read while it
// runs.
type proc struct {
	cmd       *exec.Cmd
	mu        sync.Mutex
	out, errb bytes.Buffer
	done      chan struct{}
	code      int
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = lockedWriter{&p.mu, &p.out}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.errb}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	return p
}

func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errb.String()
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("%v still running after %s; stderr:\n%s", p.cmd.Args, timeout, p.stderr())
		return -1
	}
}

// waitFor waits until the process's stderr matches re.
func (p *proc) waitFor(t *testing.T, re string, timeout time.Duration) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for !rx.MatchString(p.stderr()) {
		if time.Now().After(deadline) {
			t.Fatalf("%v: no %q within %s; stderr:\n%s", p.cmd.Args, re, timeout, p.stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopWorker interrupts a worker, which drains and exits 0, and returns the
// number of results it published.
func stopWorker(t *testing.T, p *proc) int {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("worker exit %d: %s", code, p.stderr())
	}
	m := regexp.MustCompile(`stopped after (\d+) results`).FindStringSubmatch(p.stderr())
	if m == nil {
		t.Fatalf("worker did not report its results: %s", p.stderr())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var coordRe = regexp.MustCompile(`published (\d+) job messages \((\d+) again after their lease\), ignored (\d+) duplicate results, refused (\d+) result messages`)

func coordStats(t *testing.T, p *proc) []int {
	t.Helper()
	m := coordRe.FindStringSubmatch(p.stderr())
	if m == nil {
		t.Fatalf("coordinator did not report: %s", p.stderr())
	}
	var out []int
	for _, s := range m[1:] {
		n, _ := strconv.Atoi(s)
		out = append(out, n)
	}
	return out
}

// TestNATSTwoWorkersMatchLocal plays a run through a coordinator and two
// worker processes and compares it with a local run of the same config.
func TestNATSTwoWorkersMatchLocal(t *testing.T) {
	want := natsReference(t)
	url := startNATS(t)
	db := filepath.Join(t.TempDir(), "nats.db")
	coord := start(t, nil, append([]string{"run", "--db", db, "--nats", url, "--lease", "5s"}, natsArgs...)...)
	w1 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	w2 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	if code := coord.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	n1, n2 := stopWorker(t, w1), stopWorker(t, w2)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
	st := coordStats(t, coord)
	t.Logf("digest %s; results by worker: %d and %d; coordinator: published %d, republished %d, duplicates %d, refused %d",
		got.ResultsDigest, n1, n2, st[0], st[1], st[2], st[3])
	if n1 == 0 || n2 == 0 || n1+n2 < 300 {
		t.Fatalf("both workers should play: %d and %d results for 300 jobs", n1, n2)
	}
}

// TestNATSWorkerKilled SIGKILLs one of two workers in the middle of a run:
// the server redelivers its jobs to the other after the lease (the job
// consumer's AckWait), no game is counted twice, and the digest equals a
// local run's.
func TestNATSWorkerKilled(t *testing.T) {
	want := natsReference(t)
	url := startNATS(t)
	db := filepath.Join(t.TempDir(), "kill.db")
	coord := start(t, nil, append([]string{"run", "--db", db, "--nats", url, "--lease", "1s"}, natsArgs...)...)
	victim := start(t, nil, "worker", "--nats", url, "--workers", "1")
	victim.waitFor(t, "playing run", 20*time.Second)
	time.Sleep(700 * time.Millisecond)
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.wait(t, 10*time.Second)
	survivor := start(t, nil, "worker", "--nats", url, "--workers", "2")
	if code := coord.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	n := stopWorker(t, survivor)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
	if got.JobsByState["done"] != 300 {
		t.Fatalf("jobs: %v", got.JobsByState)
	}
	st := coordStats(t, coord)
	redelivered := strings.Count(survivor.stderr(), "redelivered")
	t.Logf("killed a worker after 0.7 s of play; survivor played %d results, %d of them redelivered jobs; coordinator: published %d, republished %d, duplicates %d; digest %s",
		n, redelivered, st[0], st[1], st[2], got.ResultsDigest)
	if n >= 300 || redelivered == 0 {
		t.Fatalf("the killed worker's jobs were not redelivered to the survivor (%d results, %d redelivered):\n%s", n, redelivered, survivor.stderr())
	}
}

// TestNATSRefusesOtherProtocol starts a worker that speaks another protocol
// version: it refuses (terminates) every job with a clear log line, no
// result of it is committed, and the run finishes with the right digest
// once a good worker joins (the coordinator republishes the refused jobs
// after their lease).
func TestNATSRefusesOtherProtocol(t *testing.T) {
	want := natsReference(t)
	url := startNATS(t)
	db := filepath.Join(t.TempDir(), "refuse.db")
	coord := start(t, nil, append([]string{"run", "--db", db, "--nats", url, "--lease", "500ms"}, natsArgs...)...)
	bad := start(t, []string{"SIMPIPE_NATS_PROTOCOL=2"}, "worker", "--nats", url, "--workers", "1")
	bad.waitFor(t, `refused job message .*job message of protocol version 1, this simpipe speaks version 2`, 20*time.Second)
	if n := stopWorker(t, bad); n != 0 {
		t.Fatalf("the other-protocol worker published %d results", n)
	}
	good := start(t, nil, "worker", "--nats", url, "--workers", "2")
	if code := coord.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	stopWorker(t, good)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
	st := coordStats(t, coord)
	if st[1] == 0 {
		t.Fatalf("no job was republished after the refusals: %s", coord.stderr())
	}
	line := bad.stderr()
	if i := strings.Index(line, "refused job message"); i >= 0 {
		line = line[i:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
	}
	t.Logf("bad worker: %s; coordinator republished %d jobs", line, st[1])
}
