package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// LiveStatus is what a running process reports about its run to other
// processes (simpipe inspect) while it holds the DB.
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
}

// LivePath returns the path of the socket beside the DB at dbPath.
func LivePath(dbPath string) string { return dbPath + ".live" }

// maxSocketPath is the longest path a Unix socket address can hold.
const maxSocketPath = 107

// ServeLive answers every connection to the socket beside dbPath with
// status() as one JSON object, until ctx is done; then it removes the
// socket. The caller must hold the DB's lock, which makes any socket file
// already there a leftover of a dead process.
func ServeLive(ctx context.Context, dbPath string, status func() LiveStatus) error {
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
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_ = json.NewEncoder(c).Encode(status())
			c.Close()
		}
	}()
	return nil
}

// ErrNotLive is returned by QueryLive when no process serves the DB.
var ErrNotLive = errors.New("no live process")

// QueryLive asks the process running the DB at dbPath for its status.
func QueryLive(dbPath string, timeout time.Duration) (*LiveStatus, error) {
	c, err := net.DialTimeout("unix", LivePath(dbPath), timeout)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotLive, err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	var st LiveStatus
	if err := json.NewDecoder(c).Decode(&st); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotLive, err)
	}
	return &st, nil
}
