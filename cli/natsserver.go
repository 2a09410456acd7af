package cli

import (
	"context"
	"crypto/x509"
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
	Store     string `default:"simpipe-nats" help:"Directory of JetStream's file store (created if missing)." placeholder:"DIR"`
	Listen    string `default:"127.0.0.1:4222" help:"Address to serve NATS clients on (host:port; port 0 picks a free one). Any address but a loopback one needs --token-file." placeholder:"ADDR"`
	Sync      bool   `help:"Sync the file store to disk on every write (slower). Without it, a machine crash (not a process crash) can lose the last two minutes of accepted messages, which the coordinator then republishes."`
	TokenFile string `name:"token-file" help:"File holding the secret every coordinator and worker must present (give them the same file); required to listen beyond loopback." placeholder:"FILE"`
	TLSCert   string `name:"tls-cert" help:"PEM certificate of this server: clients must then connect with TLS (and trust its authority, --tls-ca)." placeholder:"FILE"`
	TLSKey    string `name:"tls-key" help:"PEM private key of --tls-cert." placeholder:"FILE"`
	TLSCA     string `name:"tls-ca" help:"PEM authority that signs client certificates: every client must then present one (--tls-cert, --tls-key)." placeholder:"FILE"`
}

func (c *natsServerCmd) Run(ctx context.Context, s *streams) error {
	token, err := readToken(c.TokenFile)
	if err != nil {
		return usageErr(err)
	}
	srv, err := cluster.StartServer(cluster.ServerOptions{StoreDir: c.Store, Listen: c.Listen, SyncAlways: c.Sync,
		Token: token, TLSCert: c.TLSCert, TLSKey: c.TLSKey, TLSCA: c.TLSCA})
	var addrErr *cluster.AddressError
	if errors.As(err, &addrErr) {
		if errors.Is(err, cluster.ErrOpenListen) {
			return usageErr(fmt.Errorf("--listen %s is %w; give --token-file (and --tls-cert, --tls-key), or listen on 127.0.0.1", addrErr.Addr, addrErr.Err))
		}
		return usageErr(fmt.Errorf("--listen %q: %w", addrErr.Addr, addrErr.Err))
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(s.err, "%s: nats-server: listening on %s, JetStream store %s (sync on every write: %v, token: %v, TLS: %v, client certificates: %v); Ctrl-C stops it\n",
		progName, srv.ClientURL(), c.Store, c.Sync, token != "", c.TLSCert != "", c.TLSCA != "")
	<-ctx.Done()
	srv.Shutdown()
	srv.WaitForShutdown()
	return nil
}

// natsAuth is how a coordinator or worker proves it belongs to the run's
// cluster and checks that the server is the right one.
type natsAuth struct {
	TokenFile string `name:"token-file" help:"With --nats: file holding the server's secret (the file of its --token-file)." placeholder:"FILE"`
	TLSCA     string `name:"tls-ca" help:"With --nats: PEM authority that signed the server's certificate; connect with TLS and trust only it." placeholder:"FILE"`
	TLSCert   string `name:"tls-cert" help:"With --nats: PEM client certificate, for a server that wants one (its --tls-ca)." placeholder:"FILE"`
	TLSKey    string `name:"tls-key" help:"With --nats: PEM private key of --tls-cert." placeholder:"FILE"`
}

func (a *natsAuth) set() bool { return *a != natsAuth{} }

// options returns the connection options a sets.
func (a *natsAuth) options() ([]nats.Option, error) {
	var opts []nats.Option
	token, err := readToken(a.TokenFile)
	if err != nil {
		return nil, err
	}
	if token != "" {
		opts = append(opts, nats.Token(token))
	}
	if a.TLSCA != "" {
		opts = append(opts, nats.RootCAs(a.TLSCA))
	}
	if (a.TLSCert == "") != (a.TLSKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	if a.TLSCert != "" {
		opts = append(opts, nats.ClientCert(a.TLSCert, a.TLSKey))
	}
	return opts, nil
}

// readToken returns the secret in file (surrounding white space removed),
// or "" for no file.
func readToken(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("--token-file %s is empty", file)
	}
	return token, nil
}

// connectNATS connects to url, reconnecting for ever after a lost
// connection (a restarted server picks up where it was: streams and durable
// consumers live in its file store), and says on log when the connection
// is lost and found again.
func connectNATS(url, name string, auth natsAuth, log io.Writer) (*nats.Conn, error) {
	who := strings.TrimPrefix(name, "simpipe ")
	opts, err := auth.options()
	if err != nil {
		return nil, usageErr(err)
	}
	nc, err := nats.Connect(url, append(opts, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second), nats.RetryOnFailedConnect(false),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err == nil {
				return // closed by this process
			}
			fmt.Fprintf(log, "%s: %s: lost the NATS server (%v); reconnecting\n", progName, who, err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			fmt.Fprintf(log, "%s: %s: reconnected to %s\n", progName, who, nc.ConnectedUrlRedacted())
		}))...)
	var unknownCA x509.UnknownAuthorityError
	switch {
	case errors.Is(err, nats.ErrAuthorization):
		return nil, usageErr(fmt.Errorf("--nats %s: %w: the server wants the secret of its --token-file (give the same file with --token-file)", url, err))
	case errors.As(err, &unknownCA):
		return nil, usageErr(fmt.Errorf("--nats %s: %w (give --tls-ca the authority that signed the server's certificate)", url, err))
	case err != nil:
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
	teardown := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			teardown() // not stop: a failed return has set it to nil
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
		wnc, err := connectNATS(url, "simpipe worker (embedded)", natsAuth{}, s.err)
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
	nc, err := connectNATS(url, "simpipe coordinator", c.natsAuth, s.err)
	if err != nil {
		return nil, nil, err
	}
	undo = append(undo, nc.Close)
	return &cluster.Coordinator{NC: nc, DB: db, Opts: cluster.CoordinatorOptions{
		Lease: c.Lease, Retries: c.Retries, GameTimeout: c.GameTimeout, Version: Version, Log: s.err,
	}}, teardown, nil
}
