// Package game defines the rules layer of simpipe: the interfaces a game
// implements, the registry that turns a spec string such as "hex:size=7" into
// a Game, the per-game random number generator, and Play, which plays one game
// from start to end.
//
// # States
//
// A State is mutable: Apply changes it in place and Reset returns it to the
// initial position. Simulations play millions of games, so the hot path
// (Legal, Apply, Terminal) must not allocate; callers pass the buffers.
// Clone gives an independent copy for searches that need one.
//
// # Chance
//
// Dice, shuffles and deals are chance nodes: ToMove returns Chance, Legal
// lists the outcomes and ChanceWeights gives their integer weights. The
// caller, not the game, draws the outcome from the game's RNG, so every random
// event is recorded as a move and a game replays from its move list alone.
//
// # Determinism
//
// A game is a pure function of (run seed, game index): Play takes an RNG
// seeded by NewRNG(seed, index) and no other source of randomness. Games must
// not read the clock, iterate maps or start goroutines.
//
// # Writing a game
//
// A new game, in this module or in its own, implements Game and State,
// declares a Def and is registered in the Registry that cli.Main runs with.
// gametest.Run checks it against every promise above, and the module in
// examples/nim is a complete game written outside simpipe, with a README
// from the interface to a trained model.
package game
