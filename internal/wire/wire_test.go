package wire

import (
	"errors"
	"testing"
)

var errTest = errors.New("test")

func TestRoundTripAndFailures(t *testing.T) {
	b := AppendString(nil, "hi")
	b = AppendBool(b, true)
	b = AppendBytes(b, []byte{7, 8})
	b = append(b, 9)
	sealed := Seal(b)
	body, ok := Unseal(sealed)
	if !ok {
		t.Fatal("seal does not unseal")
	}
	r := Reader{B: body, Kind: errTest}
	if s, v, bs, c := r.String("s", 10), r.Bool("b"), r.Bytes("bs", 10), r.Byte("c"); s != "hi" || !v || len(bs) != 2 || c != 9 {
		t.Fatalf("read %q %v %v %d", s, v, bs, c)
	}
	if err := r.Done("all"); err != nil {
		t.Fatal(err)
	}
	sealed[0] ^= 1
	if _, ok := Unseal(sealed); ok {
		t.Fatal("a flipped bit passed the checksum")
	}
	// Reading past the end, a bound, a bad bool: the first failure sticks.
	r = Reader{B: AppendString(nil, "toolong"), Kind: errTest}
	r.String("name", 3)
	r.Byte("next")
	if !errors.Is(r.Err, errTest) || r.Err.Error() != "test: name" {
		t.Fatalf("err %v", r.Err)
	}
	r = Reader{B: []byte{2}, Kind: errTest}
	if r.Bool("flag"); r.Err == nil {
		t.Fatal("bool 2 accepted")
	}
	r = Reader{B: []byte{1, 0}, Kind: errTest}
	r.Byte("one")
	if r.Done("x") == nil {
		t.Fatal("trailing byte accepted")
	}
}
