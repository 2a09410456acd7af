// Package pipeline defines and runs a run of simpipe: it resolves the run
// once, runs it under one lifecycle whatever plays it, and owns what a
// command shows of it.
//
// # Defining a run
//
// Prepare creates the run a command's Settings describe in a stage, or checks
// them against the stored run (a setting that contradicts it is a
// ConflictError; errors name settings, and a command line maps them to its
// flags). Either way it returns the run's Definition: the game, built once
// by the caller from its spec and handed in, the lineup with the models
// stored with the run, and the settings that decide each game's result.
// Resolve builds a Definition from a stored config (or, on a worker, from
// a job message's). Every executor, the trainer and the evaluator play from
// a Definition, and Definition.SimConfig is the one place simulators are
// configured.
//
// # Executing a run
//
// An Executor plays a run's pending jobs: Local on simulators of this
// process (a dataflow.JobSource, a Simulate flow of N workers and a
// CheckpointSink), or cluster.Coordinator on workers over NATS JetStream.
// Execute is the lifecycle around either: it sets the progress counters
// from the stored aggregate, hands the executor an Execution whose NewSink
// keeps them (and the caller's hooks) up to date at every commit, and tells
// an interruption from the end of the run. Run is Execute with Local.
//
// A Session adds what a command shows: the live status on a socket beside
// the DB for other processes (ServeLive, QueryLive), Prometheus metrics,
// and the Summary at the end. Its socket also takes two actions from the
// user who owns the DB (RequestLive): "stop", which cancels the run as the
// first Ctrl-C does, and "retry", which reissues the failed jobs.
//
// # Stopping
//
// Cancelling the context stops the executor from issuing jobs: the jobs in
// flight finish and are committed, and Execute returns ErrInterrupted
// unless the last job was done. Jobs not issued stay pending, so running
// again resumes. A process killed outright loses at most the batch not yet
// committed (SinkOptions.Interval of work); those jobs are still pending in
// the store and are played again, exactly once, on resume.
package pipeline
