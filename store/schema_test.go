package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// schemaFixture writes a DB with one stage (its jobs committed, so that it
// logs a progress point) and a kv value, and returns its path.
func schemaFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	playStage(t, db, "run", 100, 0)
	if err := db.Put("model", []byte(`{"w":[1,2,3]}`)); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawUpdate changes the file at path with bbolt directly, as damage or an
// older simpipe would.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	if err := bdb.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// eachValue calls fn on every config, progress point and kv value.
func eachValue(tx *bolt.Tx, fn func(b *bolt.Bucket, k, v []byte) error) error {
	var bs []*bolt.Bucket
	if kv := tx.Bucket(bucketKV); kv != nil {
		bs = append(bs, kv)
	}
	root := tx.Bucket(bucketStages).Bucket([]byte("run"))
	bs = append(bs, root.Bucket(bucketProgress))
	for _, b := range bs {
		var keys, vals [][]byte
		_ = b.ForEach(func(k, v []byte) error { keys, vals = append(keys, k), append(vals, v); return nil })
		for i := range keys {
			if err := fn(b, keys[i], vals[i]); err != nil {
				return err
			}
		}
	}
	meta := root.Bucket(bucketMeta)
	return fn(meta, keyConfig, meta.Get(keyConfig))
}

// TestSchemaUpgrade turns a DB into schema 1 (configs, progress points and
// kv values bare), checks that it reads the same, read-only and without
// being changed, and that its first write upgrades it to sealed values that
// still read the same.
func TestSchemaUpgrade(t *testing.T) {
	path := schemaFixture(t)
	type contents struct {
		Cfg      *Config
		Progress []ProgressPoint
		Model    string
	}
	read := func() (contents, int) {
		t.Helper()
		db, err := Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var c contents
		if c.Cfg, err = db.Stage("run").Config(); err != nil {
			t.Fatal(err)
		}
		if c.Progress, err = db.Stage("run").Progress(); err != nil {
			t.Fatal(err)
		}
		m, err := db.Get("model")
		if err != nil {
			t.Fatal(err)
		}
		c.Model = string(m)
		var schema int
		_ = db.read(func(tx *bolt.Tx) error { schema = int(schemaOf(tx)); return nil })
		return c, schema
	}
	want, schema := read()
	if schema != SchemaVersion || len(want.Progress) == 0 || want.Model != `{"w":[1,2,3]}` {
		t.Fatalf("fixture: schema %d, %+v", schema, want)
	}

	rawUpdate(t, path, func(tx *bolt.Tx) error {
		if err := eachValue(tx, func(b *bolt.Bucket, k, v []byte) error {
			return b.Put(k, append([]byte(nil), v[1:len(v)-4]...)) // drop version byte and CRC
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, 1))
	})
	if got, schema := read(); schema != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("schema 1 DB: schema %d, reads %+v, want %+v", schema, got, want)
	}

	db, err := Open(path, nil) // checks every record, writes nothing
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, schema := read(); schema != 1 {
		t.Fatalf("opening for writing changed the schema to %d", schema)
	}

	db, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Put("other", []byte("x")); err != nil { // the first write upgrades
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got, schema := read(); schema != SchemaVersion || !reflect.DeepEqual(got, want) {
		t.Fatalf("upgraded DB: schema %d, reads %+v, want %+v", schema, got, want)
	}
	var sealed int
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		return eachValue(tx, func(b *bolt.Bucket, k, v []byte) error {
			if _, err := openValue(tx, v, "value"); err == nil {
				sealed++
			}
			return nil
		})
	})
	if n := len(want.Progress) + 3; sealed != n { // progress, 2 kv values, config
		t.Errorf("%d sealed values after the upgrade, want %d", sealed, n)
	}
}

// TestSealedValues flips one bit of a config, a progress point and a kv
// value in turn: opening for writing refuses the file, and reading the
// value fails with ErrCorrupt.
func TestSealedValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bucket func(tx *bolt.Tx) *bolt.Bucket
		read   func(db *DB) error
	}{
		{"Config", func(tx *bolt.Tx) *bolt.Bucket {
			return tx.Bucket(bucketStages).Bucket([]byte("run")).Bucket(bucketMeta)
		}, func(db *DB) error { _, err := db.Stage("run").Config(); return err }},
		{"Progress", func(tx *bolt.Tx) *bolt.Bucket {
			return tx.Bucket(bucketStages).Bucket([]byte("run")).Bucket(bucketProgress)
		}, func(db *DB) error { _, err := db.Stage("run").Progress(); return err }},
		{"KV", func(tx *bolt.Tx) *bolt.Bucket { return tx.Bucket(bucketKV) },
			func(db *DB) error { _, err := db.Get("model"); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := schemaFixture(t)
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				b := tc.bucket(tx)
				k, v := b.Cursor().First()
				if tc.name == "Config" {
					k, v = keyConfig, b.Get(keyConfig)
				}
				v = append([]byte(nil), v...)
				// A flip that leaves valid JSON or a valid uvarint, so that
				// only the checksum can tell: "g" becomes "w", 2 becomes 3,
				// and the progress point's count changes by one.
				switch tc.name {
				case "Config":
					v[bytes.Index(v, []byte(`"g"`))+1] ^= 0x10
				case "KV":
					v[bytes.IndexByte(v, '2')] ^= 0x01
				default:
					v[1] ^= 0x01
				}
				return b.Put(k, v)
			})
			if db, err := Open(path, nil); !errors.Is(err, ErrCorrupt) {
				if err == nil {
					db.Close()
				}
				t.Fatalf("Open of a DB with a damaged %s: %v, want ErrCorrupt", tc.name, err)
			}
			db, err := Open(path, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := tc.read(db); !errors.Is(err, ErrCorrupt) {
				t.Errorf("reading the damaged %s: %v, want ErrCorrupt", tc.name, err)
			}
		})
	}
}
