package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// LiveStatus is what a running process reports about its run to other
// processes (simpipe inspect, simpipe ui) while it holds the DB.
type LiveStatus struct {
	PID          int     `json:"pid"`
	DB           string  `json:"db"`
	GamesTotal   uint64  `json:"games_total"`
	GamesDone    uint64  `json:"games_done"`
	Failed       uint64  `json:"failed"`
	JobsInFlight int64   `json:"jobs_in_flight"`
	GamesPerSec  float64 `json:"games_per_sec"`
	Workers      int     `json:"workers"`
	Uptime       string  `json:"uptime"`
	// Game and Stage name the run; Jobs counts its jobs, JobsDone and
	// JobsFailed those finished (from the stored aggregate).
	Game       string `json:"game,omitempty"`
	Stage      string `json:"stage,omitempty"`
	Jobs       uint64 `json:"jobs,omitempty"`
	JobsDone   uint64 `json:"jobs_done"`
	JobsFailed uint64 `json:"jobs_failed"`
	// Commits counts this process's commits; Stopping says a stop was
	// requested (by a signal or the live socket's stop action).
	Commits  uint64 `json:"commits"`
	Stopping bool   `json:"stopping,omitempty"`
	// RecentFailures are the last games (at most MaxRecentFailures) that
	// failed on every attempt in this process, oldest first.
	RecentFailures []LiveFailure `json:"recent_failures,omitempty"`
}

// LiveFailure is one failed game of a live run.
type LiveFailure struct {
	Job      uint64 `json:"job"`
	Game     uint64 `json:"game"`
	Attempts uint32 `json:"attempts"`
	Error    string `json:"error"`
	Stack    string `json:"stack"`
}

// MaxRecentFailures bounds LiveStatus.RecentFailures.
const MaxRecentFailures = 20

// LivePath returns the path of the socket beside the DB at dbPath.
func LivePath(dbPath string) string { return dbPath + ".live" }

// maxSocketPath is the longest path a Unix socket address can hold.
const maxSocketPath = 107

// LiveActionTimeout bounds the time the live socket gives an action.
const LiveActionTimeout = 30 * time.Second

// LiveAction is an action a client may ask of the running process over the
// live socket (see ServeLiveActions). It returns a one-line message.
type LiveAction func() (string, error)

// Errors of live actions.
var (
	// ErrLiveForbidden is returned by RequestLive when the running process
	// refused the action because the caller does not own the DB.
	ErrLiveForbidden = errors.New("live action refused: only the DB's owner may act on its run")
	// ErrLiveUnknownAction is returned by RequestLive for an action the
	// running process does not offer.
	ErrLiveUnknownAction = errors.New("live action unknown to the running process")
)

// liveRequest is what a client writes after it has read the status.
type liveRequest struct {
	Action string `json:"action"`
}

// liveReply answers a liveRequest.
type liveReply struct {
	OK      bool   `json:"ok"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	Code    string `json:"code,omitempty"` // "forbidden", "unknown" or "failed"
}

// ServeLive answers every connection to the socket beside dbPath with
// status() as one JSON object, until ctx is done; then it removes the
// socket. The caller must hold the DB's lock, which makes any socket file
// already there a leftover of a dead process.
func ServeLive(ctx context.Context, dbPath string, status func() LiveStatus) error {
	return ServeLiveActions(ctx, dbPath, status, nil)
}

// ServeLiveActions is ServeLive that also carries out actions: after the
// status, a client may write one request line {"action":"NAME"} and read
// one reply line. Status stays readable by anyone who can connect; an
// action is carried out only for a peer whose user owns the DB file (its
// credentials are read from the socket, SO_PEERCRED; where the system
// cannot tell, actions are refused).
func ServeLiveActions(ctx context.Context, dbPath string, status func() LiveStatus, actions map[string]LiveAction) error {
	path := LivePath(dbPath)
	if len(path) > maxSocketPath {
		return fmt.Errorf("live status socket path %s is longer than %d bytes", path, maxSocketPath)
	}
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		l.Close() // also removes the socket file
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// One goroutine per client, so that a client that writes no
			// request cannot hold up the others.
			go serveLiveConn(c, dbPath, status, actions)
		}
	}()
	return nil
}

func serveLiveConn(c net.Conn, dbPath string, status func() LiveStatus, actions map[string]LiveAction) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if json.NewEncoder(c).Encode(status()) != nil {
		return
	}
	// A status-only client (QueryLive, older simpipe) closes here: the
	// read ends with EOF at once.
	line, err := bufio.NewReaderSize(c, 512).ReadSlice('\n')
	if err != nil {
		return
	}
	// An action may wait for the DB's writer (a commit under way, a slow
	// disk): it gets longer than the status.
	_ = c.SetDeadline(time.Now().Add(LiveActionTimeout))
	var req liveRequest
	rep := liveReply{}
	if err := json.Unmarshal(line, &req); err != nil {
		rep.Error, rep.Code = "bad request: "+err.Error(), "unknown"
	} else if act, ok := actions[req.Action]; !ok {
		rep.Error, rep.Code = fmt.Sprintf("no action %q", req.Action), "unknown"
	} else if err := peerOwnsFile(c, dbPath); err != nil {
		rep.Error, rep.Code = err.Error(), "forbidden"
	} else if msg, err := act(); err != nil {
		rep.Error, rep.Code = err.Error(), "failed"
	} else {
		rep.OK, rep.Message = true, msg
	}
	_ = json.NewEncoder(c).Encode(rep)
}

// ErrNotLive is returned by QueryLive when no process serves the DB.
var ErrNotLive = errors.New("no live process")

// QueryLive asks the process running the DB at dbPath for its status.
func QueryLive(dbPath string, timeout time.Duration) (*LiveStatus, error) {
	st, _, err := dialLive(dbPath, timeout)
	if err != nil {
		return nil, err
	}
	st.c.Close()
	return st.status, nil
}

type liveConn struct {
	c      net.Conn
	status *LiveStatus
}

func dialLive(dbPath string, timeout time.Duration) (*liveConn, *bufio.Reader, error) {
	c, err := net.DialTimeout("unix", LivePath(dbPath), timeout)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotLive, err)
	}
	_ = c.SetDeadline(time.Now().Add(timeout))
	r := bufio.NewReader(c)
	var st LiveStatus
	if err := readJSONLine(r, &st); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("%w: %v", ErrNotLive, err)
	}
	return &liveConn{c: c, status: &st}, r, nil
}

// readJSONLine decodes one line of r into v, reading no further, so that a
// reply can be read after the status.
func readJSONLine(r *bufio.Reader, v any) error {
	b, err := r.ReadBytes('\n')
	if err != nil && len(b) == 0 {
		return err
	}
	return json.Unmarshal(b, v)
}

// RequestLive asks the process running the DB at dbPath to carry out an
// action (see ServeLiveActions) and returns its message; timeout bounds
// the whole exchange (LiveActionTimeout is the server's bound). A refusal wraps
// ErrLiveForbidden or ErrLiveUnknownAction; no process, ErrNotLive.
func RequestLive(dbPath, action string, timeout time.Duration) (string, error) {
	lc, r, err := dialLive(dbPath, timeout)
	if err != nil {
		return "", err
	}
	defer lc.c.Close()
	if err := json.NewEncoder(lc.c).Encode(liveRequest{Action: action}); err != nil {
		return "", fmt.Errorf("live action %s: %w", action, err)
	}
	var rep liveReply
	if err := readJSONLine(r, &rep); err != nil {
		return "", fmt.Errorf("live action %s: no reply: %w", action, err)
	}
	switch {
	case rep.OK:
		return rep.Message, nil
	case rep.Code == "forbidden":
		return "", fmt.Errorf("%w (%s)", ErrLiveForbidden, rep.Error)
	case rep.Code == "unknown":
		return "", fmt.Errorf("%w: %s", ErrLiveUnknownAction, rep.Error)
	}
	return "", fmt.Errorf("live action %s: %s", action, rep.Error)
}
