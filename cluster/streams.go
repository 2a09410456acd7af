package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/store"
)

// JetStream names. Every run has its own job and result subjects; all
// workers share one durable pull consumer on the job stream.
const (
	JobsStream      = "SIMPIPE_JOBS"
	ResultsStream   = "SIMPIPE_RESULTS"
	WorkersConsumer = "simpipe-workers"
	jobsPrefix      = "simpipe.jobs."
	resultsPrefix   = "simpipe.results."
	// DuplicateWindow is how long the server remembers message IDs.
	// Republished jobs carry a new lease generation in their ID, so the
	// window never drops a republication.
	DuplicateWindow = 2 * time.Minute
)

// duplicateWindowEnv, when set to a duration, replaces DuplicateWindow for
// the streams this process creates: a test hook that lets stale results
// (a worker paused past its lease) reach the coordinator in seconds
// instead of minutes.
const duplicateWindowEnv = "SIMPIPE_NATS_DUPLICATE_WINDOW"

func duplicateWindow() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(duplicateWindowEnv)); err == nil && d > 0 {
		return d
	}
	return DuplicateWindow
}

func jobsSubject(runID string) string    { return jobsPrefix + runID }
func resultsSubject(runID string) string { return resultsPrefix + runID }

// jobMsgID is a job message's ID: protocol, run, job and lease generation.
// The same job published again by a restarted coordinator (generation 0
// again) is dropped by the server while the first is remembered; a lease
// expiry publishes generation+1, which is never dropped.
func jobMsgID(runID string, job uint64, gen int) string {
	return fmt.Sprintf("v%d.%s.%d.%d", protocol(), runID, job, gen)
}

// resultMsgID is a result message's ID: all results of one job are equal,
// so the server keeps the first.
func resultMsgID(runID string, job uint64) string {
	return fmt.Sprintf("v%d.%s.%d", protocol(), runID, job)
}

// RunID returns the run ID of a DB's stage, creating it on first use: 16
// random bytes in hex, stored in the DB so that a resumed coordinator keeps
// it and a new DB never shares one.
func RunID(db *store.DB, stage *store.Stage) (string, error) {
	key := "cluster.run_id." + stage.Name()
	v, err := db.Get(key)
	if err != nil {
		return "", err
	}
	if len(v) > 0 {
		return string(v), nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	return id, db.Put(key, []byte(id))
}

// setupStreams creates or updates the two streams: work queues (a message
// is removed once acknowledged) on file storage.
func setupStreams(ctx context.Context, js jetstream.JetStream) error {
	for _, sc := range []jetstream.StreamConfig{
		{Name: JobsStream, Subjects: []string{jobsPrefix + ">"}},
		{Name: ResultsStream, Subjects: []string{resultsPrefix + ">"}},
	} {
		sc.Retention = jetstream.WorkQueuePolicy
		sc.Storage = jetstream.FileStorage
		sc.Duplicates = duplicateWindow()
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

// workersConsumer creates or updates the consumer all workers share.
// AckWait is how long the server waits for a worker's acknowledgement (or
// in-progress heartbeat) before it redelivers the job to another.
func workersConsumer(ctx context.Context, js jetstream.JetStream, ackWait time.Duration) error {
	_, err := js.CreateOrUpdateConsumer(ctx, JobsStream, jetstream.ConsumerConfig{
		Durable:       WorkersConsumer,
		FilterSubject: jobsPrefix + ">",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxDeliver:    -1,
		MaxAckPending: 10000,
	})
	return err
}

// isNotFound reports a message or consumer that does not exist.
func isNotFound(err error) bool {
	return errors.Is(err, jetstream.ErrMsgNotFound) || errors.Is(err, jetstream.ErrConsumerNotFound)
}
