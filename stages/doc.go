// Package stages holds simpipe's go-streams stages: JobSource reads unfinished
// jobs from the checkpoint store, Simulate plays their games on N goroutines,
// and CheckpointSink commits the results in grouped transactions.
//
// go-streams moves values of type any and has no error path, so errors travel
// inside the values (a store.JobResult carries its games' failures) and fatal
// errors stop the pipeline by cancelling the source's context.
package stages
