package ui

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// TokenHeader is the request header that carries the token. A form posted
// from another site cannot set it, and a script of another origin cannot
// send it without a CORS preflight the dashboard never grants.
const TokenHeader = "X-Simpipe-Token"

// tokenCookie carries the token of a browser on a non-loopback dashboard,
// for reads only (actions need the header).
const tokenCookie = "simpipe_token"

// DefaultInterval is how often the dashboard polls its DBs.
const DefaultInterval = 200 * time.Millisecond

// Options configures a Server.
type Options struct {
	// Files are the checkpoint DBs, shown side by side in this order.
	Files []string
	// Registry builds the games of stored runs, to replay them.
	Registry *game.Registry
	// Token authorises actions (required, sent in TokenHeader).
	Token string
	// TokenForReads makes every request need the token (header, cookie or
	// a ?token= query that sets the cookie): for a dashboard reachable
	// from other machines.
	TokenForReads bool
	// LoopbackOnly refuses requests whose Host is not a loopback name or
	// address, so that a web page cannot reach a loopback dashboard through
	// a DNS name of its own (DNS rebinding).
	LoopbackOnly bool
	// Version is the simpipe version named in the pages.
	Version string
	// Interval is how often the DBs are polled; DefaultInterval when zero.
	Interval time.Duration
}

// Server is the dashboard's HTTP handler. It polls its DBs on its own
// goroutine from New until Close.
type Server struct {
	opts Options
	mux  *http.ServeMux
	stop context.CancelFunc
	done chan struct{}

	// openMu is held while the dashboard has a DB open (see openStopped).
	openMu sync.Mutex

	// mu guards the fields below, written by the polling goroutine and
	// read by the handlers.
	mu     sync.Mutex
	snaps  []*Snapshot
	stamps []fileStamp
	rates  []rate
	last   []byte                      // the JSON of snaps, as last published
	subs   map[chan []*Snapshot]string // event subscribers
}

// Errors returned by New.
var (
	// ErrNoToken is returned by New when Options.Token is empty.
	ErrNoToken = errors.New("ui: a token is required")
	// ErrNoFiles is returned by New when Options.Files is empty.
	ErrNoFiles = errors.New("ui: no DB files")
)

// New returns a dashboard of opts.Files, polled from now on.
func New(opts Options) (*Server, error) {
	switch {
	case opts.Token == "":
		return nil, ErrNoToken
	case len(opts.Files) == 0:
		return nil, ErrNoFiles
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	n := len(opts.Files)
	s := &Server{opts: opts, snaps: make([]*Snapshot, n), stamps: make([]fileStamp, n), rates: make([]rate, n),
		subs: map[chan []*Snapshot]string{}, done: make(chan struct{})}
	s.mux = http.NewServeMux()
	s.routes()
	s.poll() // the first pages have data
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.run(ctx)
	return s, nil
}

// Close stops polling; open event streams end.
func (s *Server) Close() {
	s.stop()
	<-s.done
}

func (s *Server) run(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.mu.Lock()
			for c := range s.subs {
				close(c)
				delete(s.subs, c)
			}
			s.mu.Unlock()
			return
		case <-t.C:
			s.poll()
		}
	}
}

// poll refreshes every DB's snapshot and sends the result to the event
// subscribers when it changed. A live DB is asked over its socket; a
// stopped one is read again only when its file changed.
func (s *Server) poll() {
	now := time.Now()
	snaps := make([]*Snapshot, len(s.opts.Files))
	for i, path := range s.opts.Files {
		snaps[i] = s.snapshot(i, path, now)
	}
	b, err := json.Marshal(snaps)
	if err != nil {
		panic(err) // snapshots hold only plain values
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snaps = snaps
	if string(b) == string(s.last) {
		return
	}
	s.last = b
	// Published snapshots are never changed afterwards: the subscribers
	// read them on their own goroutines.
	for c := range s.subs {
		select { // keep only the newest message for a slow client
		case <-c:
		default:
		}
		c <- snaps
	}
}

// snapshot reads DB i. Only the polling goroutine calls it (and New before
// it starts), so the stamps and rates need no lock.
func (s *Server) snapshot(i int, path string, now time.Time) *Snapshot {
	if st, err := pipeline.QueryLive(path, liveTimeout); err == nil {
		s.stamps[i] = fileStamp{}
		snap := liveSnapshot(i, path, st)
		snap.CommitsPerSec = s.rates[i].add(st.PID, now, st.Commits)
		return snap
	}
	stamp, err := stampOf(path)
	if err != nil {
		return &Snapshot{Index: i, Path: path, State: "error", Error: err.Error()}
	}
	s.mu.Lock()
	prev := s.snaps[i]
	s.mu.Unlock()
	if prev != nil && prev.State == "stopped" && stamp == s.stamps[i] {
		return prev
	}
	s.openMu.Lock()
	snap, err := stoppedSnapshot(i, path)
	s.openMu.Unlock()
	if err != nil {
		s.stamps[i] = fileStamp{}
		msg := err.Error()
		if errors.Is(err, store.ErrLocked) {
			msg = "in use by a simpipe process that serves no live status (train, eval or an older simpipe); shown once it stops"
		}
		return &Snapshot{Index: i, Path: path, State: "busy", Error: msg}
	}
	s.stamps[i] = stamp
	return snap
}

// subscribe returns a channel of snapshots, starting with the current
// ones, and a function that ends the subscription.
func (s *Server) subscribe(remote string) (<-chan []*Snapshot, func()) {
	c := make(chan []*Snapshot, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	c <- s.snaps
	s.subs[c] = remote
	return c, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[c]; ok {
			delete(s.subs, c)
			close(c)
		}
	}
}

// refresh polls at once, after an action, so that the page sees its effect
// without waiting for the next tick.
func (s *Server) refresh() { s.poll() }

// dbIndex returns the DB the request's {i} names.
func (s *Server) dbIndex(r *http.Request) (int, string, error) {
	i, err := strconv.Atoi(r.PathValue("i"))
	if err != nil || i < 0 || i >= len(s.opts.Files) {
		return 0, "", fmt.Errorf("no DB %q: there are %d", r.PathValue("i"), len(s.opts.Files))
	}
	return i, s.opts.Files[i], nil
}

// ServeHTTP implements http.Handler: the host and token checks, then the
// routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if s.opts.LoopbackOnly && !loopbackHost(r.Host) {
		http.Error(w, "this dashboard answers only on a loopback address (Host "+strconv.Quote(r.Host)+" refused)", http.StatusMisdirectedRequest)
		return
	}
	if s.opts.TokenForReads && !s.readAuthorized(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// validToken compares in constant time.
func (s *Server) validToken(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.opts.Token)) == 1
}

// readAuthorized checks a read of a dashboard that needs the token for
// reads; it answers the request itself when it returns false.
func (s *Server) readAuthorized(w http.ResponseWriter, r *http.Request) bool {
	if s.validToken(r.Header.Get(TokenHeader)) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.validToken(c.Value) {
		return true
	}
	if q := r.URL.Query(); r.Method == http.MethodGet && s.validToken(q.Get("token")) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.opts.Token, Path: "/", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
		q.Del("token")
		u := *r.URL
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	http.Error(w, "this dashboard needs its token: open the address simpipe ui printed (with ?token=...)", http.StatusUnauthorized)
	return false
}

// action wraps an action handler: POST only, with the token in its header.
func (s *Server) action(h func(w http.ResponseWriter, r *http.Request) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.validToken(r.Header.Get(TokenHeader)) {
			http.Error(w, "refused: actions need the token printed by simpipe ui, in the "+TokenHeader+" header", http.StatusForbidden)
			return
		}
		msg, err := h(w, r)
		var he *httpError
		switch {
		case errors.As(err, &he):
			http.Error(w, he.msg, he.code)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.refresh()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, msg)
	}
}

// httpError is an error with its HTTP status.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

// loopbackHost reports whether the Host header names this machine's
// loopback: localhost or a loopback address, with any port.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopback reports whether a listen address (host:port) binds to
// loopback only: an empty host means every interface and is not.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}
