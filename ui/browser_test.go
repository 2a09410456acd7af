package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/internal/chromiumtest"
	"github.com/simpipe/simpipe/internal/testbin"
	"github.com/simpipe/simpipe/internal/testgames"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/ui"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// simpipeBinary builds simpipe with the test games, once per test binary.
func simpipeBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "ui-test-bin")
		if buildErr != nil {
			return
		}
		binPath, buildErr = testbin.Build(binDir, "../cmd/simpipe")
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func testRegistry() *game.Registry {
	r := builtin.Registry()
	testgames.Register(r)
	return r
}

// artifactDir is where the browser test keeps its screenshots:
// $SIMPIPE_UI_ARTIFACTS, or a temporary directory.
func artifactDir(t *testing.T) string {
	if dir := os.Getenv("SIMPIPE_UI_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// waitFor polls cond until it returns true or a minute has passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after a minute for %s", what)
		}
	}
}

// TestBrowser drives headless Chromium against a live run of a failing
// game started by the test (simpipe run, its own process) and a stopped DB
// beside it: the games counter rises by itself, a failed job appears with
// its error, the retry button is refused without the token and works with
// it, the stop button stops the run as Ctrl-C would (exit code 130) and the
// page turns to the stopped DB, whose failed jobs the retry button then
// reissues in the store. It measures the page's weight and the update
// latency and keeps screenshots.
func TestBrowser(t *testing.T) {
	chromium := chromiumtest.Need(t)
	bin := simpipeBinary(t)
	dir := t.TempDir()
	live, done := filepath.Join(dir, "live.db"), filepath.Join(dir, "yesterday.db")
	if out, err := exec.Command(bin, "run", "--db", done, "--game", "test-panicky", "--games", "3000", "--progress", "none").CombinedOutput(); exitCode(err) != 3 {
		t.Fatalf("the stopped DB's run: %v (want exit 3, failed games)\n%s", err, out)
	}
	// A run that lasts (20M games on one simulator: minutes) until the page
	// stops it; one game in ten panics.
	run := exec.Command(bin, "run", "--db", live, "--game", "test-panicky", "--games", "20000000", "--workers", "1",
		"--chunk", "1000", "--progress", "none")
	var runErr strings.Builder
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	t.Cleanup(func() {
		if run.ProcessState == nil {
			run.Process.Kill()
			<-exited
		}
	})
	waitFor(t, "the run's first commit", func() bool {
		st, err := pipeline.QueryLive(live, time.Second)
		return err == nil && st.Commits > 0
	})

	token := "browser-test-token-0123456789"
	srv, err := ui.New(ui.Options{Files: []string{live, done}, Registry: testRegistry(), Token: token, LoopbackOnly: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	logWeight(t, base)

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]), chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1400, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a timeout
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	browse := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return n
	}
	// text reads an element's text in one evaluation, so that it cannot
	// fall between the script's removal of a node and its replacement.
	text := func(sel string) string {
		t.Helper()
		q, _ := json.Marshal(sel)
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+string(q)+`) || {}).textContent || ""`))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	counter := func() uint64 {
		t.Helper()
		s := text("#games-done-0")
		n, err := strconv.ParseUint(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			t.Fatalf("the games counter reads %q: %v", s, err)
		}
		return n
	}

	browse(chromedp.Navigate(base+"/#token="+token), chromedp.WaitVisible(chromedp.CSS("#games-done-0")))
	if s := text("#state-0"); s != "live" {
		t.Fatalf("the live DB's state reads %q", s)
	}
	first := counter()
	waitFor(t, "the games counter to rise", func() bool { return counter() > first })
	t.Logf("games counter: %d, then %d", first, counter())
	waitFor(t, "a failed job with its error", func() bool {
		n := eval(`document.querySelectorAll("#failures-0 details.failure").length`)
		return n > 0 && strings.Contains(text("#failures-0 .error"), "planted bug in test-panicky")
	})
	measureLatency(t, live, counter)
	if s := text("#state-1"); s != "stopped" {
		t.Fatalf("the stopped DB's state reads %q", s)
	}
	shot(t, ctx, "ui-live.png")

	// Retry without the token: refused, and the page says so.
	eval(`sessionStorage.removeItem("simpipe-token"), 1`)
	browse(chromedp.Click(chromedp.CSS("#retry-0")))
	waitFor(t, "the refusal", func() bool { return strings.Contains(text("#msg-0"), "refused (403)") })
	eval(`sessionStorage.setItem("simpipe-token", "` + token + `"), document.getElementById("msg-0").textContent = "", 1`)
	browse(chromedp.Click(chromedp.CSS("#retry-0")))
	waitFor(t, "the live retry", func() bool { return text("#msg-0") != "" })
	if msg := text("#msg-0"); !strings.Contains(msg, "reissued") {
		t.Fatalf("the live retry says %q", msg)
	}
	t.Logf("live retry: %s", text("#msg-0"))

	// Stop, as Ctrl-C would: the run commits what is in flight and exits 130.
	browse(chromedp.Click(chromedp.CSS("#stop-0")))
	select {
	case err := <-exited:
		if exitCode(err) != 130 {
			t.Fatalf("the run exited with %v after the stop, want 130\n%s", err, runErr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the run still runs a minute after the stop")
	}
	if !strings.Contains(runErr.String(), "stop requested") {
		t.Errorf("the run's stderr does not report the stop:\n%s", runErr.String())
	}
	waitFor(t, "the page to show the run stopped", func() bool { return text("#state-0") == "stopped" })
	before := failedJobs(t, live)
	if before == 0 {
		t.Fatal("no failed jobs after the stop")
	}
	browse(chromedp.Click(chromedp.CSS("#retry-0-run")))
	waitFor(t, "the stopped DB's retry", func() bool { return strings.Contains(text("#msg-0"), "reissued") })
	if n := failedJobs(t, live); n != 0 {
		t.Fatalf("%d failed jobs after the retry (had %d)", n, before)
	}
	t.Logf("stopped retry: %s", text("#msg-0"))
	shot(t, ctx, "ui-stopped.png")

	// Replay a stored game of the stopped DB move by move.
	browse(chromedp.Navigate(base+"/db/1/game?index=0"), chromedp.WaitVisible(chromedp.CSS("#ply-0")))
	visible := `[...document.querySelectorAll("figure.board")].findIndex((f) => !f.hidden)`
	plies := eval(`document.querySelectorAll("figure.board").length`)
	if plies < 6 || eval(visible) != 0 {
		t.Fatalf("the replay page has %d boards, showing %d; want tic-tac-toe's start and moves", plies, eval(visible))
	}
	browse(chromedp.Click(chromedp.CSS(`#replay button[data-go="next"]`)), chromedp.Click(chromedp.CSS(`#replay button[data-go="next"]`)))
	if v := eval(visible); v != 2 {
		t.Fatalf("after two clicks on next the replay shows board %d, want 2", v)
	}
	if b := text("#ply-2 pre"); !strings.ContainsAny(b, "XOxo") {
		t.Fatalf("board 2 shows no move: %q", b)
	}
	browse(chromedp.Click(chromedp.CSS(`#replay button[data-go="last"]`)))
	if v := eval(visible); v != plies-1 || !strings.Contains(text(fmt.Sprintf("#ply-%d figcaption", plies-1)), "—") {
		t.Fatalf("last shows board %d of %d", v, plies)
	}
	shot(t, ctx, "ui-replay.png")
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// shot keeps a full-page screenshot.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// logWeight logs what a first load of the dashboard transfers: the page,
// its script and the first event (the snapshots of every DB).
func logWeight(t *testing.T, base string) {
	t.Helper()
	size := func(path string) int {
		_, body, _ := do(t, "GET", base+path, nil, nil)
		return len(body)
	}
	page, script := size("/"), size("/ui.js")
	resp, err := http.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	events := bufio.NewReader(resp.Body)
	var sizes []int // of the first event and the next one (after its blank line)
	for len(sizes) < 2 {
		line, err := events.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: ") {
			sizes = append(sizes, len(line)+1)
		}
	}
	resp.Body.Close()
	t.Logf("page weight: %d bytes (HTML %d, script %d, first event %d); the next event %d bytes",
		page+script+sizes[0], page, script, sizes[0], sizes[1])
}

// measureLatency times, several times, how long a commit takes to show on
// the page: from the moment the run's live socket reports a new count to
// the moment the page's counter shows it. Both sides are polled, so each
// figure is an upper bound of the true latency plus a few milliseconds.
func measureLatency(t *testing.T, live string, counter func() uint64) {
	t.Helper()
	var lat []time.Duration
	for range 10 {
		st, err := pipeline.QueryLive(live, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var next *pipeline.LiveStatus
		waitFor(t, "a commit", func() bool {
			next, err = pipeline.QueryLive(live, time.Second)
			return err == nil && next.GamesDone > st.GamesDone
		})
		at := time.Now()
		waitFor(t, "the page to show the commit", func() bool { return counter() >= next.GamesDone })
		lat = append(lat, time.Since(at))
	}
	slices.Sort(lat)
	t.Logf("update latency (commit seen on the live socket to the page showing it), 10 samples: median %v, max %v, min %v",
		lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), lat[0].Round(time.Millisecond))
}
