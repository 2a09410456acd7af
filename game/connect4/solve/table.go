package solve

// table is the transposition table: a fixed array of entries indexed by a
// hash of the position's key, each holding the full 49-bit key and one
// bound on the position's score, replaced whenever another position lands
// on the slot. The whole key is kept, so a hit is never a false one.
type table struct {
	entries []uint64 // key<<8 | bound; 0 is an empty slot
	shift   uint
}

// Bounds are stored in the low byte as score+boundBias (scores lie within
// ±21, so the byte is never zero), with lowerFlag set for a lower bound.
const (
	boundBias = 32
	lowerFlag = 0x80
)

func newTable(log2 uint) *table {
	return &table{entries: make([]uint64, 1<<log2), shift: 64 - log2}
}

func (t *table) index(key uint64) uint64 { return (key * 0x9e3779b97f4a7c15) >> t.shift }

// get returns the stored bound of key: lower reports a lower bound, ok a hit.
func (t *table) get(key uint64) (v int, lower, ok bool) {
	e := t.entries[t.index(key)]
	if e == 0 || e>>8 != key {
		return 0, false, false
	}
	b := int(e & 0xff)
	return b&^lowerFlag - boundBias, b&lowerFlag != 0, true
}

func (t *table) putUpper(key uint64, v int) {
	t.entries[t.index(key)] = key<<8 | uint64(v+boundBias)
}

func (t *table) putLower(key uint64, v int) {
	t.entries[t.index(key)] = key<<8 | uint64(v+boundBias) | lowerFlag
}

func (t *table) reset() { clear(t.entries) }
