package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/store"
)

// jobsOut is the part of 'jobs --json' the tests read.
type jobsOut struct {
	Matched   uint64 `json:"matched"`
	Truncated bool   `json:"truncated"`
	Jobs      []struct {
		ID        uint64 `json:"id"`
		State     string `json:"state"`
		Games     uint32 `json:"games"`
		Attempts  uint32 `json:"attempts"`
		LastError string `json:"last_error"`
		Failures  []struct {
			Game     uint64 `json:"game"`
			Attempts uint32 `json:"attempts"`
			Error    string `json:"error"`
			Stack    string `json:"stack"`
		} `json:"failures"`
	} `json:"jobs"`
}

func jobs(t *testing.T, db string, args ...string) jobsOut {
	t.Helper()
	r := simpipe(t, nil, append([]string{"jobs", "--json", db}, args...)...)
	if r.code != 0 {
		t.Fatalf("jobs %v: exit %d: %s", args, r.code, r.stderr)
	}
	var out jobsOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("jobs output: %v\n%s", err, r.stdout)
	}
	return out
}

// TestJobsAndRetry lists the jobs of a run with failing games, reissues
// them with 'retry', and checks that resuming with the bug fixed plays each
// failed game once and gives the results of a run that never failed.
func TestJobsAndRetry(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "panic.db")
	args := []string{"run", "--db", db, "--game", "test-panicky", "--games", "2000", "--chunk", "10", "--progress", "none", "--retries", "1"}
	if r := simpipe(t, nil, args...); r.code != 3 {
		t.Fatalf("exit %d, want 3: %s", r.code, r.stderr)
	}
	rep := inspect(t, db)

	failed := jobs(t, db, "--state", "failed")
	if failed.Matched != rep.JobsByState["failed"] || uint64(len(failed.Jobs)) != failed.Matched || failed.Matched == 0 {
		t.Fatalf("jobs --state failed lists %d (matched %d); inspect counts %d", len(failed.Jobs), failed.Matched, rep.JobsByState["failed"])
	}
	games := uint64(0)
	for _, j := range failed.Jobs {
		if j.State != "failed" || len(j.Failures) == 0 || !strings.Contains(j.LastError, "planted bug") {
			t.Fatalf("failed job %+v", j)
		}
		for _, f := range j.Failures {
			if f.Attempts != 2 || !strings.Contains(f.Error, "planted bug") || !strings.Contains(f.Stack, "testgames") {
				t.Fatalf("job %d failure %+v: want 2 attempts, the panic and its stack", j.ID, f)
			}
			games++
		}
	}
	if games != rep.Failed {
		t.Fatalf("jobs lists %d failed games; inspect counts %d", games, rep.Failed)
	}
	done := jobs(t, db, "--state", "done")
	if done.Matched != rep.JobsByState["done"] || done.Matched == 0 {
		t.Fatalf("jobs --state done: %d; inspect counts %d", done.Matched, rep.JobsByState["done"])
	}
	if all := jobs(t, db, "--limit", "5"); all.Matched != 200 || len(all.Jobs) != 5 || !all.Truncated {
		t.Fatalf("jobs --limit 5: matched %d, listed %d, truncated %v", all.Matched, len(all.Jobs), all.Truncated)
	}
	text := simpipe(t, nil, "jobs", db, "--state", "failed", "--limit", "1", "--stack")
	if text.code != 0 || !strings.Contains(text.stdout, "planted bug") || !strings.Contains(text.stdout, "testgames.go") ||
		!strings.Contains(text.stdout, fmt.Sprintf("of %d failed jobs shown", failed.Matched)) {
		t.Fatalf("jobs text: exit %d\n%s", text.code, text.stdout)
	}

	// Refused retries change nothing.
	before := fileHash(t, db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--job", strconv.FormatUint(done.Jobs[0].ID, 10)}, "is done, not failed"},
		{[]string{"--job", strconv.FormatUint(failed.Jobs[0].ID, 10) + ",99999"}, "no job 99999"},
		{[]string{"--failed", "--job", "1"}, "can't be used together"},
		{nil, "--failed or --job ID"},
	} {
		r := simpipe(t, nil, append([]string{"retry", db}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("retry %v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
		if fileHash(t, db) != before {
			t.Fatalf("refused retry %v changed the DB", tc.args)
		}
	}

	r := simpipe(t, nil, "retry", db, "--failed")
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("reissued %d failed jobs (%d failed games)", failed.Matched, games)) ||
		!strings.Contains(r.stdout, "simpipe run --db "+db) {
		t.Fatalf("retry --failed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if p := jobs(t, db, "--state", "pending"); p.Matched != failed.Matched || jobs(t, db, "--state", "failed").Matched != 0 {
		t.Fatalf("after retry: %d pending jobs, want %d", p.Matched, failed.Matched)
	}
	verify(t, db)

	fixed := []string{"SIMPIPE_TESTGAME_FIXED=1"}
	if r := simpipe(t, fixed, args...); r.code != 0 {
		t.Fatalf("after fix: exit %d: %s", r.code, r.stderr)
	}
	verify(t, db)
	clean := filepath.Join(dir, "clean.db")
	if r := simpipe(t, fixed, append([]string{"run", "--db", clean}, args[3:]...)...); r.code != 0 {
		t.Fatalf("clean run: exit %d: %s", r.code, r.stderr)
	}
	got, want := inspect(t, db), inspect(t, clean)
	if got.Failed != 0 || got.GamesDone != 2000 || got.JobsByState["done"] != 200 || got.ResultsDigest != want.ResultsDigest {
		t.Fatalf("retried run %+v differs from clean run %+v", got, want)
	}
	if r := simpipe(t, nil, "retry", db, "--failed"); r.code != 0 || !strings.Contains(r.stdout, "no failed jobs") {
		t.Fatalf("retry with nothing failed: exit %d %q", r.code, r.stdout)
	}
}

// TestCompact compacts a DB that grew and shrank (failed jobs replayed in
// place) into a smaller file with the same results, both in place and to
// a new file.
func TestCompact(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	args := []string{"run", "--db", db, "--game", "test-panicky", "--games", "20000", "--chunk", "10", "--progress", "none"}
	if r := simpipe(t, nil, args...); r.code != 3 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	if r := simpipe(t, nil, "retry", db, "--failed"); r.code != 0 {
		t.Fatalf("retry: exit %d: %s", r.code, r.stderr)
	}
	if r := simpipe(t, []string{"SIMPIPE_TESTGAME_FIXED=1"}, args...); r.code != 0 {
		t.Fatalf("rerun: exit %d: %s", r.code, r.stderr)
	}
	want := inspect(t, db)
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size(db)

	out := filepath.Join(dir, "out.db")
	r := simpipe(t, nil, "compact", db, "-o", out)
	if r.code != 0 || !strings.Contains(r.stdout, "is unchanged") {
		t.Fatalf("compact -o: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if size(db) != before || inspect(t, out).ResultsDigest != want.ResultsDigest {
		t.Fatal("compact -o changed the source or the results")
	}
	if r := simpipe(t, nil, "compact", db, "-o", out); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("compact onto an existing file: exit %d %q", r.code, r.stderr)
	}

	r = simpipe(t, nil, "compact", db)
	if r.code != 0 || !strings.Contains(r.stdout, "compacted") {
		t.Fatalf("compact: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(strings.TrimSpace(r.stdout))
	after := size(db)
	if after > before {
		t.Fatalf("compaction grew the file: %d -> %d bytes", before, after)
	}
	verify(t, db)
	if got := inspect(t, db); got.ResultsDigest != want.ResultsDigest || got.GamesDone != want.GamesDone {
		t.Fatalf("compacted DB %+v differs from %+v", got, want)
	}
	if _, err := os.Stat(db + store.CompactTmpSuffix); err == nil {
		t.Fatal("temporary copy left behind")
	}
	// The compacted DB resumes like any other: extend it.
	if r := simpipe(t, []string{"SIMPIPE_TESTGAME_FIXED=1"}, "run", "--db", db, "--games", "21000", "--progress", "none"); r.code != 0 {
		t.Fatalf("extending the compacted DB: exit %d: %s", r.code, r.stderr)
	}
	verify(t, db)
}

// startLongRun starts a run that lasts far longer than the test and waits
// until it serves live status. It returns the process and its stderr lines.
func startLongRun(t *testing.T, db string, extra ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	args := append([]string{"run", "--db", db, "--game", "connect4", "--games", "50000000", "--workers", "1", "--progress", "none"}, extra...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(db + ".live"); err == nil {
			return cmd, lines
		}
		if time.Now().After(deadline) {
			t.Fatal("run never served live status")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOpsOnLiveDB checks that jobs, retry and compact refuse a DB that a
// running process holds, saying so.
func TestOpsOnLiveDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "live.db")
	startLongRun(t, db)
	time.Sleep(200 * time.Millisecond)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"jobs", db, "--state", "in-flight"}, "jobs in flight (live)"},
		{[]string{"jobs", db, "--json"}, "the run is live"},
		{[]string{"retry", db, "--failed"}, "in use by another process"},
		{[]string{"compact", db}, "compact refuses a live DB"},
	} {
		r := simpipe(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
		}
	}
	if _, err := os.Stat(db + store.CompactTmpSuffix); err == nil {
		t.Fatal("refused compaction left a file")
	}
}

// metricValue returns the value of an unlabelled sample in a scrape.
func metricValue(t *testing.T, body, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in scrape:\n%s", name, body)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMetrics scrapes a running run's Prometheus endpoint twice and checks
// that the games counter moves and every metric is there; a second run on
// the same address is refused before it creates its DB.
func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	_, lines := startLongRun(t, filepath.Join(dir, "m.db"), "--metrics-addr", "127.0.0.1:0")
	url := ""
	re := regexp.MustCompile(`metrics on (http://127\.0\.0\.1:\d+/metrics)`)
	timeout := time.After(10 * time.Second)
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("run exited without announcing its metrics address")
			}
			if m := re.FindStringSubmatch(l); m != nil {
				url = m[1]
			}
		case <-timeout:
			t.Fatal("no metrics address on stderr")
		}
	}
	scrape := func() string {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("scrape: %d %v", resp.StatusCode, err)
		}
		return string(b)
	}
	// Wait for the first commit (the run may first time a chunk size).
	first := scrape()
	for deadline := time.Now().Add(10 * time.Second); metricValue(t, first, "simpipe_games_done_total") == 0; first = scrape() {
		if time.Now().After(deadline) {
			t.Fatal("no games committed after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	second := scrape()
	d1, d2 := metricValue(t, first, "simpipe_games_done_total"), metricValue(t, second, "simpipe_games_done_total")
	if d2 <= d1 {
		t.Fatalf("simpipe_games_done_total went from %v to %v in 300 ms", d1, d2)
	}
	if v := metricValue(t, second, "simpipe_games"); v != 50000000 {
		t.Fatalf("simpipe_games %v", v)
	}
	if v := metricValue(t, second, "simpipe_db_size_bytes"); v <= 0 {
		t.Fatalf("simpipe_db_size_bytes %v", v)
	}
	metricValue(t, second, "simpipe_games_committed")
	metricValue(t, second, "simpipe_games_failed")
	metricValue(t, second, "simpipe_jobs_in_flight")
	metricValue(t, second, "simpipe_games_per_second")
	if n := metricValue(t, second, "simpipe_commit_duration_seconds_count"); n < 1 {
		t.Fatalf("no commits observed: %v", n)
	}
	t.Logf("games done %v -> %v; %v games/s", d1, d2, metricValue(t, second, "simpipe_games_per_second"))

	// The address is taken: refused at once, and no DB is created.
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/metrics")
	other := filepath.Join(dir, "other.db")
	r := simpipe(t, nil, "run", "--db", other, "--game", "connect4", "--games", "100", "--progress", "none", "--metrics-addr", addr)
	if r.code != 2 || !strings.Contains(r.stderr, "listen on "+addr) || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("run on a busy metrics address: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(other); err == nil {
		t.Fatal("a run refused for its metrics address created its DB")
	}
}
