package store

import "errors"

var (
	// ErrLocked is returned by Open when another process holds the DB.
	ErrLocked = errors.New("database is in use by another process")
	// ErrNotSimpipe is returned by Open for a file that is not a simpipe DB.
	ErrNotSimpipe = errors.New("not a simpipe checkpoint database")
	// ErrSchemaVersion is returned by Open for a DB written by a newer or
	// older, incompatible simpipe.
	ErrSchemaVersion = errors.New("unsupported schema version")
	// ErrCorrupt is returned when a stored record cannot be decoded.
	ErrCorrupt = errors.New("corrupt record")
	// ErrNoRun is returned by Open when the DB holds no run yet.
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
