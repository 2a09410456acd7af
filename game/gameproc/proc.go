package gameproc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simpipe/simpipe/internal/jsonw"
)

// ErrProcess is matched (errors.Is) by every *ProcessError.
var ErrProcess = errors.New("game process failed")

// ProcessError is the panic value of a state whose game process failed: it
// exited, was killed, wrote something that is not a reply, broke the
// protocol or did not answer within the timeout. The process is killed (its
// whole process group) before the error is raised, and never used again;
// the next NewState starts a new one.
type ProcessError struct {
	Game   string // the spec, "exec:NAME"
	What   string // what went wrong, e.g. "no reply to apply within 10s"
	Status string // the exit status: "exit status 3", "signal: killed"
	Stderr string // the tail of its standard error
}

func (e *ProcessError) Error() string {
	msg := fmt.Sprintf("gameproc: %s: %s", e.Game, e.What)
	if e.Status != "" {
		msg += " (" + e.Status + ")"
	}
	if e.Stderr != "" {
		msg += "; stderr: " + e.Stderr
	}
	return msg
}

// Is reports whether target is ErrProcess.
func (e *ProcessError) Is(target error) bool { return target == ErrProcess }

// maxLine bounds a reply line; a longer one is garbage.
const maxLine = 16 << 20

// stderrTail is how much of a process's standard error a failure keeps.
const stderrTail = 2048

// tail keeps the last stderrTail bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > stderrTail {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-stderrTail:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// procs holds every live process, so that CloseAll can stop them.
var procs struct {
	mu  sync.Mutex
	set map[*proc]struct{}
}

// CloseAll kills every game process this program started. simpipe calls it
// when a command ends; processes also exit on their own when their standard
// input closes (the protocol requires it) and, on Linux, when simpipe dies.
func CloseAll() {
	procs.mu.Lock()
	all := make([]*proc, 0, len(procs.set))
	for p := range procs.set {
		all = append(all, p)
	}
	procs.mu.Unlock()
	for _, p := range all {
		p.kill()
	}
}

// proc is one running game process. mu serializes its requests, which
// sessions on different goroutines may share.
type proc struct {
	mu       sync.Mutex
	dead     atomic.Bool  // killed: never bind it again
	sessions atomic.Int32 // live sessions bound to it

	spec    string
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	stderr  *tail
	timeout time.Duration
	watch   *time.Timer // kills the process when a reply is late
	hung    atomic.Bool // set by watch
	killed  sync.Once
	waited  chan struct{} // closed when Wait returned
	err     *ProcessError // set when the process failed; it is dead

	version   int          // the protocol version the process speaks; set by start
	req       []byte       // the request being built; guarded by mu
	wordsSeen atomic.Int32 // the most random words a playout used
	detWords  atomic.Int32 // the most random words a determinize used

	// dropMu guards frees and dropped: runtime cleanups append to dropped
	// from their own goroutine, and each request drains both.
	dropMu   sync.Mutex
	frees    []int64 // handles to free with the next request
	dropped  []*ref
	live     atomic.Int64 // handles allocated in the process
	versions atomic.Int64 // the last handle version given out
}

// start launches e for spec and reads its hello.
func start(spec string, e Entry) (*proc, *hello, error) {
	if len(e.Command) == 0 {
		return nil, nil, fmt.Errorf("gameproc: %s: empty command", spec)
	}
	cmd := exec.Command(e.Command[0], e.Command[1:]...)
	cmd.Dir = e.Dir
	cmd.Env = os.Environ()
	for k, v := range e.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second
	p := &proc{spec: spec, cmd: cmd, stderr: &tail{}, timeout: e.timeout(), waited: make(chan struct{})}
	cmd.Stderr = p.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("gameproc: %s: start %q: %w", spec, e.Command[0], err)
	}
	p.in, p.out = in, bufio.NewReaderSize(out, 64<<10)
	p.watch = time.AfterFunc(time.Hour, func() { p.hung.Store(true); p.kill() })
	p.watch.Stop()
	go func() { _ = cmd.Wait(); close(p.waited) }()
	procs.mu.Lock()
	if procs.set == nil {
		procs.set = make(map[*proc]struct{})
	}
	procs.set[p] = struct{}{}
	procs.mu.Unlock()

	var h hello
	p.timeout = max(p.timeout, DefaultTimeout) // starting up may take longer than a request
	defer func() { p.timeout = e.timeout() }()
	err = p.try(func() {
		// "protocol" stays the version 1 hello, so that a version 1
		// process that checks it still answers; "max_protocol" offers
		// the newest, and the process answers the one it speaks.
		p.begin("hello")
		p.field("protocol", MinVersion)
		p.field("max_protocol", Version)
		p.roundTrip("hello", &h)
		if h.Protocol < MinVersion || h.Protocol > Version {
			p.fail(fmt.Sprintf("speaks protocol %d, want %d to %d", h.Protocol, MinVersion, Version))
		}
		p.version = int(h.Protocol)
	})
	if err != nil {
		return nil, nil, err
	}
	return p, &h, nil
}

// try runs f, turning a *ProcessError panic into an error.
func (p *proc) try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*ProcessError)
			if !ok {
				panic(r)
			}
			err = pe
		}
	}()
	f()
	return nil
}

// kill stops the process group with SIGKILL and closes its input.
func (p *proc) kill() {
	p.killed.Do(func() {
		p.dead.Store(true)
		killGroup(p.cmd)
		_ = p.in.Close()
		procs.mu.Lock()
		delete(procs.set, p)
		procs.mu.Unlock()
	})
}

// failLocked is fail with mu held.
func (p *proc) failLocked(what string) {
	p.mu.Unlock()
	p.fail(what)
}

// fail kills the process and panics with a *ProcessError saying what.
func (p *proc) fail(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.kill()
		select {
		case <-p.waited:
		case <-time.After(5 * time.Second):
		}
		status := ""
		if ps := p.cmd.ProcessState; ps != nil {
			status = fmt.Sprintf("pid %d, %s", ps.Pid(), ps.String())
		}
		if p.hung.Load() {
			what = fmt.Sprintf("no reply within %v to %s", p.timeout, what)
		}
		p.err = &ProcessError{Game: p.spec, What: what, Status: status, Stderr: p.stderr.String()}
	}
	panic(p.err)
}

// begin locks p and starts a request of op, carrying the handles to free.
// roundTrip (or fail) unlocks it.
func (p *proc) begin(op string) {
	p.mu.Lock()
	if p.err != nil {
		err := p.err
		p.mu.Unlock()
		panic(err)
	}
	p.req = append(p.req[:0], `{"op":"`...)
	p.req = append(p.req, op...)
	p.req = append(p.req, '"')
	p.dropMu.Lock()
	d := p.dropped
	p.dropped = nil
	p.dropMu.Unlock()
	for _, r := range d {
		p.hold(r, nil)
	}
	p.dropMu.Lock()
	if len(p.frees) > 0 {
		p.req = append(p.req, `,"free":`...)
		p.req = jsonw.AppendInts(p.req, p.frees)
		p.live.Add(-int64(len(p.frees)))
		p.frees = p.frees[:0]
	}
	p.dropMu.Unlock()
}

func (p *proc) field(name string, v int64) {
	p.req = append(p.req, ',', '"')
	p.req = append(p.req, name...)
	p.req = append(p.req, '"', ':')
	p.req = strconv.AppendInt(p.req, v, 10)
}

// roundTrip ends the request, sends it and decodes the reply into r,
// failing the process on any error. what names the request in messages.
func (p *proc) roundTrip(what string, r any) {
	p.req = append(p.req, '}', '\n')
	p.watch.Reset(p.timeout)
	if _, err := p.in.Write(p.req); err != nil {
		p.watch.Stop()
		p.failLocked(fmt.Sprintf("%s: write: %v", what, err))
	}
	line, err := p.readLine()
	p.watch.Stop()
	if err != nil {
		if err == io.EOF || errors.Is(err, os.ErrClosed) {
			p.failLocked(what + ": the process closed its output")
		}
		p.failLocked(fmt.Sprintf("%s: read: %v", what, err))
	}
	if err := json.Unmarshal(line, r); err != nil {
		p.failLocked(fmt.Sprintf("%s: reply is not protocol JSON (%v): %.200q", what, err, line))
	}
	if e, ok := r.(interface{ failure() string }); ok {
		if msg := e.failure(); msg != "" {
			p.failLocked(fmt.Sprintf("%s: the process answered an error: %s", what, msg))
		}
	}
	p.mu.Unlock()
}

func (p *proc) readLine() ([]byte, error) {
	line, err := p.out.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	long := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull && len(long) < maxLine {
		line, err = p.out.ReadSlice('\n')
		long = append(long, line...)
	}
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("a line longer than %d bytes", maxLine)
	}
	return long, err
}

// ref is a State's hold on a handle; runtime cleanups hand refs of dead
// States back to the process, which releases their handles.
type ref struct{ h *handle }

// handle is a state in the process, counted by the refs that hold it.
type handle struct {
	id      int64
	refs    atomic.Int32
	version int64 // changes whenever the process state changes in place
}

// hold makes r hold h instead of what it held.
func (p *proc) hold(r *ref, h *handle) {
	if h != nil {
		h.refs.Add(1)
	}
	if old := r.h; old != nil && old.refs.Add(-1) == 0 {
		p.dropMu.Lock()
		p.frees = append(p.frees, old.id)
		p.dropMu.Unlock()
	}
	r.h = h
}

// drop is called by a runtime cleanup when the State holding r is gone.
func (p *proc) drop(r *ref) {
	p.dropMu.Lock()
	p.dropped = append(p.dropped, r)
	p.dropMu.Unlock()
}

// newHandle records a handle the process just allocated.
func (p *proc) newHandle(id int64) *handle {
	p.live.Add(1)
	return &handle{id: id, version: p.versions.Add(1)}
}
