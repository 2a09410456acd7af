package train

import (
	"cmp"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Model kinds for Settings.Model.
const (
	ModelLinear = "linear" // logistic model over generated features, fitted to outcomes
	ModelNTuple = "ntuple" // n-tuple network learned by TD(λ) (board games)
)

// Defaults of an n-tuple training run.
const (
	DefaultNTupleGuided = "greedy:explore=10"
	DefaultLambda       = 0.5
	DefaultAlpha        = 0.5
	// heldOutPercent of the games (by a hash of seed, iteration and index)
	// are not learned from; the log loss on them is reported.
	heldOutPercent = 10
)

// N-tuple table layouts for Settings.NTupleTables.
const (
	TablesShared = "shared" // one set of tables, read by every seat as mine/theirs
	TablesSeat   = "seat"   // one set per seat
)

// DefaultTables returns the table layout an n-tuple run of g uses by
// default: one set per seat for two-seat games won by connecting edges
// (hex), where the seats' chains run different ways, shared otherwise.
// Measured on hex 7×7 (10 × 50,000 self-play games, 65,536 weights,
// ai:iterations=200 against mcts:iterations=2000): 0.30 with seat tables,
// 0.10 shared.
func DefaultTables(g game.Game) string {
	if g.Players() == 2 && slices.Contains(g.Structure().Goals, "connect") {
		return TablesSeat
	}
	return TablesShared
}

// DefaultModel returns the model kind a game trains by default: n-tuple
// networks for games with a board and perfect information, the linear
// feature model for the others (pig and gofish, which n-tuples cannot
// read). Hex, won by connecting one's own edges, needs its n-tuples in one
// set of tables per seat (DefaultTables): hex 7×7, ai:iterations=200
// against mcts:iterations=2000, 0.85 with seat tables after 14 × 100,000
// self-play games, 0.10 with one shared set (10 × 50,000), 0.81 with a
// linear model of 2 × 3,000 MCTS games.
func DefaultModel(g game.Game) string {
	if !ntupleReadable(g.Structure()) {
		return ModelLinear
	}
	return ModelNTuple
}

// ntupleReadable reports whether n-tuple networks can read the game's
// positions: a board, and no hidden information.
func ntupleReadable(s game.Structure) bool {
	return s.Topology != game.NoBoard && s.Cells() > 0 && !s.Hidden
}

// resolveKind fills in what depends on the model kind: the kind itself
// (from the stored settings when the DB has some, else DefaultModel), the
// players, the window and the n-tuple parameters, which a linear run leaves
// zero so its settings read as they did before n-tuples.
func resolveKind(g game.Game, s *Settings, stored *Settings) error {
	if s.Model == "" {
		switch {
		case stored != nil && stored.Model == "":
			s.Model = ModelLinear
		case stored != nil:
			s.Model = stored.Model
		default:
			s.Model = DefaultModel(g)
		}
	}
	switch s.Model {
	case ModelLinear:
		if s.Players == "" {
			s.Players = DefaultPlayers
		}
		if s.Guided == "" {
			s.Guided = DefaultPlayers
		}
		if s.Window == 0 {
			s.Window = DefaultWindow
		}
		s.Lambda, s.Alpha, s.AlphaDecay, s.NTupleWeights, s.NTupleTables, s.NTupleWalk = 0, 0, 0, 0, "", 0
	case ModelNTuple:
		if !ntupleReadable(g.Structure()) {
			return fmt.Errorf("%w: %s has no board (or hidden information); train it with --model linear", ErrSettings, g.Spec())
		}
		if s.Guided == "" {
			s.Guided = DefaultNTupleGuided
		}
		if s.Window == 0 {
			s.Window = DefaultWindow
		}
		if s.Alpha == 0 {
			s.Alpha = DefaultAlpha
		}
		if s.NTupleWeights == 0 {
			s.NTupleWeights = ntuple.DefaultWeights
		}
		if s.NTupleTables == "" {
			switch {
			case stored != nil && stored.Model == ModelNTuple:
				s.NTupleTables = cmp.Or(stored.NTupleTables, TablesShared)
			default:
				s.NTupleTables = DefaultTables(g)
			}
		}
		if s.NTupleTables != TablesShared && s.NTupleTables != TablesSeat {
			return fmt.Errorf("%w: unknown n-tuple table layout %q (%s or %s)", ErrSettings, s.NTupleTables, TablesShared, TablesSeat)
		}
		if s.NTupleWalk != 0 && (s.NTupleWalk < 3 || s.NTupleWalk > 8) {
			return fmt.Errorf("%w: n-tuple random walks of %d cells, want 3 to 8 (0: mixed)", ErrSettings, s.NTupleWalk)
		}
		if s.AlphaDecay == 1 {
			s.AlphaDecay = 0 // no decay, stored as before decays existed
		}
		if s.Lambda < 0 || s.Lambda > 1 || s.Alpha < 0 || s.AlphaDecay < 0 || s.AlphaDecay > 1 {
			return fmt.Errorf("%w: lambda %v and alpha decay %v must be in 0..1 and alpha %v positive", ErrSettings, s.Lambda, s.AlphaDecay, s.Alpha)
		}
	default:
		return fmt.Errorf("%w: unknown model kind %q (linear or ntuple)", ErrSettings, s.Model)
	}
	return nil
}

// initialModel is iteration 0 of an n-tuple run: the generated network with
// zero weights, which plays the first iteration when no players are given.
// Seat tables share the weights budget: each seat's set has the tuples a
// shared network of 1/seats of the budget would have.
func initialModel(g game.Game, s Settings) (*ai.Model, error) {
	if s.NTupleTables != TablesSeat {
		net, err := ntuple.GenerateWalks(g.Structure(), s.Seed, s.NTupleWeights, s.NTupleWalk)
		if err != nil {
			return nil, err
		}
		return &ai.Model{Game: g.Spec(), Kind: ai.KindNTuple, NTuple: net}, nil
	}
	net, err := ntuple.GenerateWalks(g.Structure(), s.Seed, max(1, s.NTupleWeights/g.Players()), s.NTupleWalk)
	if err != nil {
		return nil, err
	}
	if net, err = net.SeatTables(g.Players()); err != nil {
		return nil, err
	}
	return &ai.Model{Game: g.Spec(), Kind: ai.KindNTuple, NTuple: net}, nil
}

// alpha is iteration k's step size: Alpha, decayed by AlphaDecay per
// iteration after the first (resolveKind stores no decay as 0).
func (s Settings) alpha(k int) float64 {
	if s.AlphaDecay == 0 {
		return s.Alpha
	}
	return s.Alpha * math.Pow(s.AlphaDecay, float64(k-1))
}

// heldOut reports whether game i of iteration k is kept out of learning.
func heldOut(seed uint64, k int, i uint64) bool {
	return game.NewRNG(seed^0x68656c64, uint64(k)<<40|i).IntN(100) < heldOutPercent
}

// learnIteration continues from prev's weights over the games of the last
// Window iterations, oldest first and each in game-index order, and stores
// iteration k's model. It runs on one goroutine: each stochastic gradient
// step starts from the weights the one before left, so splitting the games
// across goroutines (hogwild, or shards averaged) would make the model
// depend on the split or the scheduling. Learning costs a few seconds per
// iteration, far less than playing, which uses every core.
func learnIteration(db *store.DB, g game.Game, s Settings, k int, prev *ai.Model, version string) (*ai.Model, error) {
	net := prev.NTuple.Clone()
	e, err := ntuple.Compile(net, g.Structure())
	if err != nil {
		return nil, err
	}
	l := &ntuple.Learner{Eval: e, Bias: prev.Intercept, Alpha: s.alpha(k), Lambda: s.Lambda}
	r := newReplayer(g, e)
	var trainLoss, heldLoss float64
	var trainN, heldN int
	first := max(1, k-s.Window+1)
	digests, err := eachWindowGame(db, first, k, func(j int, i uint64, e store.GameEntry) {
		if heldOut(s.Seed, j, i) {
			return
		}
		r.replay(e.Moves)
		for seat := range r.seats {
			trainLoss += l.Learn(r.active[seat], e.Winners.ResultFor(seat).Score())
			trainN += r.positions(seat)
		}
	})
	if err != nil {
		return nil, err
	}
	// The held-out games of this iteration, with the final weights.
	err = eachGame(db.Stage(StageName(k)), func(i uint64, e store.GameEntry) {
		if !heldOut(s.Seed, k, i) {
			return
		}
		r.replay(e.Moves)
		for seat := range r.seats {
			heldLoss += r.loss(l, seat, e.Winners.ResultFor(seat).Score())
			heldN += r.positions(seat)
		}
	})
	if err != nil {
		return nil, err
	}
	lambda := s.Lambda
	m := &ai.Model{Game: g.Spec(), Kind: ai.KindNTuple, Intercept: l.Bias, NTuple: net,
		Training: &ai.TrainingInfo{
			SimpipeVersion: version, Iterations: k, GamesPerIter: s.GamesPerIteration, Digests: digests,
			Samples: trainN, TrainLogLoss: trainLoss / float64(max(1, trainN)),
			HeldOutLogLoss: heldLoss / float64(max(1, heldN)), HeldOutSamples: heldN, Lambda: &lambda,
		}}
	// Store the model last: its presence marks the iteration finished.
	if err := db.Put(modelKey(k), m.Canonical()); err != nil {
		return nil, err
	}
	return m, nil
}

// eachWindowGame calls fn with every completed game of iterations first
// to k, oldest first and each in game-index order, and returns the stages'
// results digests in hex.
func eachWindowGame(db *store.DB, first, k int, fn func(j int, i uint64, e store.GameEntry)) ([]string, error) {
	var digests []string
	for j := first; j <= k; j++ {
		stage := db.Stage(StageName(j))
		d, err := stage.Digest()
		if err != nil {
			return nil, err
		}
		digests = append(digests, hex.EncodeToString(d[:]))
		if err := eachGame(stage, func(i uint64, e store.GameEntry) { fn(j, i, e) }); err != nil {
			return nil, err
		}
	}
	return digests, nil
}

// eachGame calls fn with every completed game of stage in game-index order.
func eachGame(stage *store.Stage, fn func(i uint64, e store.GameEntry)) error {
	return stage.Results(func(c *store.Chunk) error {
		for i := range c.Raw {
			e, err := store.DecodeEntry(c.Raw[i], c.MoveBits)
			if err != nil {
				return err
			}
			if e.Status == store.Completed {
				fn(c.First+uint64(i), e)
			}
		}
		return nil
	})
}

// replayer replays stored games and keeps, for each seat, the active
// weights of its afterstates: the non-terminal positions just after its own
// moves, read from its point of view. Its memory is reused across games.
type replayer struct {
	g      game.Game
	e      *ntuple.Eval
	st     game.State
	seats  int
	active [][]int32
}

func newReplayer(g game.Game, e *ntuple.Eval) *replayer {
	return &replayer{g: g, e: e, st: g.NewState(), seats: g.Players(), active: make([][]int32, g.Players())}
}

func (r *replayer) replay(moves []game.Move) {
	r.st.Reset()
	for s := range r.active {
		r.active[s] = r.active[s][:0]
	}
	bs := r.st.(game.BoardState)
	for _, m := range moves {
		mover := r.st.ToMove()
		r.st.Apply(m)
		if mover < 0 || r.st.Terminal() {
			continue
		}
		r.e.Read(bs, mover)
		r.active[mover] = r.e.Active(r.active[mover])
	}
}

func (r *replayer) positions(seat int) int { return len(r.active[seat]) / r.e.Images() }

// loss is the log loss of seat's afterstate values against its score z.
func (r *replayer) loss(l *ntuple.Learner, seat int, z float64) float64 {
	k := r.e.Images()
	a := r.active[seat]
	sum := 0.0
	for t := 0; t+k <= len(a); t += k {
		sum += ntuple.LogLoss(l.Value(a[t:t+k]), z)
	}
	return sum
}

// storedSettings returns the DB's training settings, or nil.
func storedSettings(db *store.DB) (*Settings, error) {
	raw, err := db.Get(settingsKey)
	if err != nil || raw == nil {
		return nil, err
	}
	var old Settings
	if err := json.Unmarshal(raw, &old); err != nil {
		return nil, fmt.Errorf("%w: training settings: %v", store.ErrCorrupt, err)
	}
	return &old, nil
}

// storeInitialModel stores iteration 0's model unless the DB has it.
func storeInitialModel(db *store.DB, g game.Game, s Settings) error {
	if b, err := db.Get(modelKey(0)); err != nil || b != nil {
		return err
	}
	m, err := initialModel(g, s)
	if err != nil {
		return err
	}
	return db.Put(modelKey(0), m.Canonical())
}

// learnNTuple learns iteration k's n-tuple model from iteration k-1's.
func learnNTuple(db *store.DB, g game.Game, s Settings, k int, version string, log io.Writer) (*ai.Model, error) {
	prev, err := storedModel(db, k-1)
	if err != nil {
		return nil, err
	}
	if prev == nil || prev.NTuple == nil {
		return nil, fmt.Errorf("%w: iteration %d has no n-tuple model", store.ErrCorrupt, k-1)
	}
	fmt.Fprintf(log, "iteration %d/%d: learning (TD(%g))\n", k, s.Iterations, s.Lambda)
	m, err := learnIteration(db, g, s, k, prev, version)
	if err != nil {
		return nil, err
	}
	t := m.Training
	fmt.Fprintf(log, "iteration %d/%d: %d tuples, %d positions, log loss %.4f train / %.4f held out (%d positions)\n",
		k, s.Iterations, len(m.NTuple.Tuples), t.Samples, t.TrainLogLoss, t.HeldOutLogLoss, t.HeldOutSamples)
	return m, nil
}
