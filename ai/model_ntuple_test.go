package ai_test

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
)

// TestOldModelLoads reads an ai.json written by simpipe before model kinds
// (testdata/linear-v1-tictactoe.json, from `simpipe train` at 3b5c611): it
// loads as a linear model and its canonical bytes are the file's.
func TestOldModelLoads(t *testing.T) {
	raw, err := os.ReadFile("testdata/linear-v1-tictactoe.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ai.ParseModel(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != ai.KindLinear || m.NTuple != nil || len(m.Features) == 0 {
		t.Errorf("kind %q, network %v, %d features", m.Kind, m.NTuple != nil, len(m.Features))
	}
	if !bytes.Equal(m.Canonical(), raw) {
		t.Error("the canonical form of an old model differs from the file")
	}
	if _, err := m.Evaluator(modelTestGame(t, "tictactoe")); err != nil {
		t.Error(err)
	}
}

func ntupleModel(t testing.TB, spec string, seed uint64) *ai.Model {
	t.Helper()
	g := modelTestGame(t, spec)
	n, err := ntuple.Generate(g.Structure(), seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	rng := game.NewRNG(seed, 9)
	for i := range n.Weights {
		n.Weights[i] = float32(rng.Float64()-0.5) / 4
	}
	return &ai.Model{Game: g.Spec(), Kind: ai.KindNTuple, Intercept: 0.1, NTuple: n}
}

// seatModel is ntupleModel with one set of tables per seat, each weight
// drawn on its own.
func seatModel(t testing.TB, spec string, seed uint64) *ai.Model {
	t.Helper()
	m := ntupleModel(t, spec, seed)
	n, err := m.NTuple.SeatTables(2)
	if err != nil {
		t.Fatal(err)
	}
	rng := game.NewRNG(seed, 10)
	for i := range n.Weights {
		n.Weights[i] = float32(rng.Float64()-0.5) / 4
	}
	m.NTuple = n
	return m
}

// TestNTupleSeatModel: a model with seat tables survives ai.json, rates a
// position for a seat through that seat's set (the afterstate of its own
// move) and 1 minus the other seat's value when it is to move, without
// allocating; a model with more sets than seats is refused.
func TestNTupleSeatModel(t *testing.T) {
	for _, spec := range []string{"connect4", "hex:size=7"} {
		m := seatModel(t, spec, 4)
		b := m.Canonical()
		back, err := ai.ParseModel(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Canonical(), b) || back.NTuple.Seats != 2 {
			t.Fatalf("%s: round trip changed the model (seats %d)", spec, back.NTuple.Seats)
		}
		g := modelTestGame(t, spec)
		ev, err := back.Evaluator(g)
		if err != nil {
			t.Fatal(err)
		}
		set := back.NTuple.SetSize()
		st := g.NewState()
		var legal []game.Move
		for ply := 0; ply < 6 && !st.Terminal(); ply++ {
			mover := st.ToMove()
			legal = st.Legal(legal[:0])
			st.Apply(legal[(ply*3)%len(legal)])
			e, _ := ntuple.Compile(back.NTuple, g.Structure())
			e.Read(st.(game.BoardState), mover)
			var z float32
			for _, i := range e.Active(nil) {
				if i < int32(mover*set) || i >= int32((mover+1)*set) {
					t.Fatalf("%s: seat %d read weight %d outside its set", spec, mover, i)
				}
				z += back.NTuple.Weights[i]
			}
			want := ntuple.Sigmoid(0.1 + float64(z))
			if v := ev.Evaluate(st, mover); math.Abs(v-want) > 1e-12 {
				t.Errorf("%s ply %d: Evaluate %v, seat %d's set %v", spec, ply, v, mover, want)
			}
			if v := ev.Evaluate(st, 1-mover); math.Abs(v-(1-want)) > 1e-12 {
				t.Errorf("%s ply %d: the seat to move %v, want %v", spec, ply, v, 1-want)
			}
			if a := testing.AllocsPerRun(20, func() { ev.Evaluate(st, 0); ev.Evaluate(st, 1) }); a != 0 {
				t.Errorf("%s: Evaluate allocates %v times", spec, a)
			}
		}
		three := *back
		three.NTuple = back.NTuple.Clone()
		three.NTuple.Seats = 3
		three.NTuple.Weights = append(three.NTuple.Weights, three.NTuple.Weights[:set]...)
		if _, err := three.Evaluator(g); err == nil || !strings.Contains(err.Error(), "3 seat tables for 2 seats") {
			t.Errorf("%s: 3 seat tables for 2 seats: %v", spec, err)
		}
	}
}

func TestNTupleModel(t *testing.T) {
	for _, spec := range []string{"connect4", "hex:size=7"} {
		m := ntupleModel(t, spec, 1)
		b := m.Canonical()
		if len(b) > 512<<10 {
			t.Errorf("%s: an n-tuple model of %d bytes; keep it well under NATS's 1 MB", spec, len(b))
		}
		back, err := ai.ParseModel(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Canonical(), b) {
			t.Errorf("%s: canonical bytes change on a round trip", spec)
		}
		g := modelTestGame(t, spec)
		ev, err := back.Evaluator(g)
		if err != nil {
			t.Fatal(err)
		}
		// The two seats' values sum to 1, and the evaluator matches the
		// network read directly for the seat that just moved.
		st := g.NewState()
		legal := st.Legal(nil)
		st.Apply(legal[len(legal)/2])
		v0, v1 := ev.Evaluate(st, 0), ev.Evaluate(st, 1)
		if math.Abs(v0+v1-1) > 1e-12 {
			t.Errorf("%s: values %v + %v != 1", spec, v0, v1)
		}
		e, _ := ntuple.Compile(back.NTuple, g.Structure())
		e.Read(st.(game.BoardState), 0)
		if want := ntuple.Sigmoid(0.1 + e.Sum()); math.Abs(v0-want) > 1e-12 {
			t.Errorf("%s: Evaluate %v, network %v", spec, v0, want)
		}
		if a := testing.AllocsPerRun(50, func() { ev.Evaluate(st, 0) }); a != 0 {
			t.Errorf("%s: Evaluate allocates %v times", spec, a)
		}
		t.Logf("%s: %d tuples, %d weights, ai.json %d bytes", spec, len(back.NTuple.Tuples), len(back.NTuple.Weights), len(b))
	}
}

func TestNTupleModelRefused(t *testing.T) {
	m := ntupleModel(t, "connect4", 1)
	m.Kind = "cubic"
	if _, err := ai.ParseModel(m.Canonical()); err == nil || !strings.Contains(err.Error(), "unknown model kind") {
		t.Errorf("unknown kind: %v", err)
	}
	m.Kind = ai.KindNTuple
	pig := modelTestGame(t, "pig")
	m.Game = pig.Spec()
	if _, err := m.Evaluator(pig); err == nil || !strings.Contains(err.Error(), "no board") {
		t.Errorf("pig: %v", err)
	}
}

func BenchmarkNTupleEvaluateConnect4(b *testing.B) {
	m := ntupleModel(b, "connect4", 1)
	g := modelTestGame(b, "connect4")
	ev, _ := m.Evaluator(g)
	st := g.NewState()
	st.Apply(3)
	b.ReportAllocs()
	for b.Loop() {
		ev.Evaluate(st, 0)
	}
}

// TestNTupleWithFeatures: an n-tuple model may also carry generated
// features; its logit is the sum of both parts.
func TestNTupleWithFeatures(t *testing.T) {
	g := modelTestGame(t, "connect4")
	lin := connect4Model(t, g)
	nt := ntupleModel(t, "connect4", 2)
	both := *nt
	both.Features, both.Weights = lin.Features, lin.Weights
	both.Intercept = 0.1
	back, err := ai.ParseModel(both.Canonical())
	if err != nil {
		t.Fatal(err)
	}
	evBoth, err := back.Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	linOnly := *lin
	linOnly.Intercept = 0
	evLin, _ := linOnly.Evaluator(g)
	evNT, _ := nt.Evaluator(g) // intercept 0.1
	st := g.NewState()
	for _, m := range []game.Move{3, 2, 3, 4} {
		st.Apply(m)
	}
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	// The seat that just moved (1), read directly.
	if got, want := logit(evBoth.Evaluate(st, 1)), logit(evLin.Evaluate(st, 1))+logit(evNT.Evaluate(st, 1)); math.Abs(got-want) > 1e-9 {
		t.Errorf("logit %v, want features + n-tuples = %v", got, want)
	}
}
