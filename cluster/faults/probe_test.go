package faults

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/cluster"
)

// probeEnv, set to "url token-file ca-file", makes the test binary a probe
// instead of running tests (see TestMain): it prints the state of the
// streams and consumers every half second, one line each, so that a
// campaign's logs (SIMPIPE_FAULTS_LOGS) show what the server held when
// the run stalled.
const probeEnv = "SIMPIPE_FAULTS_PROBE"

func runProbe(spec string) {
	f := strings.Fields(spec)
	if len(f) != 3 {
		fmt.Fprintln(os.Stderr, "probe: want 'url token-file ca-file'")
		os.Exit(2)
	}
	token, err := os.ReadFile(f[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	nc, err := nats.Connect(f[0], nats.Token(strings.TrimSpace(string(token))), nats.RootCAs(f[2]),
		nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond), nats.RetryOnFailedConnect(true))
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "probe: started")
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var b strings.Builder
		for _, name := range []string{cluster.JobsStream, cluster.ResultsStream} {
			s, err := js.Stream(ctx, name)
			if err != nil {
				fmt.Fprintf(&b, "%s: %v; ", name, err)
				continue
			}
			fmt.Fprintf(&b, "%s msgs %d; ", name, s.CachedInfo().State.Msgs)
			for cs := s.ListConsumers(ctx); ; {
				ci, ok := <-cs.Info()
				if !ok {
					break
				}
				fmt.Fprintf(&b, "consumer %.24s pending %d ack-pending %d redelivered %d waiting %d; ",
					ci.Name, ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.NumWaiting)
			}
		}
		cancel()
		fmt.Fprintln(os.Stderr, "probe:", b.String())
		time.Sleep(500 * time.Millisecond)
	}
}
