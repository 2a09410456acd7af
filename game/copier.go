package game

// Copier is an optional interface of states whose Clone allocates (a state
// holding a pointer to its game, say) for searches that copy positions into
// reused memory many times a move.
type Copier interface {
	// CopyFrom makes the receiver an independent copy of src, which it
	// plays on exactly as a Clone of src would, and reports true; it
	// reports false, changing nothing, when src is not a state of the
	// receiver's type.
	CopyFrom(src State) bool
}
