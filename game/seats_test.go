package game_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
)

func TestResultFor(t *testing.T) {
	cases := []struct {
		name    string
		winners game.Seats
		seat    int
		want    game.Result
	}{
		{"OnlyWinner", game.SeatSet(1), 1, game.Win},
		{"Loser", game.SeatSet(1), 0, game.Loss},
		{"Draw", 0, 0, game.Draw},
		{"SharedWin", game.SeatSet(0, 2), 2, game.Draw},
		{"LoserOfSharedWin", game.SeatSet(0, 2), 1, game.Loss},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.winners.ResultFor(c.seat); got != c.want {
				t.Errorf("%v.ResultFor(%d) = %v, want %v", c.winners, c.seat, got, c.want)
			}
		})
	}
	if game.Win.Score() != 1 || game.Draw.Score() != 0.5 || game.Loss.Score() != 0 {
		t.Error("scores are not 1, 0.5, 0")
	}
}
