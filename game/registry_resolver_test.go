package game_test

import (
	"errors"
	"testing"

	"github.com/simpipe/simpipe/game"
)

// echo is a Resolver that records the spec it was handed.
type echo struct{ got *string }

func (e echo) New(spec string) (game.Game, error) {
	*e.got = spec
	return nil, errors.New("echo")
}

// TestRegistryResolve: a spec with a resolved prefix reaches the resolver
// without its prefix, and the prefix cannot be registered as a game.
func TestRegistryResolve(t *testing.T) {
	var reg game.Registry
	var got string
	reg.Resolve("exec", echo{&got})
	if _, err := reg.New("exec:c4:rows=6"); err == nil || got != "c4:rows=6" {
		t.Fatalf("resolver got %q, err %v; want c4:rows=6 and its error", got, err)
	}
	if err := reg.Register(game.Def{Name: "exec"}); err == nil {
		t.Fatal("registered a game named like a resolver prefix")
	}
	if reg.Resolver("exec") == nil || reg.Resolver("other") != nil {
		t.Fatal("Resolver lookup")
	}
}
