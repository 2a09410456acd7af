package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/simpipe/simpipe/store"
)

// JetStream names. Every job of a run has a subject of its own, which
// the job stream lets hold one message at most; every run has its own
// result subject; all workers share one durable pull consumer on the job
// stream.
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

// jobSubject is the subject of one job's message.
func jobSubject(runID string, job uint64) string {
	return jobsPrefix + runID + "." + strconv.FormatUint(job, 10)
}

// runJobsFilter matches the subjects of every job of a run.
func runJobsFilter(runID string) string { return jobsPrefix + runID + ".>" }

// subjectJob returns the job ID of a job subject of run runID.
func subjectJob(runID, subject string) (uint64, bool) {
	rest, ok := strings.CutPrefix(subject, jobsPrefix+runID+".")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(rest, 10, 64)
	return id, err == nil
}

func resultsSubject(runID string) string { return resultsPrefix + runID }

// jobMsgID is a job message's ID: protocol, run, job, the publishing
// coordinator's nonce and the lease generation. A publication retried
// after its acknowledgement was lost is dropped by the server within its
// duplicate window (and by the one-message limit of the job's subject
// after it); a lease expiry publishes generation+1, which is never
// dropped. A restarted coordinator does not publish the jobs it finds in
// the stream at all (see coordinator.adopt).
func jobMsgID(runID string, job uint64, nonce string, gen int) string {
	return fmt.Sprintf("v%d.%s.%d.%s.%d", protocol(), runID, job, nonce, gen)
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
// is removed once acknowledged) on file storage. A job's subject holds one
// message at most (the server refuses a second: see
// isMaxMsgsPerSubject): a job is never waiting in the stream twice,
// whatever the duplicate window, so no worker plays a copy of a job that
// another copy already settled.
func setupStreams(ctx context.Context, js jetstream.JetStream) error {
	for _, sc := range []jetstream.StreamConfig{
		{Name: JobsStream, Subjects: []string{jobsPrefix + ">"},
			MaxMsgsPerSubject: 1, Discard: jetstream.DiscardNew, DiscardNewPerSubject: true},
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

// isMaxMsgsPerSubject reports a publication refused because the job's
// subject already holds a message: the job is in the stream.
func isMaxMsgsPerSubject(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Description, "maximum messages per subject")
}

// isNotFound reports a message or consumer that does not exist.
func isNotFound(err error) bool {
	return errors.Is(err, jetstream.ErrMsgNotFound) || errors.Is(err, jetstream.ErrConsumerNotFound)
}
