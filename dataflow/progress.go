package dataflow

import "sync/atomic"

// Progress holds live counters of a run, safe for concurrent reads. The run
// lifecycle (pipeline.Execute) sets and updates every counter but InFlight,
// which the executor keeps; displays, the live status and metrics read them.
//
// Done counts the games finished: with a committed result, completed,
// incomplete or failed (store.CommitStats.Finished, the stored Aggregate's
// GamesDone plus Failed: GamesDone leaves failed games out).
type Progress struct {
	Total      atomic.Uint64 // games in the run
	Done       atomic.Uint64 // games finished, earlier sessions included (see above)
	Played     atomic.Uint64 // games this process committed, finished (replays of reissued failed games included)
	Failed     atomic.Uint64 // games failed permanently, committed (updated at every commit)
	InFlight   atomic.Int64  // jobs issued and not yet committed
	Commits    atomic.Uint64
	CommitNano atomic.Int64 // duration of the last commit
}
