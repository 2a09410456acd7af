package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// labPrefix opens the name of every namespace a lab makes, followed by the
// test process's PID: leftovers of a killed test are recognised and removed.
const labPrefix = "spfault"

// subnet is the lab's network; it exists only inside the lab's namespaces.
const subnet = "10.77.0."

// lab is a set of network namespaces, one per host, whose eth0 is joined
// to a bridge in a switch namespace of its own: nothing of it is visible
// outside them, and deleting the namespaces removes it all.
type lab struct {
	t      testing.TB
	prefix string
	sw     string
	hosts  map[string]*host
	next   int
}

// host is one namespace of a lab.
type host struct {
	name, ns, ip string
	lab          *lab
	mu           sync.Mutex
	partitioned  bool // guarded by mu
	loss         bool // guarded by mu
}

func run(args ...string) error {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// requireNetns skips the test (or fails it when SIMPIPE_REQUIRE_NETNS=1, as
// in CI) when network namespaces or iptables are not available.
func requireNetns(t testing.TB) {
	t.Helper()
	why := ""
	probe := fmt.Sprintf("%s%d-probe", labPrefix, os.Getpid())
	if _, err := exec.LookPath("ip"); err != nil {
		why = "no ip command (iproute2)"
	} else if _, err := exec.LookPath("iptables"); err != nil {
		why = "no iptables (partitions and packet loss are iptables drops)"
	} else if err := run("ip", "netns", "add", probe); err != nil {
		why = fmt.Sprintf("cannot make a network namespace (%v)", err)
	} else {
		err := run("ip", "netns", "exec", probe, "iptables", "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP")
		_ = run("ip", "netns", "del", probe)
		if err != nil {
			why = fmt.Sprintf("iptables cannot drop packets in a namespace (%v)", err)
		}
	}
	if why == "" {
		return
	}
	if os.Getenv("SIMPIPE_REQUIRE_NETNS") == "1" {
		t.Fatalf("network namespaces are required (SIMPIPE_REQUIRE_NETNS=1): %s", why)
	}
	t.Skipf("skipping the namespace fault campaign: %s (root, iproute2 and iptables needed; CI sets SIMPIPE_REQUIRE_NETNS=1)", why)
}

// removeStale deletes the namespaces of labs whose test process is gone.
func removeStale() {
	out, _ := exec.Command("ip", "netns", "list").Output()
	re := regexp.MustCompile(`^` + labPrefix + `(\d+)-\S+`)
	for _, line := range strings.Split(string(out), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
			continue
		}
		_ = run("ip", "netns", "del", m[0])
	}
}

// newLab makes the switch namespace and its bridge; Cleanup deletes every
// namespace of the lab (after the processes in them, registered later, are
// killed).
func newLab(t testing.TB) *lab {
	t.Helper()
	removeStale()
	l := &lab{t: t, prefix: fmt.Sprintf("%s%d-", labPrefix, os.Getpid()), hosts: map[string]*host{}, next: 2}
	l.sw = l.prefix + "sw"
	t.Cleanup(l.close)
	for _, c := range [][]string{
		{"ip", "netns", "add", l.sw},
		{"ip", "-n", l.sw, "link", "set", "lo", "up"},
		{"ip", "-n", l.sw, "link", "add", "br0", "type", "bridge"},
		{"ip", "-n", l.sw, "link", "set", "br0", "up"},
	} {
		if err := run(c...); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func (l *lab) close() {
	for _, h := range l.hosts {
		_ = run("ip", "netns", "del", h.ns)
	}
	_ = run("ip", "netns", "del", l.sw)
}

// add makes host name: a namespace whose eth0 (the next address of the
// subnet) is plugged into the bridge.
func (l *lab) add(name string) *host {
	l.t.Helper()
	h := &host{name: name, ns: l.prefix + name, ip: fmt.Sprintf("%s%d", subnet, l.next), lab: l}
	port := fmt.Sprintf("p%d", l.next)
	l.next++
	l.hosts[name] = h
	for _, c := range [][]string{
		{"ip", "netns", "add", h.ns},
		{"ip", "link", "add", "name", "eth0", "netns", h.ns, "type", "veth", "peer", "name", port, "netns", l.sw},
		{"ip", "-n", l.sw, "link", "set", port, "master", "br0", "up"},
		{"ip", "-n", h.ns, "addr", "add", h.ip + "/24", "dev", "eth0"},
		{"ip", "-n", h.ns, "link", "set", "eth0", "up"},
		{"ip", "-n", h.ns, "link", "set", "lo", "up"},
	} {
		if err := run(c...); err != nil {
			l.t.Fatal(err)
		}
	}
	return h
}

func (h *host) iptables(args ...string) error {
	return run(append([]string{"ip", "netns", "exec", h.ns, "iptables", "-w"}, args...)...)
}

var (
	partitionRule = []string{"!", "-i", "lo", "-j", "DROP"}
	lossRule      = []string{"-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP"}
)

// partition drops (or, with on false, lets through again) every packet
// into and out of h's eth0, silently, as a cut cable or a dead switch port
// would: no reset, connections just stall.
func (h *host) partition(on bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	op := "-I"
	if !on {
		op = "-D"
	}
	if h.partitioned == on {
		return nil
	}
	h.partitioned = on
	out := []string{"!", "-o", "lo", "-j", "DROP"}
	if err := h.iptables(append([]string{op, "INPUT"}, partitionRule...)...); err != nil {
		return err
	}
	return h.iptables(append([]string{op, "OUTPUT"}, out...)...)
}

// lose drops (or stops dropping) 5 % of the packets h's eth0 receives and
// 5 % of those it sends.
func (h *host) lose(on bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.loss == on {
		return nil
	}
	h.loss = on
	op := "-A"
	if !on {
		op = "-D"
	}
	in := append([]string{op, "INPUT", "-i", "eth0"}, lossRule...)
	if err := h.iptables(in...); err != nil {
		return err
	}
	return h.iptables(append([]string{op, "OUTPUT", "-o", "eth0"}, lossRule...)...)
}

// proc is a process the test started in a namespace; its stderr can be read
// while it runs.
type proc struct {
	name    string
	cmd     *exec.Cmd
	mu      sync.Mutex
	out     bytes.Buffer // stdout and stderr, each line stamped; guarded by mu
	midLine bool         // the last write did not end a line; guarded by mu
	done    chan struct{}
	code    int
}

type lockedWriter struct{ p *proc }

// epoch is when the tests started: every line a process writes is stamped
// with the time since, so that logs of several processes line up.
var epoch = time.Now()

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		if !w.p.midLine {
			fmt.Fprintf(&w.p.out, "[%7.2fs] ", time.Since(epoch).Seconds())
		}
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i+1]
		}
		w.p.out.Write(line)
		w.p.midLine = line[len(line)-1] != '\n'
		b = b[len(line):]
	}
	return n, nil
}

// start runs argv in h's namespace ('ip netns exec' execs it, so the PID is
// the program's); Cleanup kills it.
func (h *host) start(name string, env []string, argv ...string) *proc {
	h.lab.t.Helper()
	p := &proc{name: name, cmd: exec.Command("ip", append([]string{"netns", "exec", h.ns}, argv...)...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = lockedWriter{p}, lockedWriter{p}
	if err := p.cmd.Start(); err != nil {
		h.lab.t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	h.lab.t.Cleanup(func() { p.signal(syscall.SIGCONT); p.signal(syscall.SIGKILL); <-p.done })
	return p
}

func (p *proc) signal(s syscall.Signal) { _ = p.cmd.Process.Signal(s) }

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for p to exit and returns its exit code.
func (p *proc) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("%s still running after %s; output:\n%s", p.name, timeout, p.output())
		return -1
	}
}

// waitFor waits until p's output matches re.
func (p *proc) waitFor(t testing.TB, re string, timeout time.Duration) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for !rx.MatchString(p.output()) {
		if time.Now().After(deadline) || p.exited() {
			t.Fatalf("%s: no %q within %s; output:\n%s", p.name, re, timeout, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
