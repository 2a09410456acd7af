package solve

import (
	"fmt"
	"testing"
)

// BenchmarkSolve solves, from an empty table, the first four positions of
// the shipped set at each ply: Solve (the exact score) and Preserving (the
// value and the value-preserving moves, what the set stores). One op is one
// position.
func BenchmarkSolve(b *testing.B) {
	entries, err := Positions()
	if err != nil {
		b.Fatal(err)
	}
	sv := New(0)
	for _, ply := range []int{10, 16, 24} {
		var ps []Position
		for _, e := range entries {
			if e.Ply == ply && len(ps) < 4 {
				s, _ := e.State()
				p, _ := FromState(s)
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		for _, kind := range []string{"exact", "preserving"} {
			b.Run(fmt.Sprintf("ply%d/%s", ply, kind), func(b *testing.B) {
				var nodes uint64
				for i := 0; i < b.N; i++ {
					p := ps[i%len(ps)]
					b.StopTimer()
					sv.Reset()
					b.StartTimer()
					if kind == "exact" {
						sv.Solve(p)
					} else {
						sv.Preserving(p)
					}
					nodes += sv.Nodes()
				}
				b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
			})
		}
	}
}
