package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/ui"
)

// uiCmd serves the live dashboard of one or more DBs.
type uiCmd struct {
	Files   []string `arg:"" name:"file" help:"Checkpoint database files, shown side by side." placeholder:"FILE"`
	Listen  string   `default:"127.0.0.1:8080" help:"Address to serve on: loopback by default (127.0.0.1:8080); any other address needs --token (and TLS is advised: --tls-cert)." placeholder:"HOST:PORT"`
	Token   string   `help:"Token that actions (retry, stop) need, and every request on a non-loopback address (default: a random one, printed at start)." placeholder:"TOKEN"`
	TLSCert string   `name:"tls-cert" help:"Serve HTTPS with this certificate (PEM), with --tls-key." placeholder:"FILE" and:"tls"`
	TLSKey  string   `name:"tls-key" help:"Private key (PEM) of --tls-cert." placeholder:"FILE" and:"tls"`
}

func (c *uiCmd) Validate() error {
	loop, err := ui.IsLoopback(c.Listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %v", c.Listen, err)
	}
	if !loop && c.Token == "" {
		return fmt.Errorf("--listen %s is not a loopback address: set --token (or SIMPIPE_TOKEN), which every request will then need", c.Listen)
	}
	if !loop && len(c.Token) < 16 {
		return fmt.Errorf("--token is shorter than 16 characters: too easy to guess on a non-loopback address")
	}
	return nil
}

func (c *uiCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	for _, f := range c.Files {
		if _, err := os.Stat(f); err != nil {
			return usageErr(err)
		}
	}
	loop, _ := ui.IsLoopback(c.Listen)
	token := c.Token
	if token == "" {
		b := make([]byte, 16)
		rand.Read(b)
		token = hex.EncodeToString(b)
	}
	srv, err := ui.New(ui.Options{Files: c.Files, Registry: reg, Token: token, TokenForReads: !loop,
		LoopbackOnly: loop, Version: Version})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return usageErr(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	addr := ln.Addr().String()
	if loop {
		fmt.Fprintf(s.err, "%s: dashboard of %d %s on %s://%s/#token=%s\n", progName, len(c.Files), plural(len(c.Files), "DB"), scheme, addr, token)
	} else {
		fmt.Fprintf(s.err, "%s: dashboard of %d %s on %s://%s/?token=%s\n", progName, len(c.Files), plural(len(c.Files), "DB"), scheme, addr, token)
		if scheme == "http" {
			fmt.Fprintf(s.err, "%s: warning: %s is not loopback and not TLS: the token crosses the network in clear (use --tls-cert and --tls-key)\n", progName, addr)
		}
	}
	fmt.Fprintf(s.err, "%s: token: %s (actions send it in the %s header)\n", progName, token, ui.TokenHeader)
	served := make(chan error, 1)
	go func() {
		if scheme == "https" {
			served <- hs.ServeTLS(ln, c.TLSCert, c.TLSKey)
		} else {
			served <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Close() // ends the event streams, so that Shutdown need not wait for them
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
