package game

// Move is a game-specific move code. Each game documents its encoding; codes
// must fit in Game.MoveBits bits so that stored games stay compact.
type Move uint64

// Chance is the seat returned by State.ToMove at a chance node.
const Chance = -1

// MaxPlayers is the largest number of seats a game may have.
const MaxPlayers = 6

// Game is an immutable rule set built from a spec. It is safe for concurrent
// use; the States it creates are not.
type Game interface {
	// Spec returns the canonical spec: the name and every parameter, defaults
	// included, in declaration order ("hex:size=11,swap=0").
	Spec() string
	// Players returns the number of seats, 1 to MaxPlayers.
	Players() int
	// MoveBits returns the number of bits every move code fits in (1 to 64).
	MoveBits() int
	// Structure describes the game for feature generation.
	Structure() Structure
	// NewState returns the initial position.
	NewState() State
}

// State is a position of a game. It is mutated in place by Apply and is not
// safe for concurrent use.
type State interface {
	// Reset returns the state to the initial position, reusing its memory.
	Reset()
	// ToMove returns the seat to move, or Chance at a chance node. The
	// result is meaningless once Terminal is true.
	ToMove() int
	// Legal appends the legal moves (or chance outcomes) to dst and returns
	// it. It appends nothing when the state is terminal. The order is fixed
	// for a given position.
	Legal(dst []Move) []Move
	// Apply plays m, which must be one of Legal's moves.
	Apply(m Move)
	// Terminal reports whether the game is over.
	Terminal() bool
	// Winners returns the winning seats of a terminal state; none is a draw.
	Winners() Seats
	// Clone returns an independent copy.
	Clone() State
	// MoveString renders m, legal in this state, in the game's notation.
	MoveString(m Move) string
	// String renders the position as ASCII text, one or more lines.
	String() string
}

// ChanceState is implemented by states that have chance nodes.
type ChanceState interface {
	State
	// ChanceWeights appends the positive integer weight of each outcome,
	// in the order Legal lists them, at a chance node.
	ChanceWeights(dst []uint32) []uint32
}

// HiddenState is implemented by states of games with hidden information.
type HiddenState interface {
	State
	// View returns what seat may know: a state in which every hidden part
	// (other hands, the deck order) is unknown. Its Legal equals the true
	// state's Legal for seat. Players are shown only views.
	View(seat int) State
}

// Sampler is implemented by states that can draw a uniformly random legal
// move without listing them all, which is several times cheaper in games
// with many moves. Play uses it when every player is a UniformPlayer.
type Sampler interface {
	State
	// SampleMove returns one of Legal's moves, each with equal probability,
	// drawing only from rng. It is called only on a non-terminal state at a
	// seat's decision (not a chance node).
	SampleMove(rng *RNG) Move
}

// UniformPlayer is implemented by players whose choice is a uniform draw
// over the legal moves and nothing else (ai.Random). For them Play lets a
// Sampler state draw the move; the draws differ from legal[rng.IntN(n)] but
// are just as uniform and just as determined by the game's RNG.
type UniformPlayer interface {
	Player
	Uniform()
}

// Player chooses moves. A Player is used by one goroutine at a time and may
// keep scratch memory between calls.
type Player interface {
	// Choose returns one of legal, which is never empty. s is the state as
	// the deciding seat sees it (a View for hidden-information games); the
	// player must not modify it. Randomness must come from rng only.
	Choose(s State, legal []Move, rng *RNG) Move
}

// Determinizer is implemented by views of hidden-information games that can
// sample a full state consistent with what the seat knows.
type Determinizer interface {
	Determinize(rng *RNG) State
}
