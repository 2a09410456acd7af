// Package features generates candidate features for a game from its
// structure description and computes their integer values on positions.
// A feature is plain data (a generator kind and integer arguments), so a job
// can carry its feature set to any worker, which regenerates the same values.
//
// Generate lists candidates for a game; Compile checks a list against the
// game and returns a Set whose Values fills one int32 per feature, seen from
// a seat, without allocating. Values are integers so that sums over millions
// of positions are exact in any order. See kinds.go for the kinds and the
// layout of Args.
package features

// Feature is one feature: the generator Kind and its integer Args, with a
// readable Name. Values are integers, seen from one seat's point of view.
type Feature struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Args []int  `json:"args,omitempty"`
}
