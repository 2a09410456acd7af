package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/simpipe/simpipe/cluster"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

type natsServerCmd struct {
	Store  string `default:"simpipe-nats" help:"Directory of JetStream's file store (created if missing)." placeholder:"DIR"`
	Listen string `default:"127.0.0.1:4222" help:"Address to serve NATS clients on (host:port; port 0 picks a free one)." placeholder:"ADDR"`
	Sync   bool   `help:"Sync the file store to disk on every write (slower). Without it, a machine crash (not a process crash) can lose the last two minutes of accepted messages, which the coordinator then republishes."`
}

func (c *natsServerCmd) Run(ctx context.Context, s *streams) error {
	srv, err := cluster.StartServer(cluster.ServerOptions{StoreDir: c.Store, Listen: c.Listen, SyncAlways: c.Sync})
	var addrErr *cluster.AddressError
	if errors.As(err, &addrErr) {
		return usageErr(fmt.Errorf("--listen %q: %w", addrErr.Addr, addrErr.Err))
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(s.err, "%s: nats-server: listening on %s, JetStream store %s (sync on every write: %v); Ctrl-C stops it\n", progName, srv.ClientURL(), c.Store, c.Sync)
	<-ctx.Done()
	srv.Shutdown()
	srv.WaitForShutdown()
	return nil
}

// connectNATS connects to url, reconnecting for ever after a lost
// connection (a restarted server picks up where it was: streams and durable
// consumers live in its file store), and says on log when the connection
// is lost and found again.
func connectNATS(url, name string, log io.Writer) (*nats.Conn, error) {
	who := strings.TrimPrefix(name, "simpipe ")
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second), nats.RetryOnFailedConnect(false),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err == nil {
				return // closed by this process
			}
			fmt.Fprintf(log, "%s: %s: lost the NATS server (%v); reconnecting\n", progName, who, err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			fmt.Fprintf(log, "%s: %s: reconnected to %s\n", progName, who, nc.ConnectedUrlRedacted())
		}))
	if err != nil {
		return nil, usageErr(fmt.Errorf("--nats %s: %w", url, err))
	}
	return nc, nil
}

// natsExecutor returns the executor that plays the run's pending jobs on
// workers over NATS JetStream (see cluster.Coordinator), and the function
// that tears down what it set up. With "embedded", it starts a server in
// this process on a free loopback port, with a store in a temporary
// directory, and a worker of c.Workers simulators beside the coordinator,
// which plays the run with its game as def holds it.
func (c *runCmd) natsExecutor(reg *game.Registry, def *pipeline.Definition, db *store.DB, s *streams) (_ *cluster.Coordinator, stop func(), err error) {
	var undo []func() // in reverse order of setup
	stop = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	url := c.NATS
	if url == "embedded" {
		dir, err := os.MkdirTemp("", "simpipe-nats")
		if err != nil {
			return nil, nil, err
		}
		undo = append(undo, func() { os.RemoveAll(dir) })
		srv, err := cluster.StartServer(cluster.ServerOptions{StoreDir: dir, Listen: "127.0.0.1:0"})
		if err != nil {
			return nil, nil, err
		}
		undo = append(undo, func() { srv.Shutdown(); srv.WaitForShutdown() })
		url = srv.ClientURL()
		fmt.Fprintf(s.err, "%s: embedded NATS server on %s; more workers may join with '%s worker --nats %s'\n", progName, url, progName, url)
		wnc, err := connectNATS(url, "simpipe worker (embedded)", s.err)
		if err != nil {
			return nil, nil, err
		}
		undo = append(undo, wnc.Close)
		wctx, stopWorker := context.WithCancel(context.Background())
		workerDone := make(chan struct{})
		go func() {
			defer close(workerDone)
			_ = cluster.Work(wctx, wnc, cluster.WorkerOptions{Workers: c.Workers, Version: Version, Registry: reg,
				Built: []game.Game{def.Game}, Log: s.err})
		}()
		undo = append(undo, func() { stopWorker(); <-workerDone })
	}
	nc, err := connectNATS(url, "simpipe coordinator", s.err)
	if err != nil {
		return nil, nil, err
	}
	undo = append(undo, nc.Close)
	return &cluster.Coordinator{NC: nc, DB: db, Opts: cluster.CoordinatorOptions{
		Lease: c.Lease, Retries: c.Retries, GameTimeout: c.GameTimeout, Version: Version, Log: s.err,
	}}, stop, nil
}
