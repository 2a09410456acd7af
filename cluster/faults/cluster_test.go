package faults

import (
	"encoding/json"
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

	"github.com/simpipe/simpipe/internal/testbin"
	"github.com/simpipe/simpipe/internal/testcert"
	"github.com/simpipe/simpipe/store"
)

// bin is the simpipe binary (cmd/simpipe), built once by TestMain; self is
// this test binary, which the namespaces run as their delaying proxy.
var bin, self string

func TestMain(m *testing.M) {
	if spec := os.Getenv(proxyEnv); spec != "" {
		runProxy(spec)
		return
	}
	if spec := os.Getenv(probeEnv); spec != "" {
		runProbe(spec)
		return
	}
	dir, err := os.MkdirTemp("", "simpipe-faults")
	if err != nil {
		panic(err)
	}
	if bin, err = testbin.Build(dir, "../../cmd/simpipe"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if self, err = os.Executable(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	natsPort  = "4222"
	proxyAddr = "127.0.0.1:14222" // each client's proxy, on its own loopback
)

// natsCluster is a NATS server, a coordinator and workers, each in a
// namespace of its own; every client reaches the server through a
// delaying proxy on its loopback (delay 0 unless set), with a token and
// TLS.
type natsCluster struct {
	t       testing.TB
	lab     *lab
	dir     string
	server  *host
	coord   *host
	workers []*host
	creds   []string // client flags: token and CA
	srvArgs []string

	srv        *proc
	mu         sync.Mutex
	co         *proc         // the current coordinator; guarded by mu
	restarting chan struct{} // a coordinator was started after a kill
	ws         []*proc       // the current worker of each worker host
	coArgs     []string
	workerEnv  []string
	coordEnv   []string
	// every coordinator and worker process started, killed ones included
	allCoords, allWorkers, allServers []*proc
	probe                             *proc // with SIMPIPE_FAULTS_LOGS
}

func newCluster(t testing.TB, workers int, seed uint64) *natsCluster {
	t.Helper()
	requireNetns(t)
	c := &natsCluster{t: t, lab: newLab(t), dir: t.TempDir()}
	c.server = c.lab.add("server")
	c.coord = c.lab.add("coord")
	for i := range workers {
		c.workers = append(c.workers, c.lab.add(fmt.Sprintf("w%d", i+1)))
	}
	certs := testcert.Write(t, c.dir, net.ParseIP(c.server.ip))
	token := filepath.Join(c.dir, "token")
	if err := os.WriteFile(token, []byte("fault-campaign-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.creds = []string{"--token-file", token, "--tls-ca", certs.CA}
	c.srvArgs = []string{bin, "nats-server", "--store", filepath.Join(c.dir, "nats"), "--listen", net.JoinHostPort(c.server.ip, natsPort),
		"--token-file", token, "--tls-cert", certs.ServerCert, "--tls-key", certs.ServerKey}
	c.startServer()
	for i, h := range append([]*host{c.coord}, c.workers...) {
		spec := fmt.Sprintf("%s %s %s %d", proxyAddr, net.JoinHostPort(c.server.ip, natsPort), c.control(h), seed*100+uint64(i))
		p := h.start("proxy "+h.name, []string{proxyEnv + "=" + spec}, self)
		p.waitFor(t, "proxy: listening", 20*time.Second)
	}
	c.ws = make([]*proc, workers)
	if os.Getenv("SIMPIPE_FAULTS_LOGS") != "" {
		// A probe beside the server, out of reach of the faults, logs
		// what the streams and consumers hold (see saveLogs).
		spec := fmt.Sprintf("tls://%s %s %s", net.JoinHostPort(c.server.ip, natsPort), token, certs.CA)
		c.probe = c.server.start("probe", []string{probeEnv + "=" + spec}, self)
	}
	return c
}

// control is the file of h's proxy delay.
func (c *natsCluster) control(h *host) string { return filepath.Join(c.dir, "delay-"+h.name) }

// setDelay sets the delay of each direction of h's link to the server.
func (c *natsCluster) setDelay(h *host, ms, jitterMs int) {
	if err := os.WriteFile(c.control(h), []byte(fmt.Sprintf("%d %d\n", ms, jitterMs)), 0o644); err != nil {
		c.t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond) // the proxy reads it every 100 ms
}

func (c *natsCluster) startServer() {
	c.srv = c.server.start(fmt.Sprintf("nats-server %d", len(c.allServers)+1), nil, c.srvArgs...)
	c.allServers = append(c.allServers, c.srv)
	c.srv.waitFor(c.t, "listening on", 20*time.Second)
}

func (c *natsCluster) url() string { return "nats://" + proxyAddr }

func (c *natsCluster) startWorker(i int, extra ...string) {
	args := append([]string{bin, "worker", "--nats", c.url(), "--workers", "1"}, c.creds...)
	p := c.workers[i].start(fmt.Sprintf("worker %d.%d", i+1, len(c.allWorkers)), c.workerEnv, append(args, extra...)...)
	c.ws[i] = p
	c.allWorkers = append(c.allWorkers, p)
}

func (c *natsCluster) startCoordinator() {
	p := c.coord.start(fmt.Sprintf("coordinator %d", len(c.allCoords)+1), c.coordEnv, c.coArgs...)
	c.mu.Lock()
	c.co = p
	c.mu.Unlock()
	c.allCoords = append(c.allCoords, p)
}

// runArgs returns the coordinator's command line for a run on db.
func (c *natsCluster) runArgs(db string, lease time.Duration, args []string) []string {
	a := append([]string{bin, "run", "--db", db, "--nats", c.url(), "--lease", lease.String()}, c.creds...)
	return append(a, args...)
}

// stopWorkers interrupts every current worker (each drains and exits 0).
func (c *natsCluster) stopWorkers(t testing.TB) {
	t.Helper()
	for _, p := range c.ws {
		if p != nil && !p.exited() {
			p.signal(syscall.SIGCONT)
			p.signal(syscall.SIGINT)
		}
	}
	for _, p := range c.ws {
		if p != nil {
			if code := p.wait(t, 60*time.Second); code != 0 {
				t.Fatalf("%s exit %d:\n%s", p.name, code, p.output())
			}
		}
	}
}

// report is the part of 'inspect --json' the campaign reads.
type report struct {
	ResultsDigest string            `json:"results_digest"`
	GamesTotal    uint64            `json:"games_total"`
	GamesDone     uint64            `json:"games_done"`
	JobsByState   map[string]uint64 `json:"jobs_by_state"`
	Live          *struct {
		GamesDone uint64 `json:"games_done"`
	} `json:"live"`
}

// inspect reads db; ok is false when it cannot be read now (the
// coordinator is between a kill and its restart, say).
func inspect(db string) (r report, ok bool) {
	out, err := exec.Command(bin, "inspect", "--json", db).Output()
	if err != nil || json.Unmarshal(out, &r) != nil {
		return r, false
	}
	if r.Live != nil {
		r.GamesDone = max(r.GamesDone, r.Live.GamesDone)
	}
	return r, true
}

// reference runs args locally and returns its report.
func reference(t testing.TB, dir string, args []string) report {
	t.Helper()
	db := filepath.Join(dir, "ref.db")
	out, err := exec.Command(bin, append([]string{"run", "--db", db, "--workers", "2"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	r, ok := inspect(db)
	if !ok || r.ResultsDigest == "" {
		t.Fatal("reference run: no report")
	}
	return r
}

// verify runs the store's full check on db (jobs cover every game once,
// each finished job has exactly its games' results, the aggregate is the
// results').
func verify(t testing.TB, db string) {
	t.Helper()
	d, err := store.Open(db, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Stage(store.DefaultStage).Verify(); err != nil {
		t.Fatalf("verify %s: %v", db, err)
	}
}

var coordRe = regexp.MustCompile(`published (\d+) job messages \((\d+) again after their lease\), ignored (\d+) duplicate results, refused (\d+) result messages`)

// coordStats returns published, republished, duplicates ignored and
// results refused from a coordinator's last line.
func coordStats(t testing.TB, p *proc) [4]int {
	t.Helper()
	m := coordRe.FindStringSubmatch(p.output())
	if m == nil {
		t.Fatalf("%s did not report:\n%s", p.name, p.output())
	}
	var st [4]int
	for i := range st {
		st[i], _ = strconv.Atoi(m[i+1])
	}
	return st
}

var playedRe = regexp.MustCompile(`played (\d+) in (\S+) \((\d+) games/s\)`)

// played returns the games played and the wall-clock time of a finished
// run from its summary line.
func played(t testing.TB, out string) (int, time.Duration) {
	t.Helper()
	m := playedRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	d, err := time.ParseDuration(m[2])
	if err != nil {
		t.Fatal(err)
	}
	return n, d
}

// lines counts the lines of out containing s.
func lines(out, s string) int { return strings.Count(out, s) }
