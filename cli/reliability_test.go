package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/store"
)

// needStrace returns strace's path. Without strace the test is skipped on a
// developer's machine; CI sets SIMPIPE_REQUIRE_STRACE=1 (and installs it),
// so there a missing strace fails the test instead of hiding it.
func needStrace(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("SIMPIPE_REQUIRE_STRACE") == "1" {
			t.Fatal("strace is required (SIMPIPE_REQUIRE_STRACE=1) but not installed")
		}
		t.Skip("strace is not installed (apt-get install strace)")
	}
	return path
}

// TestKillInsideCommit kills runs while they are inside a bbolt commit:
// strace delays every fdatasync by 100 ms, so a run spends most of its time
// between writing a commit's pages and syncing them (before the meta page
// is written, or before it is synced), and SIGKILL at a random moment lands
// there. After every kill the DB must verify; at the end the results must
// equal an uninterrupted run's.
func TestKillInsideCommit(t *testing.T) {
	skipInShortMode(t)
	straceBin := needStrace(t)
	dir := t.TempDir()
	args := []string{"--game", "connect4", "--games", "10000000", "--seed", "21", "--workers", "2", "--progress", "none"}
	refDB := filepath.Join(dir, "ref.db")
	if r := simpipe(t, nil, append([]string{"run", "--db", refDB}, args...)...); r.code != 0 {
		t.Fatalf("reference: %d %s", r.code, r.stderr)
	}
	want := inspect(t, refDB)

	seed := uint64(time.Now().UnixNano())
	t.Logf("kill-time seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	db := filepath.Join(dir, "killed.db")
	kills, inSync := 0, 0
	for kills < 8 {
		log := filepath.Join(dir, "strace-"+strconv.Itoa(kills)+".log")
		cmd := exec.Command(straceBin, append([]string{"-f", "-qq", "-o", log, "-e", "trace=fdatasync", "-e", "signal=none",
			"-e", "inject=fdatasync:delay_enter=150000", bin, "run", "--db", db}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(200+rng.IntN(700)) * time.Millisecond)
		child := tracee(t, cmd.Process.Pid)
		if child == 0 { // the run finished before the kill
			if err := cmd.Wait(); err != nil {
				t.Fatalf("traced run: %v; its log ends:\n%s", err, tail(log))
			}
			break
		}
		_ = syscall.Kill(child, syscall.SIGKILL)
		_ = cmd.Wait()
		kills++
		if killedInSync(log) {
			inSync++
		}
		verify(t, db)
	}
	if r := simpipe(t, nil, append([]string{"run", "--db", db}, args...)...); r.code != 0 {
		t.Fatalf("resume: %d %s", r.code, r.stderr)
	}
	verify(t, db)
	t.Logf("%d kills, %d of them inside fdatasync of a commit", kills, inSync)
	if kills < 5 || inSync < kills/2 {
		t.Errorf("only %d of %d kills landed inside a commit's sync", inSync, kills)
	}
	sameOutcome(t, inspect(t, db), want)
}

// tracee returns the pid of strace's child, or 0 once it has exited.
func tracee(t *testing.T, stracePid int) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state, ppid, ...
		rest := string(b[bytes.LastIndexByte(b, ')')+1:])
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(stracePid) {
			return pid
		}
	}
	return 0
}

// killedInSync reports whether the last fdatasync in an strace log never
// returned: the process died inside it.
func killedInSync(log string) bool {
	f, err := os.Open(log)
	if err != nil {
		return false
	}
	defer f.Close()
	last := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "fdatasync") {
			last = sc.Text()
		}
	}
	return strings.HasSuffix(last, "<unfinished ...>") || strings.HasSuffix(last, "= ?")
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return string(bytes.Join(lines[max(0, len(lines)-10):], []byte("\n")))
}

// TestDiskFull stops a run at a DB size limit: a clear error and exit code
// 4, a consistent DB, and after the limit is lifted the same run resumes to
// the results of an uninterrupted one.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--game", "connect4", "--games", "300000", "--seed", "4", "--chunk", "256", "--progress", "none"}
	refDB := filepath.Join(dir, "ref.db")
	if r := simpipe(t, nil, append([]string{"run", "--db", refDB}, args...)...); r.code != 0 {
		t.Fatalf("reference: %d %s", r.code, r.stderr)
	}
	want := inspect(t, refDB)
	fi, err := os.Stat(refDB)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "full.db")
	limit := strconv.FormatInt(fi.Size()/2, 10)
	r := simpipe(t, nil, append([]string{"run", "--db", db, "--max-db-size", limit}, args...)...)
	if r.code != 4 || !strings.Contains(r.stderr, "no space") || !strings.Contains(r.stderr, "run the same command again") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if got, _ := os.Stat(db); got.Size() > fi.Size()/2 {
		t.Fatalf("DB grew to %d bytes past the limit %s", got.Size(), limit)
	}
	verify(t, db)
	mid := inspect(t, db)
	if mid.GamesDone >= want.GamesDone {
		t.Fatalf("the limited run saved all %d games", mid.GamesDone)
	}
	if r := simpipe(t, nil, append([]string{"run", "--db", db}, args...)...); r.code != 0 {
		t.Fatalf("resume: %d %s", r.code, r.stderr)
	}
	verify(t, db)
	sameOutcome(t, inspect(t, db), want)
}

// TestHungGames runs a game that blocks forever in about one game in fifty:
// the watchdog records each such game as failed with a clear reason, the
// other games are done, and the run ends (exit 3) instead of hanging.
func TestHungGames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hang.db")
	start := time.Now()
	r := simpipe(t, nil, "run", "--db", db, "--game", "test-hang", "--games", "400", "--chunk", "40",
		"--game-timeout", "300ms", "--workers", "2", "--progress", "none")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3: %s", r.code, r.stderr)
	}
	rep := inspect(t, db)
	if rep.Failed == 0 || rep.Failed > 30 || rep.GamesDone+rep.Failed != 400 {
		t.Fatalf("failed %d, done %d", rep.Failed, rep.GamesDone)
	}
	for _, f := range rep.Failures {
		if f.Attempts != 1 || !strings.Contains(f.Error, "did not finish within 300ms") {
			t.Fatalf("failure %+v", f)
		}
	}
	verify(t, db)
	t.Logf("%d hung games recorded in %s", rep.Failed, time.Since(start).Round(time.Millisecond))
}

// TestEndlessGames: a game that never reaches a terminal state is stopped
// by the max-actions cap and stored as incomplete, not failed.
func TestEndlessGames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "endless.db")
	r := simpipe(t, nil, "run", "--db", db, "--game", "test-endless", "--games", "1000", "--max-actions", "50", "--progress", "none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := inspect(t, db)
	if rep.Incomplete != 1000 || rep.Failed != 0 || rep.GamesDone != 1000 {
		t.Fatalf("%+v", rep)
	}
}

// TestDamagedFiles feeds inspect and run files that are not intact simpipe
// DBs and cannot be recovered: bytes flipped in both meta pages and in the
// data, a truncated file, another program's file and a DB of a newer schema
// version. Each gets a one-line error that names the damage and exit code
// 2, never a panic, and the file is never written. (One damaged meta page
// is recovered from: TestDamagedMetaPage.)
func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if r := simpipe(t, nil, "run", "--db", good, "--game", "connect4", "--games", "100000", "--seed", "3", "--progress", "none"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string]struct {
		damage func([]byte) []byte
		says   *regexp.Regexp // what the message must name
	}{
		// A meta page is a 16-byte page header and a 64-byte meta record.
		"meta pages flipped": {func(b []byte) []byte {
			for i := 16; i < 80; i++ {
				b[i] ^= 0x55
				b[4096+i] ^= 0x55
			}
			return b
		}, regexp.MustCompile(`neither meta page is valid: meta page 0: bad magic number; meta page 1: bad magic number`)},
		// Depending on where the flips land (the layout depends on the
		// commits' timing), a record's checksum or bbolt's page check
		// finds them.
		"data flipped": {func(b []byte) []byte {
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 0; i < 200; i++ {
				b[8192+rng.IntN(len(b)-8192)] ^= 0xff
			}
			return b
		}, regexp.MustCompile(`record fails its checksum|page`)},
		// Recovery from the intact meta page needs sound data behind it.
		"one meta page and data flipped": {func(b []byte) []byte {
			b[16+60] ^= 0x80 // meta page 0's checksum
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 0; i < 200; i++ {
				b[8192+rng.IntN(len(b)-8192)] ^= 0xff
			}
			return b
		}, regexp.MustCompile(`meta page 0 is damaged \(checksum mismatch\), and so is the last good commit \(txid \d+\): .*(record fails its checksum|page)`)},
		"truncated": {func(b []byte) []byte { return b[:len(b)/3] },
			regexp.MustCompile(`the file is truncated: \d+ bytes, but its last good commit \(txid \d+\) uses \d+ pages`)},
		"another program's file": {func([]byte) []byte {
			self, _ := os.ReadFile(bin)
			return self[:1<<20]
		}, regexp.MustCompile(`not a simpipe checkpoint database`)},
		"newer schema": {nil, regexp.MustCompile(`unsupported schema version`)}, // made below
	}
	for name, tc := range damage {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.db")
			if tc.damage == nil {
				path = newerSchemaDB(t)
			} else if err := os.WriteFile(path, tc.damage(append([]byte(nil), orig...)), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			for _, args := range [][]string{
				{"inspect", path},
				{"run", "--db", path, "--game", "connect4", "--games", "200000", "--seed", "3", "--progress", "none"},
			} {
				r := simpipe(t, nil, args...)
				if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
					t.Fatalf("%s crashed:\n%s", args[0], r.stderr)
				}
				lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
				if r.code != 2 || len(lines) != 1 || !tc.says.MatchString(r.stderr) {
					t.Fatalf("%s: exit %d, stderr %q (want 2 and one line matching %q)", args[0], r.code, r.stderr, tc.says)
				}
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Fatalf("%s wrote to a damaged file", args[0])
				}
			}
		})
	}
}

// metaTxids returns the transaction IDs recorded in the two bbolt meta pages
// of a DB file (page size 4096; see store/meta.go for the layout).
func metaTxids(b []byte) [2]uint64 {
	return [2]uint64{binary.LittleEndian.Uint64(b[16+48:]), binary.LittleEndian.Uint64(b[4096+16+48:])}
}

// TestDamagedMetaPage damages one of the two meta pages of a DB whose last
// commit is known (an extension of a finished run, made here), once the page
// of the last commit and once the page of the commit before. inspect then
// reads the last good commit, the one the other page records, says so in
// one line and leaves the file as it is; run says in one line that it
// recovered, resumes from that commit (the lost extension is gone, a kept
// one is played) and rewrites the page, after which the file is whole.
func TestDamagedMetaPage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "meta.db")
	if r := simpipe(t, nil, "run", "--db", db, "--game", "connect4", "--games", "100000", "--seed", "3", "--progress", "none"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	before := inspect(t, db) // the commit before the last
	s, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stage(store.DefaultStage).ExtendRun(150000); err != nil { // the last commit
		t.Fatal(err)
	}
	s.Close()
	last := inspect(t, db)
	file, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	txids := metaTxids(file)
	newer := 0
	if txids[1] > txids[0] {
		newer = 1
	}
	if last.GamesTotal != 150000 || txids[newer] != txids[1-newer]+1 {
		t.Fatalf("after the extension: %d games, meta txids %v", last.GamesTotal, txids)
	}
	clean := filepath.Join(dir, "clean.db") // what resuming the extended run must give
	if r := simpipe(t, nil, "run", "--db", clean, "--game", "connect4", "--games", "150000", "--seed", "3", "--progress", "none"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, tc := range []struct {
		name     string
		page     int
		problem  string
		damage   func(meta []byte) // the page's 64-byte meta record
		holds    report            // what the last good commit holds
		finished report            // the run after resuming from it
	}{
		{"LastCommitsPage", newer, "checksum mismatch", func(m []byte) { m[48] ^= 0x01 }, before, before},
		{"PreviousCommitsPage", 1 - newer, "bad magic number", func(m []byte) {
			for i := range m {
				m[i] ^= 0x55
			}
		}, last, inspect(t, clean)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.db")
			b := append([]byte(nil), file...)
			tc.damage(b[tc.page*4096+16 : tc.page*4096+80])
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			txid := txids[1-tc.page]

			r := simpipe(t, nil, "inspect", "--json", path)
			notice := fmt.Sprintf("%s: meta page %d is damaged (%s); reading the last good commit (txid %d)", path, tc.page, tc.problem, txid)
			if r.code != 0 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, notice) {
				t.Fatalf("inspect: exit %d, stderr %q; want 0 and the one line %q", r.code, r.stderr, notice)
			}
			var got report
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatal(err)
			}
			if got.ResultsDigest != tc.holds.ResultsDigest || got.GamesTotal != tc.holds.GamesTotal ||
				got.GamesDone != tc.holds.GamesDone || fmt.Sprint(got.JobsByState) != fmt.Sprint(tc.holds.JobsByState) {
				t.Fatalf("inspect shows %+v; the last good commit holds %+v", got, tc.holds)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, b) {
				t.Fatal("inspect wrote to the file")
			}

			r = simpipe(t, nil, "run", "--db", path, "--progress", "none")
			notice = fmt.Sprintf("%s: recovered: meta page %d was damaged (%s); using the last good commit (txid %d), and meta page %d is rewritten",
				path, tc.page, tc.problem, txid, tc.page)
			if r.code != 0 || strings.Count(r.stderr, "meta page") != 2 || !strings.Contains(r.stderr, notice+"\n") {
				t.Fatalf("run: exit %d, stderr %q; want 0 and the one line %q", r.code, r.stderr, notice)
			}
			verify(t, path)
			if r := simpipe(t, nil, "inspect", path); r.code != 0 || r.stderr != "" {
				t.Fatalf("inspect after the repair: exit %d, stderr %q", r.code, r.stderr)
			}
			repaired, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if txids := metaTxids(repaired); txids[0] == txids[1] || max(txids[0], txids[1]) <= txid {
				t.Fatalf("meta txids after the repair: %v", txids)
			}
			got = inspect(t, path)
			if got.GamesTotal != tc.finished.GamesTotal || got.GamesDone != got.GamesTotal {
				t.Fatalf("after resuming: %+v, want %d games done", got, tc.finished.GamesTotal)
			}
			sameOutcome(t, got, tc.finished)
		})
	}
}
