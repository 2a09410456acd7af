package ai_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

// TestMCTSGolden pins the mcts kind's games, byte for byte: stored runs'
// digests depend on them, so a change to the search must leave plain UCT
// (with or without a model at the cutoff) exactly as it was. The digests
// were recorded before PUCT was added (commit 3b5c611).
func TestMCTSGolden(t *testing.T) {
	cases := []struct {
		game, players string
		model         map[string]float64
		want          string
	}{
		{"tictactoe", "mcts:iterations=50,random", nil, "ff8c939d1cb9c385"},
		{"connect4", "mcts:iterations=60,mcts:iterations=30,c=80", nil, "52cfccba975db663"},
		{"hex:size=5", "mcts:iterations=40", nil, "9d88e18f99ffe09c"},
		{"pig:players=3,target=20", "mcts:iterations=30", nil, "537cd99e6336137a"},
		{"gofish:players=3", "mcts:iterations=20", nil, "13744d93487a5f30"},
		{"connect4", "mcts:iterations=40,cutoff=3,file=m.json,mcts:iterations=40,cutoff=0,file=m.json",
			map[string]float64{"line.open3.mine": 1, "line.open3.opp": -1.5, "center.mine": 0.1}, "b6e2de0ff15ead11"},
	}
	for _, tc := range cases {
		t.Run(tc.game+"/"+tc.players, func(t *testing.T) {
			g := mctsGame(t, tc.game)
			src := func(string) ([]byte, error) { return nil, nil }
			if tc.model != nil {
				raw := handModel(t, g, 0, tc.model).Canonical()
				src = func(string) ([]byte, error) { return raw, nil }
			}
			l, err := ai.ParseLineupWith(tc.players, g, src)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			var sc game.Scratch
			for i := range 6 {
				players, err := l.Players()
				if err != nil {
					t.Fatal(err)
				}
				out := game.Play(g.NewState(), players, game.NewRNG(11, uint64(i)), 0, &sc)
				for _, m := range out.Moves {
					h.Write(binary.LittleEndian.AppendUint64(nil, uint64(m)))
				}
				h.Write([]byte{byte(out.Winners), 0xff})
			}
			if got := hex.EncodeToString(h.Sum(nil))[:16]; got != tc.want {
				t.Errorf("games digest %s, want %s", got, tc.want)
			}
		})
	}
}
