// Package dataflow holds the go-streams operators of a local run: JobSource
// reads unfinished jobs from the checkpoint store, Simulate plays their games
// on N goroutines, and CheckpointSink commits the results in grouped
// transactions. (The JetStream source and sink of a distributed run live with
// the rest of the NATS code in package cluster.)
//
// go-streams moves values of type any and has no error path, so errors travel
// inside the values (a store.JobResult carries its games' failures) and fatal
// errors stop the pipeline by cancelling the source's context.
package dataflow
