// Package storetest holds test helpers for code that reads checkpoint DBs.
package storetest

import (
	"testing"

	"github.com/simpipe/simpipe/store"
)

// Aggregate opens the stopped DB at path read-only and returns the
// aggregate of its run stage, failing t on any error.
func Aggregate(t testing.TB, path string) *store.Aggregate {
	t.Helper()
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	agg, err := db.Stage(store.DefaultStage).Aggregate()
	if err != nil {
		t.Fatal(err)
	}
	return agg
}
