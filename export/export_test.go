package export

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
)

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "x(1,2)", "Roll 3", `a"b\c`, "tab\tnl\n\x00\x1f", "é€😀", "bad\xffutf8"} {
		want, _ := json.Marshal(s)
		var back string
		got := appendJSONString(nil, s)
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", s, got, err)
		}
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: decodes to %q, want %q", s, back, wantBack)
		}
	}
}

func TestColumnNames(t *testing.T) {
	fs := []features.Feature{{Name: "a"}, {Name: "game"}, {Name: "a"}, {Name: ""}, {Name: "outcome"}}
	want := []string{"a", "game#2", "a#2", "feature3", "outcome#2"}
	if got := ColumnNames(fs); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestOutcome(t *testing.T) {
	for _, c := range []struct {
		w    game.Seats
		seat int
		want float64
	}{
		{0, 0, 0.5}, {game.SeatSet(1), 1, 1}, {game.SeatSet(1), 0, 0}, {game.SeatSet(0, 2), 2, 0.5}, {game.SeatSet(0, 2), 1, 0},
	} {
		if got := Outcome(c.w, c.seat); got != c.want {
			t.Errorf("Outcome(%s, %d) = %v, want %v", c.w, c.seat, got, c.want)
		}
	}
}
