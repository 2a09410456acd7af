package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the version of the bucket layout and records written by
// this simpipe. Open refuses DBs of any other version but
// OldestSchemaVersion and later, which it reads and upgrades on their first
// write.
//
// Version 2 seals the run configs, the progress points and the kv values
// with a CRC-32C, as every other record already was; version 1 stored them
// bare.
const SchemaVersion = 2

// OldestSchemaVersion is the oldest schema this simpipe reads.
const OldestSchemaVersion = 1

// DefaultTimeout is how long Open waits for another process's file lock.
const DefaultTimeout = time.Second

var (
	bucketMeta    = []byte("meta")
	bucketStages  = []byte("stages")
	bucketJobs    = []byte("jobs")
	bucketResults = []byte("results")
	// bucketProgress logs (time, games) points for reports.
	bucketProgress = []byte("progress")

	keySchema    = []byte("schema")
	keyConfig    = []byte("config")
	keyAggregate = []byte("aggregate")
)

// Config is a run's configuration, fixed when the run is created (Games may
// only grow).
type Config struct {
	Game       string `json:"game"`    // canonical game spec
	Players    string `json:"players"` // canonical player lineup
	Seats      int    `json:"seats"`
	Seed       uint64 `json:"seed"`
	Games      uint64 `json:"games"`
	MaxActions int    `json:"max_actions"`
	ChunkSize  int    `json:"chunk_size"` // games per job
	MoveBits   int    `json:"move_bits"`
	Jobs       uint64 `json:"jobs"` // number of job records
	// RotateSeats plays game i with the lineup rotated by i mod seats and
	// the random stream of game i/seats (see dataflow.SimConfig).
	RotateSeats bool `json:"rotate_seats,omitempty"`
	// Models holds the trained models the players use (file= references),
	// as canonical JSON by reference, so that a run never depends on files
	// that may change or vanish.
	Models map[string]string `json:"models,omitempty"`
}

// ModelSource resolves the run's model references from the stored copies.
func (c *Config) ModelSource(ref string) ([]byte, error) {
	m, ok := c.Models[ref]
	if !ok {
		return nil, fmt.Errorf("model %q is not stored with the run", ref)
	}
	return []byte(m), nil
}

// Options configures Open. A nil *Options means the defaults.
type Options struct {
	// Timeout bounds the wait for another process's lock; DefaultTimeout
	// when zero.
	Timeout time.Duration
	// ReadOnly opens without write access; a missing file is an error.
	ReadOnly bool
	// MaxSize caps the file size in bytes; 0 means no cap. A commit that
	// would grow the file beyond it fails and changes nothing.
	MaxSize int
	// NoCreate makes Open fail with fs.ErrNotExist for a missing file.
	NoCreate bool
}

// DB is an open checkpoint database. Its methods are safe for concurrent
// use; write methods serialise on bbolt's single writer.
type DB struct {
	bolt     *bolt.DB
	path     string
	recovery *MetaRecovery // set by Open, read-only afterwards
}

// Open opens the DB at path, creating an empty one if the file does not
// exist (unless ReadOnly or NoCreate). It never writes to a file that is not
// a simpipe DB of this schema version, nor to a damaged one, with a single
// exception: when one of bbolt's two meta pages is damaged and the other
// intact, the DB holds the last good commit (bbolt's own fallback), and a
// writable Open that finds that commit's pages and records sound rewrites
// the damaged page. Recovery then tells what happened.
func Open(path string, opts *Options) (*DB, error) {
	if opts == nil {
		opts = &Options{}
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("is a directory, not a DB file")}
	case err == nil && fi.Size() == 0:
		return nil, fmt.Errorf("%s: %w (empty file)", path, ErrNotSimpipe)
	case errors.Is(err, fs.ErrNotExist) && (opts.ReadOnly || opts.NoCreate):
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	bdb, err := openBolt(path, &bolt.Options{
		Timeout:      timeout,
		ReadOnly:     opts.ReadOnly,
		MaxSize:      opts.MaxSize,
		FreelistType: bolt.FreelistMapType,
	})
	switch {
	case errors.Is(err, ErrCorrupt):
		if _, merr := checkMetaPages(path); merr != nil { // a truncated file says so
			return nil, fmt.Errorf("%s: %w", path, merr)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err // permissions and the like: about the path, not its content
		}
		// Anything else bbolt refuses (bad magic, checksum, version, size)
		// is a file it cannot read as a database; say what is wrong with
		// its meta pages when that is why.
		if _, merr := checkMetaPages(path); merr != nil && !errors.As(merr, &pe) {
			return nil, fmt.Errorf("%s: %w", path, merr)
		}
		return nil, fmt.Errorf("%s: %w (%v)", path, ErrNotSimpipe, err)
	}
	db := &DB{bolt: bdb, path: path}
	// With bbolt's lock held, no one writes the meta pages: read them to
	// tell a damaged one (bbolt has fallen back to the other) and a file
	// shorter than its last commit.
	recovery, err := checkMetaPages(path)
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := db.checkSchema(); err != nil {
		bdb.Close()
		return nil, err
	}
	// Before anything writes to it, make sure bbolt's page structure is
	// whole: writing into a damaged tree would spread the damage. (About
	// 30 ms per 100 MB.) A DB recovered from a damaged meta page is checked
	// even read-only: the last good commit is offered only if it is sound.
	if !opts.ReadOnly || recovery != nil {
		err := db.Check()
		if err == nil {
			err = db.checkRecords()
		}
		switch {
		case err != nil && recovery != nil:
			bdb.Close()
			return nil, fmt.Errorf("%s: meta page %d is damaged (%s), and so is the last good commit (txid %d): %w; nothing was written",
				path, recovery.Page, recovery.Problem, recovery.Txid, err)
		case err != nil:
			bdb.Close()
			return nil, fmt.Errorf("%s: %w; nothing was written", path, err)
		}
	}
	if !opts.ReadOnly {
		if recovery != nil {
			if err := db.repairMeta(recovery); err != nil {
				bdb.Close()
				return nil, fmt.Errorf("%s: %s: %w", path, recovery, err)
			}
		}
	}
	db.recovery = recovery
	return db, nil
}

// repairMeta rewrites the damaged meta page of a DB whose last good commit
// has passed the checks: bbolt writes commit txid+1 to page (txid+1)%2,
// which is the damaged one, so an empty commit is the repair.
func (db *DB) repairMeta(r *MetaRecovery) error {
	if err := db.write(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("rewrite meta page %d: %w", r.Page, err)
	}
	if again, err := checkMetaPages(db.path); err != nil || again != nil {
		return fmt.Errorf("meta page %d is still damaged after a rewrite (%v)", r.Page, err)
	}
	r.Repaired = true
	return nil
}

// Recovery returns what Open did about a damaged meta page, or nil when
// both were intact. Commands show its String to the user.
func (db *DB) Recovery() *MetaRecovery { return db.recovery }

// checkRecords reads every stored record of every stage, and every kv
// value, and checks its checksum, so that a writer never builds on damaged
// data. It costs a read of the file (about 20 ms per 100 MB from the page
// cache).
func (db *DB) checkRecords() error {
	return db.read(func(tx *bolt.Tx) error {
		if kv := tx.Bucket(bucketKV); kv != nil {
			err := kv.ForEach(func(k, v []byte) error {
				_, err := openValue(tx, v, fmt.Sprintf("value %q", k))
				return err
			})
			if err != nil {
				return err
			}
		}
		stages := tx.Bucket(bucketStages)
		if stages == nil {
			return nil
		}
		return stages.ForEachBucket(func(name []byte) error {
			root := stages.Bucket(name)
			fail := func(err error) error { return fmt.Errorf("stage %s: %w", name, err) }
			if _, err := readConfig(root); err != nil {
				return fail(err)
			}
			if _, err := readAggregate(root); err != nil {
				return fail(err)
			}
			if p := root.Bucket(bucketProgress); p != nil {
				err := p.ForEach(func(k, v []byte) error {
					if _, err := openValue(tx, v, "progress point"); err != nil {
						return fmt.Errorf("progress point %x: %w", k, err)
					}
					return nil
				})
				if err != nil {
					return fail(err)
				}
			}
			for _, b := range [][]byte{bucketJobs, bucketResults} {
				bucket := root.Bucket(b)
				if bucket == nil {
					return fail(fmt.Errorf("%w: no %s bucket", ErrCorrupt, b))
				}
				err := bucket.ForEach(func(k, v []byte) error {
					if _, err := unseal(v, string(b)+" record"); err != nil {
						return fmt.Errorf("key %x: %w", k, err)
					}
					return nil
				})
				if err != nil {
					return fail(err)
				}
			}
			return nil
		})
	})
}

// openBolt is bolt.Open with damaged files reported as ErrCorrupt rather
// than crashing the process.
func openBolt(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	defer guardCorrupt(&err)()
	return bolt.Open(path, 0o644, opts)
}

// checkSchema accepts a DB with our meta bucket and version, or a bolt file
// with no buckets at all (new, or created by a run killed before its first
// commit). Anything else is another program's file.
func (db *DB) checkSchema() error {
	return db.read(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if empty {
				return nil
			}
			return fmt.Errorf("%s: %w (no simpipe metadata)", db.path, ErrNotSimpipe)
		}
		v := meta.Get(keySchema)
		if len(v) != 4 || tx.Bucket(bucketStages) == nil {
			return fmt.Errorf("%s: %w (bad schema record)", db.path, ErrNotSimpipe)
		}
		if n := binary.BigEndian.Uint32(v); n < OldestSchemaVersion || n > SchemaVersion {
			return fmt.Errorf("%s: %w %d (this simpipe reads versions %d to %d)", db.path, ErrSchemaVersion, n, OldestSchemaVersion, SchemaVersion)
		}
		return nil
	})
}

// read runs fn in a bbolt read transaction, turning what a damaged file
// makes bbolt do — panic on a bad page, or fault on a page past the end of a
// truncated file — into ErrCorrupt instead of a crash.
func (db *DB) read(fn func(tx *bolt.Tx) error) (err error) {
	defer guardCorrupt(&err)()
	return db.bolt.View(fn)
}

// write is read for a write transaction; a failure rolls it back. A DB of
// an older schema is upgraded first, in the same transaction, so that a
// file is never left half in one schema and half in the other, and one
// that is only read stays as it is.
func (db *DB) write(fn func(tx *bolt.Tx) error) (err error) {
	defer guardCorrupt(&err)()
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := upgradeSchema(tx); err != nil {
			return fmt.Errorf("upgrade to schema %d: %w", SchemaVersion, err)
		}
		return fn(tx)
	})
}

// guardCorrupt makes memory faults panic (on this goroutine) and returns
// the deferred function that recovers such panics into *err.
func guardCorrupt(err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if p := recover(); p != nil {
			*err = fmt.Errorf("%w: the file is damaged (%v)", ErrCorrupt, p)
		}
	}
}

// Schema returns the DB's schema version: SchemaVersion, or an older one
// (OldestSchemaVersion or later) for a DB not written since it was opened.
func (db *DB) Schema() (int, error) {
	var n uint32
	err := db.read(func(tx *bolt.Tx) error { n = schemaOf(tx); return nil })
	return int(n), err
}

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// Close closes the DB, waiting for open transactions.
func (db *DB) Close() error { return db.bolt.Close() }

// Check runs bbolt's consistency check over the whole file.
func (db *DB) Check() error {
	return db.read(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// Size returns the file size in bytes.
func (db *DB) Size() int64 {
	var n int64
	_ = db.read(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// DefaultStage is the stage that 'simpipe run' plays.
const DefaultStage = "run"

// Stage is one simulation run inside a DB: its config, jobs, results and
// aggregate. A DB holds any number of stages ('simpipe run' plays
// DefaultStage; training plays one stage per iteration).
type Stage struct {
	db   *DB
	name []byte
}

// Stage returns the stage called name; it need not exist yet.
func (db *DB) Stage(name string) *Stage { return &Stage{db: db, name: []byte(name)} }

// Name returns the stage's name.
func (s *Stage) Name() string { return string(s.name) }

// Stages returns the names of the DB's stages in byte order.
func (db *DB) Stages() ([]string, error) {
	var out []string
	err := db.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStages)
		if b == nil {
			return nil
		}
		return b.ForEachBucket(func(k []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// view runs fn in a read transaction on the stage's bucket.
func (s *Stage) view(fn func(root *bolt.Bucket) error) error {
	return s.db.read(func(tx *bolt.Tx) error {
		root := s.root(tx)
		if root == nil {
			return ErrNoRun
		}
		return fn(root)
	})
}

// update runs fn in a write transaction on the stage's bucket.
func (s *Stage) update(fn func(root *bolt.Bucket) error) error {
	return s.db.write(func(tx *bolt.Tx) error {
		root := s.root(tx)
		if root == nil {
			return ErrNoRun
		}
		return fn(root)
	})
}

func (s *Stage) root(tx *bolt.Tx) *bolt.Bucket {
	stages := tx.Bucket(bucketStages)
	if stages == nil {
		return nil
	}
	return stages.Bucket(s.name)
}

// Config returns the run's configuration, or ErrNoRun.
func (s *Stage) Config() (*Config, error) {
	var cfg *Config
	err := s.view(func(root *bolt.Bucket) error {
		var err error
		cfg, err = readConfig(root)
		return err
	})
	return cfg, err
}

func readConfig(root *bolt.Bucket) (*Config, error) {
	meta := root.Bucket(bucketMeta)
	if meta == nil || meta.Get(keyConfig) == nil {
		return nil, ErrNoRun
	}
	b, err := openValue(root.Tx(), meta.Get(keyConfig), "config")
	if err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("%w: config: %v", ErrCorrupt, err)
	}
	return &cfg, nil
}

// CreateRun writes cfg and one pending job per ChunkSize games. It fails if
// the stage already holds a run.
func (s *Stage) CreateRun(cfg Config) error {
	if cfg.ChunkSize < 1 || cfg.MoveBits < 1 || cfg.MoveBits > 64 {
		return fmt.Errorf("store: invalid config %+v", cfg)
	}
	return s.db.write(func(tx *bolt.Tx) error {
		if err := initDB(tx); err != nil {
			return err
		}
		stages := tx.Bucket(bucketStages)
		if stages.Bucket(s.name) != nil {
			return fmt.Errorf("store: stage %s already holds a run", s.name)
		}
		root, err := stages.CreateBucket(s.name)
		if err != nil {
			return err
		}
		meta, err := root.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := root.CreateBucket(bucketJobs); err != nil {
			return err
		}
		if _, err := root.CreateBucket(bucketResults); err != nil {
			return err
		}
		if err := meta.Put(keyAggregate, (&Aggregate{}).Encode()); err != nil {
			return err
		}
		games := cfg.Games
		cfg.Games, cfg.Jobs = 0, 0
		return addGames(root, &cfg, games)
	})
}

// initDB creates the top-level buckets of a new DB.
func initDB(tx *bolt.Tx) error {
	if tx.Bucket(bucketMeta) != nil {
		return nil
	}
	meta, err := tx.CreateBucket(bucketMeta)
	if err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketStages); err != nil {
		return err
	}
	return meta.Put(keySchema, binary.BigEndian.AppendUint32(nil, SchemaVersion))
}

// ExtendRun grows the run to games games, adding pending jobs for the new
// ones. Shrinking is refused.
func (s *Stage) ExtendRun(games uint64) error {
	return s.update(func(root *bolt.Bucket) error {
		cfg, err := readConfig(root)
		if err != nil {
			return err
		}
		if games < cfg.Games {
			return fmt.Errorf("store: run has %d games; cannot shrink to %d", cfg.Games, games)
		}
		return addGames(root, cfg, games)
	})
}

// addGames appends jobs covering games cfg.Games..total and saves cfg.
func addGames(root *bolt.Bucket, cfg *Config, total uint64) error {
	jobs := root.Bucket(bucketJobs)
	jobs.FillPercent = 1 // keys only ever grow
	for first := cfg.Games; first < total; {
		n := min(uint64(cfg.ChunkSize), total-first)
		rec := JobRecord{First: first, Count: uint32(n), State: Pending}
		if err := jobs.Put(key(cfg.Jobs), rec.Encode()); err != nil {
			return err
		}
		cfg.Jobs++
		first += n
	}
	cfg.Games = total
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return root.Bucket(bucketMeta).Put(keyConfig, sealValue(b))
}

// Job is a unit of work handed to simulators.
type Job struct {
	ID    uint64
	First uint64
	Count uint32
	// Only, when not nil, lists the games to play (a reissued job whose
	// other games are already done); otherwise all Count games are played.
	Only []uint64
}

// PendingJobs returns up to limit pending jobs with IDs >= from, in ID order,
// and the ID to continue from. It holds a read transaction only while it
// scans, so a long run never pins old pages.
func (s *Stage) PendingJobs(from uint64, limit int) ([]Job, uint64, error) {
	var out []Job
	next := from
	err := s.view(func(root *bolt.Bucket) error {
		b := root.Bucket(bucketJobs)
		if b == nil {
			return ErrNoRun
		}
		c := b.Cursor()
		for k, v := c.Seek(key(from)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("%w: job key %x", ErrCorrupt, k)
			}
			id := binary.BigEndian.Uint64(k)
			next = id + 1
			rec, err := DecodeJob(v)
			if err != nil {
				return fmt.Errorf("job %d: %w", id, err)
			}
			if rec.State != Pending {
				continue
			}
			j := Job{ID: id, First: rec.First, Count: rec.Count}
			for _, f := range rec.Failures {
				j.Only = append(j.Only, f.Index)
			}
			out = append(out, j)
		}
		return nil
	})
	return out, next, err
}

// Aggregate returns the running aggregate.
func (s *Stage) Aggregate() (*Aggregate, error) {
	var agg *Aggregate
	err := s.view(func(root *bolt.Bucket) error {
		var err error
		agg, err = readAggregate(root)
		return err
	})
	return agg, err
}

func readAggregate(root *bolt.Bucket) (*Aggregate, error) {
	meta := root.Bucket(bucketMeta)
	if meta == nil {
		return nil, ErrNoRun
	}
	return DecodeAggregate(meta.Get(keyAggregate))
}

// Jobs calls fn for every job record in ID order until fn returns false.
func (s *Stage) Jobs(fn func(id uint64, rec *JobRecord) bool) error {
	err := s.view(func(root *bolt.Bucket) error {
		b := root.Bucket(bucketJobs)
		if b == nil {
			return ErrNoRun
		}
		return b.ForEach(func(k, v []byte) error {
			rec, err := DecodeJob(v)
			if err != nil {
				return fmt.Errorf("job %x: %w", k, err)
			}
			if !fn(binary.BigEndian.Uint64(k), rec) {
				return errStop
			}
			return nil
		})
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

var errStop = errors.New("stop")

// Results calls fn for every job's decoded results record in game-index
// order. The chunk is valid only during the call.
func (s *Stage) Results(fn func(c *Chunk) error) error {
	return s.view(func(root *bolt.Bucket) error {
		b := root.Bucket(bucketResults)
		if b == nil {
			return ErrNoRun
		}
		return b.ForEach(func(k, v []byte) error {
			c, err := DecodeChunk(v)
			if err != nil {
				return fmt.Errorf("results of job %x: %w", k, err)
			}
			return fn(c)
		})
	})
}

// Digest returns the SHA-256 over every stored game result in game-index
// order: for each game that did not fail, its index (8 bytes, big-endian)
// and its canonical entry bytes. Timings, attempts and workers are not part
// of a result, so equal runs give equal digests.
func (s *Stage) Digest() ([32]byte, error) {
	h := sha256.New()
	var idx [8]byte
	err := s.Results(func(c *Chunk) error {
		for i, raw := range c.Raw {
			if Status(raw[0]) == Failed {
				continue
			}
			binary.BigEndian.PutUint64(idx[:], c.First+uint64(i))
			h.Write(idx[:])
			h.Write(raw)
		}
		return nil
	})
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, err
}

// Game returns the stored result of game index, with the ID and record of
// the job holding it. A game of a pending job has no result: the returned
// entry is nil.
func (s *Stage) Game(index uint64) (*GameEntry, uint64, *JobRecord, error) {
	var (
		entry *GameEntry
		id    uint64
		rec   *JobRecord
	)
	err := s.view(func(root *bolt.Bucket) error {
		cfg, err := readConfig(root)
		if err != nil {
			return err
		}
		if index >= cfg.Games {
			return fmt.Errorf("game %d is outside the run's %d games", index, cfg.Games)
		}
		jobs := root.Bucket(bucketJobs)
		// Job IDs grow with their first game: binary search for the last
		// job starting at or before index.
		lo, hi := uint64(0), cfg.Jobs
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			r, err := DecodeJob(jobs.Get(key(mid)))
			if err != nil {
				return fmt.Errorf("job %d: %w", mid, err)
			}
			if r.First <= index {
				lo = mid
			} else {
				hi = mid
			}
		}
		id = lo
		if rec, err = DecodeJob(jobs.Get(key(id))); err != nil {
			return fmt.Errorf("job %d: %w", id, err)
		}
		raw := root.Bucket(bucketResults).Get(key(id))
		if raw == nil {
			return nil
		}
		c, err := DecodeChunk(raw)
		if err != nil {
			return fmt.Errorf("results of job %d: %w", id, err)
		}
		i := index - c.First
		if i >= uint64(len(c.Raw)) {
			return fmt.Errorf("%w: job %d does not hold game %d", ErrCorrupt, id, index)
		}
		g, err := DecodeEntry(c.Raw[i], c.MoveBits)
		if err != nil {
			return err
		}
		entry = &g
		return nil
	})
	return entry, id, rec, err
}

var bucketKV = []byte("kv")

// Put stores a small named value beside the stages (training state, fitted
// models), creating the DB's top-level buckets if needed.
func (db *DB) Put(key string, value []byte) error {
	return db.write(func(tx *bolt.Tx) error {
		if err := initDB(tx); err != nil {
			return err
		}
		kv, err := tx.CreateBucketIfNotExists(bucketKV)
		if err != nil {
			return err
		}
		return kv.Put([]byte(key), sealValue(value))
	})
}

// Get returns a copy of the value stored under key, or nil. A value whose
// checksum fails is refused with ErrCorrupt.
func (db *DB) Get(key string) ([]byte, error) {
	var out []byte
	err := db.read(func(tx *bolt.Tx) error {
		if kv := tx.Bucket(bucketKV); kv != nil {
			if v := kv.Get([]byte(key)); v != nil {
				b, err := openValue(tx, v, "value "+key)
				if err != nil {
					return err
				}
				out = bytes.Clone(b)
			}
		}
		return nil
	})
	return out, err
}
