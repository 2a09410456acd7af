package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
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

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/cluster"
	"github.com/simpipe/simpipe/internal/testcert"
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
	bad := start(t, []string{"SIMPIPE_NATS_PROTOCOL=3"}, "worker", "--nats", url, "--workers", "1")
	bad.waitFor(t, `refused job message .*job message of protocol version 2, this simpipe speaks version 3`, 20*time.Second)
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

// waitLiveGames waits until the run on db has committed at least n games,
// as its live status (inspect on a running DB) says.
func waitLiveGames(t *testing.T, db string, n uint64, timeout time.Duration) uint64 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if _, err := os.Stat(db + ".live"); err == nil {
			if r := inspect(t, db); r.Live != nil && r.Live.GamesDone >= n {
				return r.Live.GamesDone
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run on %s did not commit %d games within %s", db, n, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNATSCoordinatorKilled SIGKILLs the coordinator in the middle of a run
// while two workers go on playing, then starts it again on the same DB. The
// results the workers published meanwhile wait in the result stream; copies
// of results already published are injected under fresh message IDs (as a
// worker that played a republished job after the server's duplicate window
// would send them): the resumed coordinator commits each job once, ignores
// and counts every late copy, and the digest equals a local run's.
func TestNATSCoordinatorKilled(t *testing.T) {
	want := natsReference(t)
	url := startNATS(t)
	// Record every result published, to inject late copies of them.
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var (
		capMu    sync.Mutex
		captured []*nats.Msg
	)
	sub, err := nc.Subscribe("simpipe.results.>", func(m *nats.Msg) {
		capMu.Lock()
		captured = append(captured, m)
		capMu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	db := filepath.Join(t.TempDir(), "coord.db")
	args := append([]string{"run", "--db", db, "--nats", url, "--lease", "2s"}, natsArgs...)
	first := start(t, nil, args...)
	w1 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	w2 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	live := waitLiveGames(t, db, 6000, 60*time.Second)
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait(t, 10*time.Second)
	verify(t, db) // the checkpoint is consistent after the kill
	mid := inspect(t, db)
	if mid.GamesDone == 0 || mid.GamesDone >= mid.GamesTotal {
		t.Fatalf("killed coordinator left %d of %d games", mid.GamesDone, mid.GamesTotal)
	}
	// The workers go on playing without a coordinator for a while.
	time.Sleep(time.Second)

	const late = 25
	capMu.Lock()
	inject := append([]*nats.Msg(nil), captured[:min(late, len(captured))]...)
	capMu.Unlock()
	if len(inject) < late {
		t.Fatalf("only %d results published before the kill", len(inject))
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range inject {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.Publish(ctx, m.Subject, m.Data, jetstream.WithMsgID(fmt.Sprintf("late-copy-%d", i)))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	waiting := 0
	if si, err := js.Stream(context.Background(), cluster.ResultsStream); err == nil {
		waiting = int(si.CachedInfo().State.Msgs)
	}

	second := start(t, nil, args...)
	if code := second.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("resumed coordinator exit %d: %s", code, second.stderr())
	}
	n1, n2 := stopWorker(t, w1), stopWorker(t, w2)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
	if got.JobsByState["done"] != 300 {
		t.Fatalf("jobs: %v", got.JobsByState)
	}
	st := coordStats(t, second)
	t.Logf("killed the coordinator after %d games committed (%d in the DB after the kill); %d results waiting in the stream at the restart, %d of them late copies; "+
		"workers played %d and %d results; resumed coordinator: published %d, republished %d, ignored %d duplicate results, refused %d; digest %s",
		live, mid.GamesDone, waiting, late, n1, n2, st[0], st[1], st[2], st[3], got.ResultsDigest)
	if st[2] < late {
		t.Fatalf("the resumed coordinator ignored %d duplicate results, want at least the %d late copies:\n%s", st[2], late, second.stderr())
	}
}

// freePort returns a loopback TCP port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startNATSProc starts 'simpipe nats-server' on store and addr and waits
// until it listens.
func startNATSProc(t *testing.T, store, addr string) *proc {
	t.Helper()
	p := start(t, nil, "nats-server", "--store", store, "--listen", addr)
	p.waitFor(t, "listening on", 20*time.Second)
	return p
}

// TestNATSServerRestarted SIGKILLs the NATS server (a 'simpipe nats-server'
// process) in the middle of a run and starts it again on the same store and
// port: the coordinator and both workers reconnect, the streams and
// consumers come back from the store, and the run completes with a local
// run's digest.
func TestNATSServerRestarted(t *testing.T) {
	want := natsReference(t)
	store := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	url := "nats://" + addr
	srv := startNATSProc(t, store, addr)

	db := filepath.Join(t.TempDir(), "srv.db")
	coord := start(t, nil, append([]string{"run", "--db", db, "--nats", url, "--lease", "2s"}, natsArgs...)...)
	w1 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	w2 := start(t, nil, "worker", "--nats", url, "--workers", "1")
	live := waitLiveGames(t, db, 6000, 60*time.Second)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.wait(t, 10*time.Second)
	down := time.Now()
	time.Sleep(time.Second)
	srv2 := startNATSProc(t, store, addr)
	outage := time.Since(down)
	if code := coord.wait(t, 90*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	n1, n2 := stopWorker(t, w1), stopWorker(t, w2)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
	if got.JobsByState["done"] != 300 {
		t.Fatalf("jobs: %v", got.JobsByState)
	}
	for _, p := range []*proc{coord, w1, w2} {
		if !strings.Contains(p.stderr(), "reconnected to") {
			t.Fatalf("%v did not reconnect:\n%s", p.cmd.Args, p.stderr())
		}
	}
	_ = srv2.cmd.Process.Signal(syscall.SIGINT)
	if code := srv2.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("nats-server exit %d: %s", code, srv2.stderr())
	}
	if os.Getenv("SIMPIPE_NATS_DEBUG") != "" {
		t.Logf("coordinator:\n%s\nworker 1:\n%s\nworker 2:\n%s", coord.stderr(), w1.stderr(), w2.stderr())
	}
	st := coordStats(t, coord)
	t.Logf("SIGKILLed the NATS server after %d games committed, restarted it on the same store %.1fs later; all three clients reconnected; "+
		"workers played %d and %d results; coordinator: published %d, republished %d, ignored %d duplicate results, refused %d; digest %s",
		live, outage.Seconds(), n1, n2, st[0], st[1], st[2], st[3], got.ResultsDigest)
}

// onlyLine returns the only line of s, failing if there are more.
func onlyLine(t *testing.T, what, s string) string {
	t.Helper()
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "\n") {
		t.Fatalf("%s: want one line, got:\n%s", what, s)
	}
	return s
}

// TestNATSAuth starts 'simpipe nats-server' with a token and TLS: workers
// and coordinators without the token, with a wrong one, or without the
// server's authority are refused with one line and a non-zero exit; a
// server with client certificates refuses a client without one; a
// non-loopback --listen without a token is refused; and a run whose
// coordinator and workers have the right credentials gets a local run's
// digest.
func TestNATSAuth(t *testing.T) {
	dir := t.TempDir()
	certs := testcert.Write(t, dir)
	token, wrong := filepath.Join(dir, "token"), filepath.Join(dir, "wrong")
	if err := os.WriteFile(token, []byte("s3cret-of-this-cluster\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrong, []byte("guess\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	open := start(t, nil, "nats-server", "--store", t.TempDir(), "--listen", "0.0.0.0:0")
	if code := open.wait(t, 20*time.Second); code != 2 {
		t.Fatalf("nats-server on 0.0.0.0 without a token: exit %d: %s", code, open.stderr())
	}
	line := onlyLine(t, "open listen", open.stderr())
	if !strings.Contains(line, "not a loopback address") {
		t.Fatalf("open listen: %s", line)
	}
	t.Logf("0.0.0.0 without a token: %s", line)

	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	url := "nats://" + addr
	srv := start(t, nil, "nats-server", "--store", t.TempDir(), "--listen", addr, "--token-file", token,
		"--tls-cert", certs.ServerCert, "--tls-key", certs.ServerKey)
	srv.waitFor(t, "listening on", 20*time.Second)

	tlsOK := []string{"--tls-ca", certs.CA}
	refusals := []struct {
		name, want string
		args       []string
	}{
		{"worker without a token", "Authorization Violation", append([]string{"worker", "--nats", url}, tlsOK...)},
		{"worker with a wrong token", "Authorization Violation", append([]string{"worker", "--nats", url, "--token-file", wrong}, tlsOK...)},
		{"worker trusting another authority", "certificate signed by unknown authority", []string{"worker", "--nats", url, "--token-file", token, "--tls-ca", certs.OtherCA}},
		{"worker without TLS settings", "certificate signed by unknown authority", []string{"worker", "--nats", url, "--token-file", token}},
		{"coordinator with a wrong token", "Authorization Violation",
			append(append([]string{"run", "--db", filepath.Join(t.TempDir(), "x.db"), "--nats", url, "--token-file", wrong}, tlsOK...), "--game", "tictactoe", "--games", "10", "--progress", "none")},
	}
	for _, r := range refusals {
		p := start(t, nil, r.args...)
		code := p.wait(t, 20*time.Second)
		errLines := regexp.MustCompile(`(?m)^.*(error|refused|nats).*$`).FindAllString(p.stderr(), -1)
		var line string
		for _, l := range errLines {
			if strings.Contains(l, r.want) {
				line = l
			}
		}
		if r.args[0] == "worker" {
			line = onlyLine(t, r.name, p.stderr())
		}
		if code == 0 || !strings.Contains(line, r.want) || strings.Count(p.stderr(), r.want) != 1 {
			t.Fatalf("%s: exit %d, want a non-zero exit and one line with %q:\n%s", r.name, code, r.want, p.stderr())
		}
		t.Logf("%s: exit %d: %s", r.name, code, line)
	}

	// A server that wants client certificates refuses a client without one.
	mtlsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	mtls := start(t, nil, "nats-server", "--store", t.TempDir(), "--listen", mtlsAddr, "--token-file", token,
		"--tls-cert", certs.ServerCert, "--tls-key", certs.ServerKey, "--tls-ca", certs.CA)
	mtls.waitFor(t, "listening on", 20*time.Second)
	nocert := start(t, nil, "worker", "--nats", "nats://"+mtlsAddr, "--token-file", token, "--tls-ca", certs.CA)
	if code := nocert.wait(t, 20*time.Second); code == 0 {
		t.Fatalf("worker without a client certificate: exit 0: %s", nocert.stderr())
	}
	t.Logf("worker without a client certificate: %s", onlyLine(t, "no client cert", nocert.stderr()))
	withCert := start(t, nil, "worker", "--nats", "nats://"+mtlsAddr, "--token-file", token, "--tls-ca", certs.CA,
		"--tls-cert", certs.ClientCert, "--tls-key", certs.ClientKey)
	withCert.waitFor(t, "waiting for a coordinator", 20*time.Second)
	stopWorker(t, withCert)

	// The run's own processes get in and play.
	args := []string{"--game", "tictactoe", "--games", "3000", "--players", "mcts:iterations=50,random", "--chunk", "100", "--seed", "3", "--progress", "none"}
	want := referenceFor(t, args)
	creds := append([]string{"--token-file", token}, tlsOK...)
	db := filepath.Join(t.TempDir(), "auth.db")
	coord := start(t, nil, append(append([]string{"run", "--db", db, "--nats", url, "--lease", "5s"}, creds...), args...)...)
	w := start(t, nil, append([]string{"worker", "--nats", url, "--workers", "2"}, creds...)...)
	if code := coord.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("coordinator exit %d: %s", code, coord.stderr())
	}
	stopWorker(t, w)
	got := inspect(t, db)
	sameOutcome(t, got, want)
	verify(t, db)
}
