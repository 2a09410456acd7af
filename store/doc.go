// Package store is simpipe's checkpoint database: one bbolt file holding any
// number of stages, each a run with its configuration, the state of every
// job, every game's result and the running aggregate, beside a few named
// values (trained models, training state).
//
// # Schema
//
// Top-level buckets:
//
//   - "meta": the schema version ("schema", 4 bytes big-endian; see
//     SchemaVersion).
//   - "stages": one nested bucket per stage, by name ("run" for 'simpipe
//     run', "train-001", … for training iterations, "eval-…" for
//     evaluations).
//   - "kv": small named values (Put, Get): the trainer's settings, models
//     and analyses.
//
// Each stage's bucket holds:
//
//   - "meta": the run Config ("config", JSON) and the Aggregate
//     ("aggregate").
//   - "jobs": a job ID (8-byte big-endian) to its JobRecord; a job is a
//     chunk of consecutive games.
//   - "results": a job ID to the encoded results of its games (see
//     ChunkEncoder). Job IDs grow with game indices, so reading "results"
//     in key order reads games in index order.
//   - "progress": points (time in Unix nanoseconds, 8-byte big-endian, to
//     the number of finished games) logged by Commit at most once a
//     second, which the report plots.
//
// Every value but the schema version is sealed with a CRC-32C: job and
// results records and the aggregate in their binary encoding, configs,
// progress points and kv values by a version byte before them (since
// schema 2; schema 1 stored those bare, and such a DB is read as it is and
// upgraded by its first write).
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
// bytes and never panic. Open for writing checks bbolt's page structure and
// every value's checksum before anything is written. A DB is held by one
// writer at a time: Open fails with ErrLocked after Options.Timeout instead
// of waiting.
package store
