package fit

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// synthetic draws n samples, ten per game, of two integer features
// x0 ∈ [−3, 3] and x1 ∈ [0, 5] with P(win) = sigmoid(0.2 + 1.5·x0 − 0.7·x1),
// from a fixed seed. scale multiplies x1 and extra appends a constant 7.
func synthetic(n int, scale int32, extra bool) *Data {
	rng := rand.New(rand.NewPCG(1, 2))
	nf := 2
	if extra {
		nf = 3
	}
	d := NewData(nf)
	for i := range n {
		x := []int32{int32(rng.IntN(7)) - 3, int32(rng.IntN(6))}
		s := 0.2 + 1.5*float64(x[0]) - 0.7*float64(x[1])
		y := 0.0
		if rng.Float64() < sigmoid(s) {
			y = 1
		}
		x[1] *= scale
		if extra {
			x = append(x, 7)
		}
		d.Add(uint64(i/10), x, y)
	}
	return d
}

func TestFitRecoversWeights(t *testing.T) {
	d := synthetic(20000, 1, false)
	r, err := Fit(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("weights %v intercept %v, %d iterations (%s)", r.Weights, r.Intercept, r.Iterations, r.Status)
	for j, want := range []float64{1.5, -0.7} {
		if math.Abs(r.Weights[j]-want) > 0.1 {
			t.Errorf("weight %d = %v, want %v ± 0.1", j, r.Weights[j], want)
		}
	}
	if math.Abs(r.Intercept-0.2) > 0.1 {
		t.Errorf("intercept = %v, want 0.2 ± 0.1", r.Intercept)
	}

	if r.TrainSamples+r.HeldOutSamples != 20000 {
		t.Errorf("%d + %d samples, want 20000", r.TrainSamples, r.HeldOutSamples)
	}
	// One game in 10 held out, 2000 games: about 200 ± 3σ (σ = sqrt(2000·.1·.9) ≈ 13.4).
	if g := r.HeldOutSamples / 10; g < 160 || g > 240 {
		t.Errorf("%d held-out games, want about 200", g)
	}
	// The features carry most of the information: held-out loss well below
	// the constant predictor's, and close to the training loss.
	if !(r.HeldOutLogLoss > 0 && r.HeldOutLogLoss < 0.6*r.HeldOutBaseLogLoss) {
		t.Errorf("held-out log loss %v, base %v", r.HeldOutLogLoss, r.HeldOutBaseLogLoss)
	}
	if math.Abs(r.HeldOutLogLoss-r.TrainLogLoss) > 0.05 {
		t.Errorf("held-out log loss %v far from train %v", r.HeldOutLogLoss, r.TrainLogLoss)
	}
	if r.HeldOutDecisive != r.HeldOutSamples || r.HeldOutAccuracy < 0.8 {
		t.Errorf("accuracy %v over %d decisive samples", r.HeldOutAccuracy, r.HeldOutDecisive)
	}
	if r.HeldOutBrier <= 0 || r.HeldOutBrier > 0.15 {
		t.Errorf("Brier %v", r.HeldOutBrier)
	}
	var binned int
	for _, b := range r.Calibration {
		binned += b.Samples
	}
	if len(r.Calibration) != CalibrationBins || binned != r.HeldOutSamples {
		t.Errorf("%d bins holding %d samples", len(r.Calibration), binned)
	}
	if r.CalibrationError > 0.05 {
		t.Errorf("calibration error %v", r.CalibrationError)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

func TestFitDeterministic(t *testing.T) {
	d := synthetic(20000, 1, false)
	a, err := Fit(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Rebuild the data from scratch too: nothing may depend on addresses.
	b, err := Fit(synthetic(20000, 1, false), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bits := func(r *Result) []uint64 {
		out := []uint64{math.Float64bits(r.Intercept), math.Float64bits(r.TrainLogLoss), math.Float64bits(r.HeldOutLogLoss)}
		for _, w := range r.Weights {
			out = append(out, math.Float64bits(w))
		}
		return out
	}
	if !reflect.DeepEqual(bits(a), bits(b)) || !reflect.DeepEqual(a, b) {
		t.Errorf("two fits differ:\n%+v\n%+v", a, b)
	}
}

// TestFitScale checks the standardisation: a feature in thousands gets a
// weight a thousand times smaller, and a constant feature gets weight 0.
func TestFitScale(t *testing.T) {
	base, err := Fit(synthetic(20000, 1, false), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Fit(synthetic(20000, 1000, true), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Weights[0]-base.Weights[0]) > 1e-6 ||
		math.Abs(r.Weights[1]*1000-base.Weights[1]) > 1e-6 ||
		math.Abs(r.Intercept-base.Intercept) > 1e-6 {
		t.Errorf("scaled fit %v %v, want %v %v with the second weight / 1000",
			r.Weights, r.Intercept, base.Weights, base.Intercept)
	}
	if r.Weights[2] != 0 {
		t.Errorf("constant feature weight %v, want 0", r.Weights[2])
	}
}

func TestFitDraws(t *testing.T) {
	// Every target a draw: the best model predicts 1/2 everywhere.
	rng := rand.New(rand.NewPCG(3, 4))
	d := NewData(1)
	for i := range 1000 {
		d.Add(uint64(i), []int32{int32(rng.IntN(10))}, 0.5)
	}
	r, err := Fit(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Intercept) > 1e-6 || math.Abs(r.Weights[0]) > 1e-6 {
		t.Errorf("all draws: intercept %v weight %v, want 0, 0", r.Intercept, r.Weights[0])
	}
	// Held-out log loss of p = 1/2 against y = 1/2 is log 2; no decisive sample.
	if math.Abs(r.HeldOutLogLoss-math.Ln2) > 1e-9 || r.HeldOutDecisive != 0 || r.HeldOutAccuracy != 0 {
		t.Errorf("held out: loss %v, %d decisive, accuracy %v", r.HeldOutLogLoss, r.HeldOutDecisive, r.HeldOutAccuracy)
	}
}

func TestFitSplitOptions(t *testing.T) {
	d := synthetic(2000, 1, false)
	r, err := Fit(d, Options{Split: Split{Every: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if r.HeldOutSamples != 0 || r.TrainSamples != 2000 || r.HeldOutLogLoss != 0 {
		t.Errorf("no held-out split: %d/%d, loss %v", r.TrainSamples, r.HeldOutSamples, r.HeldOutLogLoss)
	}
	if _, err := Fit(d, Options{Split: Split{Every: 1}}); !errors.Is(err, ErrNoTrainingSamples) {
		t.Errorf("everything held out: err %v, want ErrNoTrainingSamples", err)
	}
	if _, err := Fit(NewData(2), Options{}); !errors.Is(err, ErrNoTrainingSamples) {
		t.Errorf("no data: err %v, want ErrNoTrainingSamples", err)
	}
}

func TestSampler(t *testing.T) {
	s := Sampler{Seed: 9, Every: 8}
	kept := 0
	for g := range uint64(2000) {
		for ply := range 50 {
			k := s.Keep(g, ply)
			if k != s.Keep(g, ply) {
				t.Fatal("Keep is not a function of (game, ply)")
			}
			if k {
				kept++
			}
		}
	}
	// 100 000 states at 1/8: 12 500 ± 3σ (σ = sqrt(1e5·(1/8)(7/8)) ≈ 105).
	if kept < 12185 || kept > 12815 {
		t.Errorf("kept %d of 100000 at 1/8", kept)
	}
	other := Sampler{Seed: 10, Every: 8}
	same := 0
	for ply := range 1000 {
		if s.Keep(1, ply) == other.Keep(1, ply) {
			same++
		}
	}
	if same == 1000 {
		t.Error("the seed does not change the sample")
	}
	for _, e := range []uint64{0, 1} {
		if !(Sampler{Every: e}).Keep(5, 3) {
			t.Errorf("Every %d drops a state", e)
		}
	}
}

func TestSplit(t *testing.T) {
	var def, none, every3 int
	for g := range uint64(30000) {
		if (Split{}).HeldOut(g) {
			def++
		}
		if (Split{Every: -1}).HeldOut(g) {
			none++
		}
		if (Split{Seed: 5, Every: 3}).HeldOut(g) {
			every3++
		}
	}
	// 30 000 games: 3000 ± 3·52 at 1/10, 10 000 ± 3·82 at 1/3.
	if def < 2844 || def > 3156 || none != 0 || every3 < 9754 || every3 > 10246 {
		t.Errorf("held out %d at 1/10, %d with none, %d at 1/3", def, none, every3)
	}
}

func TestDataAddPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(d *Data)
	}{
		{"WrongLength", func(d *Data) { d.Add(0, []int32{1}, 1) }},
		{"BadTarget", func(d *Data) { d.Add(0, []int32{1, 2}, 0.7) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.f(NewData(2))
		})
	}
}
