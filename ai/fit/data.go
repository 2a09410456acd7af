package fit

import "fmt"

// Data holds the samples of a fit in memory: per sample the game index, the
// feature values and the target. Memory is about 4·features + 16 bytes per
// sample, proportional to the samples kept (see Sampler), not to the games
// played.
type Data struct {
	nf   int
	x    []int32 // sample i's values are x[i*nf : (i+1)*nf]
	y    []float64
	game []uint64
}

// NewData returns empty Data for samples of nFeatures feature values.
func NewData(nFeatures int) *Data {
	if nFeatures < 0 {
		panic("fit: negative number of features")
	}
	return &Data{nf: nFeatures}
}

// Add appends a sample: the index of its game (for the held-out split), the
// feature values of the seat to evaluate, and the target, that seat's result
// (1 win, 0.5 draw, 0 loss). values is copied. Add panics if values has the
// wrong length or target is not 0, 0.5 or 1.
func (d *Data) Add(game uint64, values []int32, target float64) {
	if len(values) != d.nf {
		panic(fmt.Sprintf("fit: %d feature values for %d features", len(values), d.nf))
	}
	if target != 0 && target != 0.5 && target != 1 {
		panic(fmt.Sprintf("fit: target %v is not 0, 0.5 or 1", target))
	}
	d.x = append(d.x, values...)
	d.y = append(d.y, target)
	d.game = append(d.game, game)
}

// Len returns the number of samples.
func (d *Data) Len() int { return len(d.y) }

// NumFeatures returns the number of feature values per sample.
func (d *Data) NumFeatures() int { return d.nf }

func (d *Data) row(i int) []int32 { return d.x[i*d.nf : (i+1)*d.nf] }

// Each calls fn for every sample in order. values is valid only during the
// call.
func (d *Data) Each(fn func(game uint64, values []int32, target float64)) {
	for i := range d.y {
		fn(d.game[i], d.row(i), d.y[i])
	}
}
