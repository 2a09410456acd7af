package game

import "encoding/binary"

// spreadBits[b] has bit j of b in bit 0 of byte j.
var spreadBits = func() (t [256]uint64) {
	for b := range t {
		for j := range 8 {
			t[b] |= uint64(b>>j&1) << (8 * j)
		}
	}
	return t
}()

// BitboardCodes writes CellCodes for a two-seat board of up to 64 cells
// whose cell i is bit i of the bitboards: seat 0's pieces in b0, seat 1's
// in b1, the pieces of kind 1 (of either seat) in kind1 (0 when the game
// has one kind). p is the number of piece kinds, 1 or 2: a cell's code is
// 0, 1 + kind or 1 + p + kind.
func BitboardCodes(dst []uint8, b0, b1, kind1 uint64, p int) {
	var buf [8]byte
	for at := 0; at < len(dst); at += 8 {
		sh := uint(at)
		x := spreadBits[uint8(b0>>sh)] + spreadBits[uint8(b1>>sh)]*uint64(1+p) + spreadBits[uint8(kind1>>sh)]
		if at+8 <= len(dst) {
			binary.LittleEndian.PutUint64(dst[at:], x)
			continue
		}
		binary.LittleEndian.PutUint64(buf[:], x)
		copy(dst[at:], buf[:])
	}
}
