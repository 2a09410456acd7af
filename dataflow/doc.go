// Package dataflow holds the go-streams operators of a run: JobSource reads
// unfinished jobs from the checkpoint store, Simulate plays their games on N
// goroutines, and CheckpointSink commits the results in grouped
// transactions, telling its caller after each commit which jobs it held
// (Commit). Progress holds the live counters of a run. A local run wires all
// three (pipeline.Local); a distributed one puts the JetStream source and
// sink of package cluster in between: workers run Simulate, the coordinator
// runs CheckpointSink.
//
// go-streams moves values of type any and has no error path, so errors travel
// inside the values (a store.JobResult carries its games' failures) and fatal
// errors stop the pipeline by cancelling the source's context.
package dataflow
