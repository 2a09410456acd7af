package cli

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/store"
	bolt "go.etcd.io/bbolt"
)

// downgradeToSchema1 rewrites a DB as simpipe wrote it before schema 2:
// run configs, progress points and kv values bare (without the version
// byte and CRC-32C that seal them), schema version 1.
func downgradeToSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bare := func(b *bolt.Bucket, k []byte) error {
		v := b.Get(k)
		return b.Put(k, append([]byte(nil), v[1:len(v)-4]...))
	}
	bareAll := func(b *bolt.Bucket) error {
		if b == nil {
			return nil
		}
		var keys [][]byte
		_ = b.ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil })
		for _, k := range keys {
			if err := bare(b, k); err != nil {
				return err
			}
		}
		return nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := bareAll(tx.Bucket([]byte("kv"))); err != nil {
			return err
		}
		err := tx.Bucket([]byte("stages")).ForEachBucket(func(name []byte) error {
			root := tx.Bucket([]byte("stages")).Bucket(name)
			if err := bare(root.Bucket([]byte("meta")), []byte("config")); err != nil {
				return err
			}
			return bareAll(root.Bucket([]byte("progress")))
		})
		if err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSchema1DBResumes extends a run whose DB was written with schema 1:
// inspect reads it as it is, the extension upgrades it, and the digest
// equals that of a run played in one go on a new DB.
func TestSchema1DBResumes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old.db"), filepath.Join(dir, "fresh.db")
	args := func(db, games string) []string {
		return []string{"run", "--db", db, "--game", "tictactoe", "--games", games, "--seed", "3", "--progress", "none"}
	}
	for _, a := range [][]string{args(old, "300"), args(fresh, "600")} {
		if r := simpipe(t, nil, a...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", a, r.code, r.stderr)
		}
	}
	downgradeToSchema1(t, old)
	if rep, schema := inspect(t, old), schemaOf(t, old); rep.GamesDone != 300 || schema != 1 {
		t.Fatalf("schema 1 DB: %d games done, schema %d; want 300 and 1", rep.GamesDone, schema)
	}
	if r := simpipe(t, nil, args(old, "600")...); r.code != 0 {
		t.Fatalf("extending a schema 1 DB: exit %d: %s", r.code, r.stderr)
	}
	verify(t, old)
	got, want, schema := inspect(t, old), inspect(t, fresh), schemaOf(t, old)
	if schema != store.SchemaVersion || got.GamesDone != 600 || got.ResultsDigest != want.ResultsDigest {
		t.Fatalf("upgraded DB: schema %d, %d games, digest %s; want schema %d, 600 games, digest %s",
			schema, got.GamesDone, got.ResultsDigest, store.SchemaVersion, want.ResultsDigest)
	}
}

// schemaOf returns the schema version that inspect --json reports.
func schemaOf(t *testing.T, db string) int {
	t.Helper()
	r := simpipe(t, nil, "inspect", "--json", db)
	var rep struct {
		SchemaVersion int `json:"schema_version"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil {
		t.Fatalf("inspect --json: exit %d, %v: %s", r.code, err, r.stderr)
	}
	return rep.SchemaVersion
}
