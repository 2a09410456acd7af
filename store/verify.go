package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Verify checks the whole DB in one read transaction: bbolt's page
// consistency, that the jobs cover games 0..Games-1 without gap or overlap,
// that every finished job has a results record covering exactly its games
// (and a pending one none beyond its reissued games), and that the stored
// aggregate equals the one recomputed from the results. It returns the
// first problem found.
func (s *Stage) Verify() error {
	return s.view(func(root *bolt.Bucket) error {
		for err := range root.Tx().Check() {
			return fmt.Errorf("bbolt check: %w", err)
		}
		cfg, err := readConfig(root)
		if err != nil {
			return err
		}
		stored, err := readAggregate(root)
		if err != nil {
			return err
		}
		var agg Aggregate
		jobs, results := root.Bucket(bucketJobs), root.Bucket(bucketResults)
		next, count := uint64(0), uint64(0)
		err = jobs.ForEach(func(k, v []byte) error {
			id := binary.BigEndian.Uint64(k)
			if id != count {
				return fmt.Errorf("job IDs skip from %d to %d", count, id)
			}
			count++
			rec, err := DecodeJob(v)
			if err != nil {
				return fmt.Errorf("job %d: %w", id, err)
			}
			if rec.First != next {
				return fmt.Errorf("job %d starts at game %d, want %d", id, rec.First, next)
			}
			next += uint64(rec.Count)
			raw := results.Get(k)
			if rec.State == Pending && len(rec.Failures) == 0 {
				if raw != nil {
					return fmt.Errorf("pending job %d has results", id)
				}
				return nil
			}
			if raw == nil {
				return fmt.Errorf("%s job %d has no results", rec.State, id)
			}
			c, err := DecodeChunk(raw)
			if err != nil {
				return fmt.Errorf("results of job %d: %w", id, err)
			}
			if c.First != rec.First || len(c.Raw) != int(rec.Count) || c.MoveBits != cfg.MoveBits {
				return fmt.Errorf("results of job %d cover games %d+%d, want %d+%d", id, c.First, len(c.Raw), rec.First, rec.Count)
			}
			failed := 0
			for i := range c.Raw {
				g, err := DecodeEntry(c.Raw[i], c.MoveBits)
				if err != nil {
					return fmt.Errorf("game %d: %w", c.First+uint64(i), err)
				}
				if g.Status == Failed {
					failed++
				}
				agg.AddGame(g)
			}
			if failed != len(rec.Failures) {
				return fmt.Errorf("job %d has %d failed games but %d failure records", id, failed, len(rec.Failures))
			}
			switch rec.State {
			case Done:
				agg.JobsDone++
			case FailedJob:
				agg.JobsFailed++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if count != cfg.Jobs || next != cfg.Games {
			return fmt.Errorf("%d jobs cover %d games; config says %d jobs, %d games", count, next, cfg.Jobs, cfg.Games)
		}
		if agg != *stored {
			return fmt.Errorf("stored aggregate %+v differs from the results' %+v", *stored, agg)
		}
		return nil
	})
}
