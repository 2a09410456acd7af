package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// JobResult is what simulators produce for one job.
type JobResult struct {
	Job Job
	// Record is a results record (see ChunkEncoder) of the games played:
	// all of the job's games, or those in Job.Only, in index order.
	Record []byte
	// Delta is the aggregate over the games played.
	Delta Aggregate
	// Failures lists the games that failed on every attempt.
	Failures []GameFailure
	// Attempts is the most attempts any game needed.
	Attempts uint32
}

// CommitStats says what one Commit did.
type CommitStats struct {
	Jobs, Games uint64
	// Duplicates counts results for jobs already finished; they are
	// ignored, never counted twice.
	Duplicates uint64
	// Replayed counts games among Games that had failed before and were
	// reissued: they were already counted as finished (failed).
	Replayed uint64
	// Finished and Failed are the stage's totals after the commit: games
	// with a result (done or failed), and games failed.
	Finished, Failed uint64
}

// Commit stores a batch of job results, their job states and the aggregate
// update in one transaction (one fsync for the whole batch).
func (s *Stage) Commit(results []JobResult) (CommitStats, error) {
	var st CommitStats
	err := s.update(func(root *bolt.Bucket) error {
		st = CommitStats{}
		jobs, res := root.Bucket(bucketJobs), root.Bucket(bucketResults)
		if jobs == nil || res == nil {
			return ErrNoRun
		}
		res.FillPercent = 1 // keys only ever grow
		agg, err := readAggregate(root)
		if err != nil {
			return err
		}
		for i := range results {
			r := &results[i]
			k := key(r.Job.ID)
			v := jobs.Get(k)
			if v == nil {
				return fmt.Errorf("store: result for unknown job %d", r.Job.ID)
			}
			rec, err := DecodeJob(v)
			if err != nil {
				return fmt.Errorf("job %d: %w", r.Job.ID, err)
			}
			if rec.State != Pending {
				st.Duplicates++
				continue
			}
			record := r.Record
			if len(rec.Failures) > 0 {
				// A reissued job: replace its failed games' entries.
				if record, err = mergeRetried(res.Get(k), rec, r.Record); err != nil {
					return fmt.Errorf("job %d: %w", r.Job.ID, err)
				}
				agg.Failed -= uint64(len(rec.Failures))
				st.Replayed += uint64(len(rec.Failures))
			}
			if err := res.Put(k, record); err != nil {
				return err
			}
			rec.Failures = r.Failures
			rec.Attempts = max(rec.Attempts, r.Attempts)
			if len(r.Failures) == 0 {
				rec.State = Done
				agg.JobsDone++
			} else {
				rec.State = FailedJob
				agg.JobsFailed++
			}
			if err := jobs.Put(k, rec.Encode()); err != nil {
				return err
			}
			agg.Merge(&r.Delta)
			st.Jobs++
			st.Games += r.Delta.Finished()
		}
		st.Finished, st.Failed = agg.Finished(), agg.Failed
		if err := logProgress(root, time.Now(), agg.Finished()); err != nil {
			return err
		}
		return root.Bucket(bucketMeta).Put(keyAggregate, agg.Encode())
	})
	if errors.Is(err, berrors.ErrMaxSizeReached) || errors.Is(err, syscall.ENOSPC) {
		err = fmt.Errorf("%w: %v", ErrNoSpace, err)
	}
	return st, err
}

// ProgressPoint is one sample of a stage's progress over time.
type ProgressPoint struct {
	UnixNano int64
	Games    uint64 // games with a stored result (done or failed)
}

// progressEvery is the least time between two logged progress points, so
// that a long run's log stays small (a day is at most 86,400 points).
const progressEvery = time.Second

// logProgress appends a progress point, at most one per progressEvery.
// Timestamps are for reports only; they never enter results or digests.
func logProgress(root *bolt.Bucket, now time.Time, games uint64) error {
	b, err := root.CreateBucketIfNotExists(bucketProgress)
	if err != nil {
		return err
	}
	if k, _ := b.Cursor().Last(); k != nil && len(k) == 8 {
		last := int64(binary.BigEndian.Uint64(k))
		if now.UnixNano()-last < int64(progressEvery) {
			return nil
		}
	}
	return b.Put(binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())), sealValue(binary.AppendUvarint(nil, games)))
}

// Progress returns the stage's logged progress points in time order.
func (s *Stage) Progress() ([]ProgressPoint, error) {
	var out []ProgressPoint
	err := s.view(func(root *bolt.Bucket) error {
		b := root.Bucket(bucketProgress)
		if b == nil {
			return nil
		}
		tx := root.Tx()
		return b.ForEach(func(k, v []byte) error {
			v, err := openValue(tx, v, "progress point")
			if err != nil {
				return fmt.Errorf("progress point %x: %w", k, err)
			}
			n, m := binary.Uvarint(v)
			if len(k) != 8 || m != len(v) {
				return fmt.Errorf("%w: progress point %x", ErrCorrupt, k)
			}
			out = append(out, ProgressPoint{UnixNano: int64(binary.BigEndian.Uint64(k)), Games: n})
			return nil
		})
	})
	return out, err
}

// mergeRetried returns the job's stored record with the entries of its
// failed games replaced by those in played (in the order of rec.Failures).
func mergeRetried(stored []byte, rec *JobRecord, played []byte) ([]byte, error) {
	old, err := DecodeChunk(stored)
	if err != nil {
		return nil, err
	}
	fresh, err := DecodeChunk(played)
	if err != nil {
		return nil, err
	}
	if len(fresh.Raw) != len(rec.Failures) || len(old.Raw) != int(rec.Count) {
		return nil, errors.New("reissued games do not match the job's failures")
	}
	raw := append([][]byte(nil), old.Raw...)
	for i, f := range rec.Failures {
		if f.Index < rec.First || f.Index >= rec.First+uint64(rec.Count) {
			return nil, fmt.Errorf("failed game %d outside the job", f.Index)
		}
		raw[f.Index-rec.First] = fresh.Raw[i]
	}
	var e ChunkEncoder
	e.Reset(rec.First, old.MoveBits)
	for _, r := range raw {
		e.count++
		e.entries = append(e.entries, r...)
	}
	return e.Bytes(), nil
}

// Reissue marks failed jobs pending again so that the next run plays their
// failed games (and only those). ids nil means every failed job. It returns
// the number of jobs reissued.
func (s *Stage) Reissue(ids []uint64) (int, error) {
	n := 0
	err := s.update(func(root *bolt.Bucket) error {
		n = 0
		jobs := root.Bucket(bucketJobs)
		if jobs == nil {
			return ErrNoRun
		}
		agg, err := readAggregate(root)
		if err != nil {
			return err
		}
		reissue := func(k, v []byte) error {
			rec, err := DecodeJob(v)
			if err != nil {
				return err
			}
			if rec.State != FailedJob {
				return nil
			}
			rec.State = Pending
			agg.JobsFailed--
			n++
			return jobs.Put(k, rec.Encode())
		}
		if ids == nil {
			var keys, vals [][]byte
			_ = jobs.ForEach(func(k, v []byte) error {
				keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
				return nil
			})
			for i := range keys {
				if err := reissue(keys[i], vals[i]); err != nil {
					return err
				}
			}
		} else {
			for _, id := range ids {
				v := jobs.Get(key(id))
				if v == nil {
					return fmt.Errorf("no job %d", id)
				}
				if err := reissue(key(id), v); err != nil {
					return err
				}
			}
		}
		return root.Bucket(bucketMeta).Put(keyAggregate, agg.Encode())
	})
	return n, err
}
