// Package cluster runs simpipe beyond one machine: an embedded NATS server
// with JetStream, the job and result messages, the JetStream source and
// sink they travel through, the Coordinator that publishes a run's jobs and
// commits the results that come back, and the worker that plays jobs from
// any coordinator.
//
// The Coordinator is one of the two executors of a run (see
// pipeline.Executor; pipeline.Local is the other): pipeline.Execute and
// pipeline.Session give it the same lifecycle, progress, live status,
// metrics and summary as a local run, and it commits through the run's
// dataflow.CheckpointSink, acknowledging a result message only once the
// commit that held it (dataflow.Commit.Jobs) is durable. A worker resolves
// each run from its job messages with pipeline.Resolve, as a local run does
// from the stored config.
//
// The checkpoint DB stays the single source of truth: a result counts once
// it is committed there, in the same single transaction as a local run's.
// Everything in JetStream is work in flight, which a lost server, worker or
// coordinator only delays.
package cluster

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerOptions configures an embedded NATS server.
type ServerOptions struct {
	// StoreDir holds JetStream's file store.
	StoreDir string
	// Listen is host:port; port 0 picks a free one. 127.0.0.1:4222 if
	// empty.
	Listen string
	// SyncAlways fsyncs every write to the file store before acknowledging
	// it. Without it the server syncs every two minutes, so a machine crash
	// (not a process crash) can lose recently accepted messages.
	SyncAlways bool
	// Logs turns on the server's own log lines (on stderr).
	Logs bool
	// Token, if not empty, is the secret every client must present: only
	// the run's own coordinators and workers get in. A server without one
	// listens on a loopback address only (ErrOpenListen).
	Token string
	// TLSCert and TLSKey, if set, are the PEM files of the server's
	// certificate and key: every client must then connect with TLS. TLSCA,
	// if set, is the PEM file of the authority that signs client
	// certificates, which every client must then present.
	TLSCert, TLSKey, TLSCA string
}

// ErrOpenListen is returned (wrapped in an AddressError) by StartServer for
// a Listen address other machines can reach when no Token is set: without
// a secret anyone on the network could publish jobs and results or read
// the models a run carries.
var ErrOpenListen = errors.New("not a loopback address, and no token: other machines could publish jobs and results and read the run's models")

// IsLoopback reports whether host (an IP address or "localhost") is only
// reachable from this machine. The empty host and 0.0.0.0 are not.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AddressError is returned by StartServer for a Listen address it cannot
// use.
type AddressError struct {
	Addr string
	Err  error
}

func (e *AddressError) Error() string { return fmt.Sprintf("listen address %q: %v", e.Addr, e.Err) }

func (e *AddressError) Unwrap() error { return e.Err }

// StartServer starts an embedded NATS server with JetStream on a file
// store and waits until it accepts connections. Shut it down with
// Shutdown and WaitForShutdown.
func StartServer(o ServerOptions) (*server.Server, error) {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:4222"
	}
	host, port, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, &AddressError{Addr: o.Listen, Err: err}
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return nil, &AddressError{Addr: o.Listen, Err: errors.New("bad port")}
	}
	if p == 0 {
		p = server.RANDOM_PORT
	}
	if o.Token == "" && !IsLoopback(host) {
		return nil, &AddressError{Addr: o.Listen, Err: ErrOpenListen}
	}
	opts := &server.Options{
		Host:       host,
		Port:       p,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		SyncAlways: o.SyncAlways,
		NoSigs:     true, // the embedding process handles signals
		NoLog:      !o.Logs,
		HTTPPort:   0,
		MaxPayload: 8 << 20, // a job carries the run's models
	}
	if o.Token != "" {
		opts.Authorization = o.Token
	}
	if (o.TLSCert == "") != (o.TLSKey == "") || (o.TLSCA != "" && o.TLSCert == "") {
		return nil, errors.New("TLS needs both a certificate and its key (and a client CA only with them)")
	}
	if o.TLSCert != "" {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: o.TLSCert, KeyFile: o.TLSKey, CaFile: o.TLSCA, Verify: o.TLSCA != ""})
		if err != nil {
			return nil, fmt.Errorf("TLS: %w", err)
		}
		opts.TLSConfig, opts.TLS, opts.TLSVerify = tc, true, o.TLSCA != ""
		opts.TLSTimeout = 5 // seconds: the handshake may cross a slow network
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, err
	}
	if o.Logs {
		s.ConfigureLogger()
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("nats server on %s did not start within 10s", o.Listen)
	}
	return s, nil
}
