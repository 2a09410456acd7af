// Package pipeline assembles and runs simpipe's dataflow: a JobSource reading
// unfinished jobs from the checkpoint store, a Simulate flow of N workers and
// a CheckpointSink committing grouped results. It owns a run's lifecycle:
// creating or resuming the run, stopping on cancellation after committing
// what is done, live progress for other processes, and the run summary.
//
// # Stopping
//
// Cancelling Run's context stops the source: no new job is issued, the jobs
// in flight finish and are committed, and Run returns ErrInterrupted. Jobs not
// issued stay pending, so running again resumes. A process killed outright
// loses at most the batch not yet committed (SinkOptions.Interval of work);
// those jobs are still pending in the store and are played again, exactly
// once, on resume.
package pipeline
