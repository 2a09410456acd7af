package export

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/simpipe/simpipe/ai/features"
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
