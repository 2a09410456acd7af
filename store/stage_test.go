package store

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/game"
)

func testConfig(games uint64) Config {
	return Config{Game: "g", Players: "random,random", Seats: 2, Seed: 1, Games: games, ChunkSize: 10, MoveBits: 4}
}

func resultFor(j Job, winner int) JobResult {
	var e ChunkEncoder
	e.Reset(j.First, 4)
	r := JobResult{Job: j}
	for i := uint32(0); i < j.Count; i++ {
		g := GameEntry{Status: Completed, Winners: game.SeatSet(winner), Moves: []game.Move{1, 2, 3}}
		e.Add(g)
		r.Delta.AddGame(g)
	}
	r.Record = e.Bytes()
	return r
}

// playStage creates stage name of db with games games (testConfig) and
// commits every job, one commit each, every game won by winner.
func playStage(t *testing.T, db *DB, name string, games uint64, winner int) *Stage {
	t.Helper()
	st := db.Stage(name)
	if err := st.CreateRun(testConfig(games)); err != nil {
		t.Fatal(err)
	}
	jobs, _, err := st.PendingJobs(0, int(games))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if _, err := st.Commit([]JobResult{resultFor(j, winner)}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestStagesAreIndependent checks that two runs in one DB keep their own
// config, jobs, results and aggregate, and that a result committed twice
// counts once.
func TestStagesAreIndependent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := db.Stage("a"), db.Stage("b")
	if _, err := a.Config(); !errors.Is(err, ErrNoRun) {
		t.Fatalf("new stage: %v", err)
	}
	if err := a.CreateRun(testConfig(25)); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateRun(testConfig(40)); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateRun(testConfig(5)); err == nil {
		t.Fatal("second CreateRun on a stage accepted")
	}
	jobs, _, err := a.PendingJobs(0, 100)
	if err != nil || len(jobs) != 3 || jobs[2].Count != 5 {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
	var results []JobResult
	for _, j := range jobs {
		results = append(results, resultFor(j, 0))
	}
	results = append(results, resultFor(jobs[0], 1)) // a duplicate: ignored
	st, err := a.Commit(results)
	if err != nil || st.Jobs != 3 || st.Duplicates != 1 || st.Games != 25 {
		t.Fatalf("commit %+v, %v", st, err)
	}
	aggA, _ := a.Aggregate()
	aggB, _ := b.Aggregate()
	if aggA.GamesDone != 25 || aggA.WinsBySeat[0] != 25 || aggB.GamesDone != 0 {
		t.Fatalf("aggregates a %+v b %+v", aggA, aggB)
	}
	if err := a.Verify(); err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
	names, err := db.Stages()
	if err != nil || len(names) != 2 || names[0] != "a" || names[1] != "b" {
		t.Fatalf("stages %v, %v", names, err)
	}
	db.Close()

	// Reopen read-only: everything is there, and writes are refused.
	db, err = Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if cfg, err := db.Stage("b").Config(); err != nil || cfg.Games != 40 || cfg.Jobs != 4 {
		t.Fatalf("stage b config %+v, %v", cfg, err)
	}
	if _, err := db.Stage("b").Commit(nil); err == nil {
		t.Fatal("commit on a read-only DB accepted")
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.db"), &Options{ReadOnly: true}); err == nil {
		t.Fatal("missing file opened read-only")
	}
	if _, err := Open(dir, nil); err == nil {
		t.Fatal("directory opened")
	}
}

func TestProgressLog(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "p.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := db.Stage("run")
	if err := s.CreateRun(testConfig(30)); err != nil {
		t.Fatal(err)
	}
	jobs, _, _ := s.PendingJobs(0, 10)
	for _, j := range jobs { // three commits within a second: one point
		if _, err := s.Commit([]JobResult{resultFor(j, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	pts, err := s.Progress()
	if err != nil || len(pts) != 1 || pts[0].Games != 10 {
		t.Fatalf("progress %+v, %v", pts, err)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}
