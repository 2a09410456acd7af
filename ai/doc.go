// Package ai holds simpipe's players and the parsing of player specs such as
// "random" or "mcts:iterations=200,random" (one spec per seat, or one for all).
package ai
