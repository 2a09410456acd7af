// Package jsonw appends JSON values to byte slices without reflection, for
// the hot paths that write JSON by hand (export rows, game-process requests).
package jsonw

import "strconv"

// AppendInts appends xs as a JSON array of integers.
func AppendInts[T ~int | ~int64 | ~uint64](b []byte, xs []T) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}
