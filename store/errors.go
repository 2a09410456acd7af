package store

import "errors"

var (
	// ErrLocked is returned by Open when another process holds the DB.
	ErrLocked = errors.New("database is in use by another process")
	// ErrNotSimpipe is returned by Open for a file that is not a simpipe DB.
	ErrNotSimpipe = errors.New("not a simpipe checkpoint database")
	// ErrSchemaVersion is returned by Open for a DB whose schema version is
	// outside OldestSchemaVersion..SchemaVersion: written by a newer
	// simpipe, or by an older one this simpipe cannot read.
	ErrSchemaVersion = errors.New("unsupported schema version")
	// ErrCorrupt is returned when a stored record cannot be decoded or
	// fails its checksum, and for a file whose pages are damaged.
	ErrCorrupt = errors.New("corrupt record")
	// ErrNoRun is returned by a Stage's methods (Config, Jobs, Commit and
	// the rest) when the stage holds no run: it was never created, or the
	// DB holds only other stages. Open does not return it: an empty DB is
	// a valid one.
	ErrNoRun = errors.New("database holds no run")
	// ErrNoSpace is returned by Commit when the file cannot grow: the disk
	// is full or Options.MaxSize is reached. The commit changed nothing.
	ErrNoSpace = errors.New("no space to grow the database")
	// ErrCompactRejected is returned by Compact when the compacted copy
	// does not match the original; the original is unchanged.
	ErrCompactRejected = errors.New("compacted copy rejected")
	// ErrReadOnly is returned by writes on a DB opened read-only.
	ErrReadOnly = errors.New("database is open read-only")
)
