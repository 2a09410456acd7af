package cli

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/simpipe/simpipe/cluster"
	"github.com/simpipe/simpipe/game"
)

type workerCmd struct {
	NATS     string `name:"nats" required:"" help:"URL of the NATS server the coordinator uses, e.g. nats://10.0.0.5:4222." placeholder:"URL"`
	Workers  int    `default:"0" help:"Simulator goroutines (0: one per CPU)."`
	Prefetch int    `default:"0" help:"Jobs held ahead of the simulators, so that the round trips to fetch a job and publish a result leave none idle (0: as many as --workers). Raise it behind a slow network when jobs are short." placeholder:"N"`
	natsAuth `embed:""`
}

func (c *workerCmd) Validate() error {
	if err := resolveWorkers(&c.Workers); err != nil {
		return err
	}
	if c.Prefetch == 0 {
		c.Prefetch = c.Workers
	}
	if c.Prefetch < 1 || c.Prefetch > 100000 {
		return fmt.Errorf("--prefetch %d is outside 1..100000 (0: as many as --workers)", c.Prefetch)
	}
	return nil
}

func (c *workerCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	nc, err := connectNATS(c.NATS, "simpipe worker", c.natsAuth, s.err)
	if err != nil {
		return err
	}
	defer nc.Close()
	var results, dups atomic.Uint64
	err = cluster.Work(ctx, nc, cluster.WorkerOptions{
		Workers: c.Workers, Prefetch: c.Prefetch, Version: Version, Registry: reg, Log: s.err,
		OnResult:    func() { results.Add(1) },
		OnDuplicate: func() { dups.Add(1) },
	})
	fmt.Fprintf(s.err, "%s: worker: stopped after %d results (%d of them copies the server already held)\n", progName, results.Load(), dups.Load())
	return err
}
