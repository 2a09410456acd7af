// Package store is simpipe's checkpoint database: one bbolt file holding a
// run's configuration, the state of every job, every game's result and the
// running aggregate.
//
// # Schema
//
// Bucket "meta" holds the schema version, the run Config and the Aggregate.
// Bucket "jobs" maps a job ID (8-byte big-endian) to its JobRecord; a job is a
// chunk of consecutive games. Bucket "results" maps a job ID to the encoded
// results of its games (see EncodeChunk). Job IDs grow with game indices, so
// reading "results" in key order reads games in index order.
//
// # Exactly once
//
// Commit writes a batch of job results, their job state changes and the
// aggregate update in one bbolt transaction: after a crash either all of a
// job's results are counted or none are, and a job already done is never
// counted again. The caller groups many jobs per Commit, so a run pays one
// fsync per batch, not per game.
//
// # Caveats
//
// Records use a versioned binary encoding; decoders return ErrCorrupt on bad
// bytes and never panic. A DB is held by one writer at a time: Open fails
// with ErrLocked after Options.Timeout instead of waiting.
package store
