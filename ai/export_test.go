package ai

import "github.com/simpipe/simpipe/game"

// Proofs returns what the last Choose's solver proved: the root's result
// for the seat to move there (ok false when unproven) and the proven
// result, for that seat, of each root move the tree decided.
func (p *PUCT) Proofs() (root float64, ok bool, moves map[game.Move]float64) {
	moves = map[game.Move]float64{}
	if len(p.nodes) == 0 {
		return 0, false, moves
	}
	for c := p.nodes[0].child; c != 0; c = p.nodes[c].sibling {
		if n := &p.nodes[c]; n.solved {
			moves[n.move] = float64(n.value)
		}
	}
	return float64(p.nodes[0].value), p.nodes[0].solved, moves
}
