package game

import "math/bits"

// RNG is the random number generator of one game: xoshiro256++ seeded
// through SplitMix64. Its output is fixed by this package's code, not by the
// Go release, so stored results stay reproducible; it is also small and fast
// enough to sit on the per-move hot path.
type RNG struct {
	s0, s1, s2, s3 uint64
}

// NewRNG returns the generator of game index in the run seeded with seed.
func NewRNG(seed, index uint64) *RNG {
	r := &RNG{}
	r.Seed(seed, index)
	return r
}

// Seed resets r to the stream of game index in the run seeded with seed.
// SplitMix64 spreads nearby (seed, index) pairs over unrelated states.
func (r *RNG) Seed(seed, index uint64) {
	x := splitmix64(seed^0x6a09e667f3bcc909) ^ index
	r.s0 = splitmix64(x)
	r.s1 = splitmix64(r.s0 ^ x)
	r.s2 = splitmix64(r.s1 ^ x)
	r.s3 = splitmix64(r.s2 ^ x)
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Uint64 returns a uniformly random 64-bit value. It makes RNG a
// math/rand/v2 Source, so rand.New(r) works where a *rand.Rand is wanted.
func (r *RNG) Uint64() uint64 {
	out := bits.RotateLeft64(r.s0+r.s3, 23) + r.s0
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return out
}

// IntN returns a uniform value in [0, n). It panics if n <= 0.
func (r *RNG) IntN(n int) int {
	if n <= 0 {
		panic("game: RNG.IntN with n <= 0")
	}
	return int(r.uint64n(uint64(n)))
}

// uint64n is Lemire's nearly divisionless bounded sampling.
func (r *RNG) uint64n(n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// Weighted returns an index into weights drawn with probability proportional
// to its weight. The weights must be positive.
func (r *RNG) Weighted(weights []uint32) int {
	var total uint64
	for _, w := range weights {
		total += uint64(w)
	}
	x := r.uint64n(total)
	for i, w := range weights {
		if x < uint64(w) {
			return i
		}
		x -= uint64(w)
	}
	panic("game: RNG.Weighted with no positive weight")
}

// Float64 returns a uniform value in [0, 1).
func (r *RNG) Float64() float64 { return float64(r.Uint64()>>11) / (1 << 53) }
