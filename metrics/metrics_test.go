package metrics

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/store"
)

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

func TestServe(t *testing.T) {
	prog := &dataflow.Progress{}
	prog.Total.Store(1000)
	prog.Done.Store(300)
	prog.Failed.Store(7)
	prog.InFlight.Store(4)
	m := New(Source{Progress: prog, DBSize: func() int64 { return 12345 }})
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := m.Serve(l)
	defer srv.Close()
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s", srv.URL())
	}

	m.OnCommit(dataflow.Commit{CommitStats: store.CommitStats{Jobs: 2, Games: 100}, Duration: 3 * time.Millisecond})
	m.OnCommit(dataflow.Commit{CommitStats: store.CommitStats{Jobs: 1, Games: 50}, Duration: 40 * time.Millisecond})
	body := scrape(t, srv.URL())
	for _, want := range []string{
		"simpipe_games_done_total 150\n",
		"simpipe_games_committed 300\n",
		"simpipe_games 1000\n",
		"simpipe_games_failed 7\n",
		"simpipe_jobs_in_flight 4\n",
		"simpipe_db_size_bytes 12345\n",
		"simpipe_commit_duration_seconds_count 2\n",
		`simpipe_commit_duration_seconds_bucket{le="0.004"} 1` + "\n",
		"simpipe_games_per_second ",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in:\n%s", want, body)
		}
	}

	// A second server on the same address is refused at bind time.
	if _, err := Listen(l.Addr().String()); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("second Listen: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(srv.URL()); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestRateWindow(t *testing.T) {
	m := New(Source{Progress: &dataflow.Progress{}})
	t0 := time.Now().Add(-30 * time.Second)
	m.samples = []sample{{at: t0}}
	for i := 1; i <= 30; i++ {
		m.played.Add(100)
		m.record(t0.Add(time.Duration(i) * time.Second))
	}
	if len(m.samples) > int(RateWindow/time.Second)+2 {
		t.Fatalf("%d samples kept", len(m.samples))
	}
	if r := m.rate(); r < 80 || r > 110 {
		t.Fatalf("rate %.1f games/s, want about 100", r)
	}
}
