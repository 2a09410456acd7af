package fit

// Keeping states and holding games out are decided by hashing, not by a
// random generator, so that any worker, in any order, makes the same choice
// for the same game and ply.

// Domain tags keep the sampler's and the split's hashes independent, so the
// sampled states of held-out games are not a biased subset.
const (
	sampleTag = 0x73616d706c65 // "sample"
	splitTag  = 0x73706c6974   // "split"
)

// mix64 is the splitmix64 finalizer: a bijection with good avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hash(tag, seed, a, b uint64) uint64 {
	h := mix64(tag + seed*0x9e3779b97f4a7c15)
	h = mix64(h ^ a)
	return mix64(h + b)
}

// Sampler keeps about one state in Every, chosen by a hash of the seed, the
// game index and the ply, so that consecutive (highly correlated) positions
// of a game are thinned out and the number of samples kept, hence Fit's
// memory, is bounded by the caller's choice of Every.
type Sampler struct {
	Seed uint64
	// Every is the sampling period; 0 or 1 keeps every state.
	Every uint64
}

// Keep reports whether the state at ply of game is sampled.
func (s Sampler) Keep(game uint64, ply int) bool {
	if s.Every <= 1 {
		return true
	}
	return hash(sampleTag, s.Seed, game, uint64(ply))%s.Every == 0
}

// Split assigns whole games to the held-out set, so that positions of one
// game never sit on both sides.
type Split struct {
	Seed uint64
	// Every holds out about one game in Every. 0 means DefaultHeldOutEvery;
	// a negative value holds out nothing.
	Every int
}

// DefaultHeldOutEvery holds out one game in 10.
const DefaultHeldOutEvery = 10

// HeldOut reports whether game belongs to the held-out set.
func (s Split) HeldOut(game uint64) bool {
	e := s.Every
	switch {
	case e == 0:
		e = DefaultHeldOutEvery
	case e < 0:
		return false
	}
	return hash(splitTag, s.Seed, game, 0)%uint64(e) == 0
}
