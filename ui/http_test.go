package ui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/tictactoe"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
	"github.com/simpipe/simpipe/store/storetest"
	"github.com/simpipe/simpipe/ui"
)

// evilName is the name of a game whose every string is HTML.
const evilName = "<script>alert(1)</script>"

// evilGame is tic-tac-toe with hostile strings: its name, its notation and
// its board are HTML, and a game that opens in the centre panics with an
// HTML error message.
type evilGame struct{}

func (evilGame) Spec() string              { return evilName }
func (evilGame) Players() int              { return 2 }
func (evilGame) MoveBits() int             { return 4 }
func (evilGame) Structure() game.Structure { return tictactoe.Game{}.Structure() }
func (evilGame) NewState() game.State {
	return &evilState{State: tictactoe.Game{}.NewState().(*tictactoe.State)}
}

type evilState struct {
	*tictactoe.State
	plies int
}

func (s *evilState) Reset() { s.State.Reset(); s.plies = 0 }
func (s *evilState) Apply(m game.Move) {
	if s.plies == 0 && m == 4 {
		panic("<img src=x onerror=alert(2)>")
	}
	s.plies++
	s.State.Apply(m)
}
func (s *evilState) Clone() game.State {
	return &evilState{State: s.State.Clone().(*tictactoe.State), plies: s.plies}
}
func (s *evilState) MoveString(m game.Move) string {
	return "<script>mv(" + s.State.MoveString(m) + ")</script>"
}
func (s *evilState) String() string { return s.State.String() + "<b>board</b>" }

func evilRegistry() *game.Registry {
	var r game.Registry
	r.MustRegister(game.Def{Name: evilName, Doc: "hostile strings", New: func(game.Params) (game.Game, error) { return evilGame{}, nil }})
	return &r
}

func ptr[T any](v T) *T { return &v }

// evilDB plays 200 games of the evil game into a new DB and returns its
// path: about one in nine games failed with the HTML error.
func evilDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "evil.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stage := db.Stage(store.DefaultStage)
	def, err := pipeline.Prepare(stage, evilRegistry(), pipeline.Settings{Game: evilGame{}, Games: ptr[uint64](200), Chunk: ptr(20)})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipeline.Run(context.Background(), stage, def, pipeline.Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	agg, err := stage.Aggregate()
	if err != nil || agg.Failed == 0 || agg.GamesDone == 0 {
		t.Fatalf("the evil DB: %+v, %v; want failed and finished games", agg, err)
	}
	return path
}

const testToken = "0123456789abcdef0123456789abcdef"

func newServer(t *testing.T, opts ui.Options) *httptest.Server {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Registry == nil {
		opts.Registry = evilRegistry()
	}
	srv, err := ui.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return hs
}

// do sends a request and returns the status and body.
func do(t *testing.T, method, u string, header map[string]string, body io.Reader) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func failedJobs(t *testing.T, path string) int {
	t.Helper()
	return int(storetest.Aggregate(t, path).JobsFailed)
}

// TestActionToken: the retry action is refused without the token, with a
// wrong one, with the token in a form field or a query (what a forged
// cross-site form can send) and by GET; with the token in its header it
// reissues the failed jobs.
func TestActionToken(t *testing.T) {
	path := evilDB(t)
	hs := newServer(t, ui.Options{Files: []string{path}, LoopbackOnly: true})
	before := failedJobs(t, path)
	retry := hs.URL + "/api/db/0/retry"
	for _, c := range []struct {
		name   string
		method string
		url    string
		header map[string]string
		body   string
	}{
		{"NoToken", "POST", retry, nil, ""},
		{"WrongToken", "POST", retry, map[string]string{ui.TokenHeader: testToken[:31] + "0"}, ""},
		{"FormField", "POST", retry, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "token=" + testToken},
		{"Query", "POST", retry + "?token=" + testToken, nil, ""},
		{"Cookie", "POST", retry, map[string]string{"Cookie": "simpipe_token=" + testToken}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := do(t, c.method, c.url, c.header, strings.NewReader(c.body))
			if code != http.StatusForbidden {
				t.Errorf("status %d (%s), want 403", code, body)
			}
		})
	}
	if code, _, _ := do(t, "GET", retry, map[string]string{ui.TokenHeader: testToken}, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET of an action: %d, want 405", code)
	}
	if n := failedJobs(t, path); n != before {
		t.Fatalf("refused requests changed the DB: %d failed jobs, had %d", n, before)
	}
	code, body, _ := do(t, "POST", retry, map[string]string{ui.TokenHeader: testToken}, nil)
	if code != http.StatusOK || !strings.Contains(body, "reissued") {
		t.Fatalf("retry with the token: %d %s", code, body)
	}
	if n := failedJobs(t, path); n != 0 {
		t.Fatalf("after the retry %d jobs are failed, want 0 (had %d)", n, before)
	}
	// The stop action needs a live run: with the token it says there is none.
	if code, body, _ := do(t, "POST", hs.URL+"/api/db/0/stop", map[string]string{ui.TokenHeader: testToken}, nil); code != http.StatusConflict {
		t.Errorf("stop of a stopped DB: %d %s, want 409", code, body)
	}
}

// TestLoopbackOnly: a loopback dashboard answers only requests that name a
// loopback host, so that a page on another site cannot reach it through a
// DNS name that resolves to 127.0.0.1.
func TestLoopbackOnly(t *testing.T) {
	hs := newServer(t, ui.Options{Files: []string{evilDB(t)}, LoopbackOnly: true})
	for host, want := range map[string]int{
		strings.TrimPrefix(hs.URL, "http://"): 200,
		"localhost:8080":                      200,
		"[::1]:8080":                          200,
		"attacker.example:8080":               http.StatusMisdirectedRequest,
		"192.168.1.7:8080":                    http.StatusMisdirectedRequest,
	} {
		if code, body, _ := do(t, "GET", hs.URL+"/", map[string]string{"Host": host}, nil); code != want {
			t.Errorf("Host %s: %d (%.100s), want %d", host, code, body, want)
		}
	}
}

// TestIsLoopback: the default listen address binds to loopback; an empty
// host (every interface) or another address does not.
func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:0": true, "[::1]:80": true, "127.8.9.10:1": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.1.2.3:8080": false, "example.com:80": false,
	} {
		got, err := ui.IsLoopback(addr)
		if err != nil || got != want {
			t.Errorf("IsLoopback(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
}

// TestTokenForReads: on a non-loopback dashboard a request needs the token
// even to read: the printed ?token= address sets a cookie and redirects.
func TestTokenForReads(t *testing.T) {
	hs := newServer(t, ui.Options{Files: []string{evilDB(t)}, TokenForReads: true})
	for _, p := range []string{"/", "/events", "/api/status", "/db/0/report", "/db/0/game?index=1"} {
		if code, _, _ := do(t, "GET", hs.URL+p, nil, nil); code != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d, want 401", p, code)
		}
	}
	code, _, h := do(t, "GET", hs.URL+"/api/status?token="+testToken, nil, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/api/status" {
		t.Fatalf("GET with ?token=: %d to %q, want 303 to /api/status", code, h.Get("Location"))
	}
	cookie := h.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("cookie %q", cookie)
	}
	if code, body, _ := do(t, "GET", hs.URL+"/api/status", map[string]string{"Cookie": strings.Split(cookie, ";")[0]}, nil); code != 200 || !strings.Contains(body, `"state":"stopped"`) {
		t.Fatalf("GET with the cookie: %d %.200s", code, body)
	}
	// The cookie reads; it does not act.
	if code, _, _ := do(t, "POST", hs.URL+"/api/db/0/retry", map[string]string{"Cookie": strings.Split(cookie, ";")[0]}, nil); code != http.StatusForbidden {
		t.Fatalf("an action with the cookie only: %d, want 403", code)
	}
}

// TestEscaping: the game's name, notation, board and error reach every
// page escaped: the replay of a finished game, of a failed one, the report
// and the status the dashboard's script draws (as DOM text).
func TestEscaping(t *testing.T) {
	path := evilDB(t)
	hs := newServer(t, ui.Options{Files: []string{path}, LoopbackOnly: true})
	db, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var played, failed uint64 = 1 << 62, 1 << 62
	err = db.Stage(store.DefaultStage).Results(func(c *store.Chunk) error {
		for i := range c.Len() {
			if c.Status(i) == store.Failed {
				failed = min(failed, c.First+uint64(i))
			} else {
				played = min(played, c.First+uint64(i))
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]string{
		"/db/0/game?index=" + itoa(played): {"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;mv(", "&lt;b&gt;board&lt;/b&gt;"},
		"/db/0/game?index=" + itoa(failed): {"&lt;img src=x onerror=alert(2)&gt;"},
		"/db/0/report":                     {"&lt;script&gt;alert(1)&lt;/script&gt;", "<svg", "Game length"}, // the report, with its plots
		"/":                                {},
	}
	for p, want := range pages {
		code, body, _ := do(t, "GET", hs.URL+p, nil, nil)
		if code != 200 {
			t.Errorf("GET %s: %d %.300s", p, code, body)
			continue
		}
		for _, bad := range []string{"<script>alert", "<script>mv", "<b>board", "<img"} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: the page holds %q unescaped", p, bad)
			}
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: the page lacks %q", p, w)
			}
		}
	}
	// The status is JSON: the script sets its strings as text.
	code, body, h := do(t, "GET", hs.URL+"/api/status", nil, nil)
	if code != 200 || h.Get("Content-Type") != "application/json" || !strings.Contains(body, `\u003cimg src=x onerror=alert(2)\u003e`) {
		t.Errorf("status: %d %s %.300s", code, h.Get("Content-Type"), body)
	}
	if _, js, _ := do(t, "GET", hs.URL+"/ui.js", nil, nil); strings.Contains(js, "innerHTML") || strings.Contains(js, "insertAdjacentHTML") {
		t.Error("ui.js writes HTML; it must set strings as text")
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// TestBusyDB: a DB held by a process that serves no live status (train,
// eval) is shown as busy, and the dashboard's polling does not fail.
func TestBusyDB(t *testing.T) {
	path := evilDB(t)
	db, err := store.Open(path, nil) // holds the lock, as a running train would
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hs := newServer(t, ui.Options{Files: []string{path}, LoopbackOnly: true})
	code, body, _ := do(t, "GET", hs.URL+"/api/status", nil, nil)
	if code != 200 || !strings.Contains(body, `"state":"busy"`) || !strings.Contains(body, "serves no live status") {
		t.Fatalf("status of a held DB: %d %.300s", code, body)
	}
	if code, _, _ := do(t, "GET", hs.URL+"/db/0/report", nil, nil); code != http.StatusConflict {
		t.Fatalf("report of a held DB: %d, want 409", code)
	}
}
