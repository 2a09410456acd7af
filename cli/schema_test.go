package cli

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// newerSchemaDB returns a DB whose schema version is one this simpipe does
// not know, as a newer simpipe would write it.
func newerSchemaDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "newer.db")
	if r := simpipe(t, nil, "run", "--db", path, "--game", "tictactoe", "--games", "100", "--progress", "none"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, 99))
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}
