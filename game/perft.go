package game

// Perft counts the move sequences of exactly depth plies from st, the
// convention of the published perft tables: a terminal position is not
// expanded, so a game that ends before depth plies counts nothing. Chance
// outcomes count as plies and each outcome as a branch. st is not modified.
func Perft(st State, depth int) uint64 {
	if depth == 0 {
		return 1
	}
	if st.Terminal() {
		return 0
	}
	moves := st.Legal(nil)
	if depth == 1 {
		return uint64(len(moves))
	}
	var n uint64
	for _, m := range moves {
		c := st.Clone()
		c.Apply(m)
		n += Perft(c, depth-1)
	}
	return n
}

// Divide returns Perft below each first move, in Legal's order.
func Divide(st State, depth int) (moves []Move, counts []uint64) {
	if depth == 0 || st.Terminal() {
		return nil, nil
	}
	moves = st.Legal(nil)
	counts = make([]uint64, len(moves))
	for i, m := range moves {
		c := st.Clone()
		c.Apply(m)
		counts[i] = Perft(c, depth-1)
	}
	return moves, counts
}
