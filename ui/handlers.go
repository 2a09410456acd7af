package ui

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/report"
	"github.com/simpipe/simpipe/store"
)

var (
	//go:embed index.html.tmpl
	indexText string
	//go:embed game.html.tmpl
	gameText string
	//go:embed ui.js
	script []byte
)

var (
	indexPage = template.Must(template.New("index").Parse(indexText))
	gamePage  = template.Must(template.New("game").Parse(gameText))
)

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("GET /ui.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(script)
	})
	m.HandleFunc("GET /events", s.events)
	m.HandleFunc("GET /api/status", s.status)
	m.HandleFunc("GET /db/{i}/report", s.report)
	m.HandleFunc("GET /db/{i}/game", s.game)
	m.HandleFunc("POST /api/db/{i}/retry", s.action(s.retry))
	m.HandleFunc("POST /api/db/{i}/stop", s.action(s.stopRun))
}

// indexView is the dashboard page's data.
type indexView struct {
	Files   []string
	Version string
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	render(w, indexPage, indexView{Files: s.opts.Files, Version: s.opts.Version})
}

// render executes t into a buffer first, so that an error gets a clean 500.
func render(w http.ResponseWriter, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	buf.WriteTo(w)
}

// status answers the current snapshots as JSON, for scripts.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b := s.last
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// events streams the snapshots as server-sent events: the current ones at
// once, then each change.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	c, unsubscribe := s.subscribe(r.RemoteAddr)
	defer unsubscribe()
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	sent := make([]string, len(s.opts.Files)) // the failures this client has, per DB
	for {
		select {
		case snaps, ok := <-c:
			if !ok {
				return
			}
			if _, err := fmt.Fprintf(w, "data: %s\n\n", eventData(snaps, sent)); err != nil {
				return
			}
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// eventData is the JSON of snaps for a client that already has the
// failures in sent (per DB, as JSON): a DB whose failures did not change
// gets null instead of them (their stacks weigh more than the rest), and
// sent is updated.
func eventData(snaps []*Snapshot, sent []string) []byte {
	out := make([]*Snapshot, len(snaps))
	for i, sn := range snaps {
		f, err := json.Marshal(sn.Failures)
		if err != nil {
			panic(err)
		}
		out[i] = sn
		if string(f) == sent[i] {
			c := *sn
			c.Failures = nil
			out[i] = &c
		}
		sent[i] = string(f)
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return b
}

// openStopped opens DB path for a moment (read-only, or for writing to
// retry), refusing a live one. The DB is the caller's until it calls the
// returned function, which closes it: the dashboard's own opens take turns
// (openMu), so that a write never finds the file locked by the poller.
func (s *Server) openStopped(path string, readOnly bool) (*store.DB, func(), error) {
	s.openMu.Lock()
	timeout := openTimeout
	if !readOnly {
		timeout = writeOpenTimeout
	}
	db, err := store.Open(path, &store.Options{ReadOnly: readOnly, NoCreate: true, Timeout: timeout})
	if err != nil {
		s.openMu.Unlock()
		if errors.Is(err, store.ErrLocked) {
			return nil, nil, &httpError{http.StatusConflict, path + " is in use by a running simpipe: this is available once it stops"}
		}
		return nil, nil, err
	}
	return db, func() { db.Close(); s.openMu.Unlock() }, nil
}

// report serves the DB's HTML report (package report), as 'simpipe report'
// writes it.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	_, path, err := s.dbIndex(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	page, err := func() ([]byte, error) {
		db, done, err := s.openStopped(path, true)
		if err != nil {
			return nil, err
		}
		defer done()
		data, err := report.Gather(db, report.Options{Stage: r.URL.Query().Get("stage"), Version: s.opts.Version})
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = report.Render(&buf, data)
		return buf.Bytes(), err
	}()
	if err != nil {
		httpFail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

func httpFail(w http.ResponseWriter, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		http.Error(w, he.msg, he.code)
	case errors.Is(err, report.ErrNoStage), errors.Is(err, store.ErrNoRun):
		http.Error(w, err.Error(), http.StatusNotFound)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// maxBoards bounds the boards a replay page holds.
const maxBoards = 2000

// gameView is the replay page's data.
type gameView struct {
	DB, Stage, Game, Players, Version string
	Index, Job, Seed, Games           uint64
	Boards                            []board
	Result, Failure                   string
	Truncated                         bool
	LastPly                           int
}

// board is the position after a move (the first: the start).
type board struct {
	Ply        int
	Who, Move  string
	Position   string
	Final      bool
	Prev, Next int
}

// game replays one stored game move by move.
func (s *Server) game(w http.ResponseWriter, r *http.Request) {
	_, path, err := s.dbIndex(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	stageName := q.Get("stage")
	if stageName == "" {
		stageName = store.DefaultStage
	}
	index, err := strconv.ParseUint(q.Get("index"), 10, 64)
	if q.Get("index") == "" {
		index, err = 0, nil
	}
	if err != nil {
		http.Error(w, "bad game index: "+err.Error(), http.StatusBadRequest)
		return
	}
	v := gameView{DB: path, Stage: stageName, Index: index, Version: s.opts.Version}
	var (
		entry *store.GameEntry
		rec   *store.JobRecord
		cfg   *store.Config
	)
	err = func() error {
		db, done, err := s.openStopped(path, true)
		if err != nil {
			return err
		}
		defer done()
		st := db.Stage(stageName)
		if cfg, err = st.Config(); err != nil {
			return err
		}
		entry, v.Job, rec, err = st.Game(index)
		if err != nil {
			return &httpError{http.StatusNotFound, err.Error()}
		}
		return nil
	}()
	if err != nil {
		httpFail(w, err)
		return
	}
	v.Game, v.Players, v.Seed, v.Games = cfg.Game, cfg.Players, cfg.Seed, cfg.Games
	switch {
	case entry == nil:
		v.Failure = fmt.Sprintf("not played yet (job %d is %s)", v.Job, rec.State)
	case entry.Status == store.Failed:
		for _, f := range rec.Failures {
			if f.Index == index {
				v.Failure = fmt.Sprintf("failed after %d attempts: %s\n%s", f.Attempts, f.Error, f.Stack)
			}
		}
	default:
		if err := s.replay(&v, cfg, entry); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	render(w, gamePage, v)
}

// replay fills v's boards by playing entry's moves from the start.
func (s *Server) replay(v *gameView, cfg *store.Config, entry *store.GameEntry) error {
	if s.opts.Registry == nil {
		return errors.New("no game registry to replay the game with")
	}
	g, err := s.opts.Registry.New(cfg.Game)
	if err != nil {
		return err
	}
	st := g.NewState()
	v.Boards = append(v.Boards, board{Ply: 0, Move: "start", Position: st.String()})
	for i, m := range entry.Moves {
		if i >= maxBoards {
			v.Truncated = true
			break
		}
		if !legal(st, m) {
			return fmt.Errorf("stored move %d (code %d) is not legal in the replayed position; the DB does not match this game's rules", i+1, m)
		}
		who := "chance"
		if seat := st.ToMove(); seat != game.Chance {
			who = fmt.Sprintf("seat %d", seat)
		}
		mv := st.MoveString(m)
		st.Apply(m)
		v.Boards = append(v.Boards, board{Ply: i + 1, Who: who, Move: mv, Position: st.String()})
	}
	for i := range v.Boards {
		v.Boards[i].Prev, v.Boards[i].Next = max(i-1, 0), min(i+1, len(v.Boards)-1)
	}
	v.Boards[len(v.Boards)-1].Final = true
	v.LastPly = len(v.Boards) - 1
	switch {
	case entry.Status == store.Incomplete:
		v.Result = fmt.Sprintf("incomplete: stopped by the cap of %d actions", cfg.MaxActions)
	case entry.Winners == 0:
		v.Result = "draw"
	default:
		v.Result = "won by seat " + entry.Winners.String()
	}
	return nil
}

func legal(st game.State, m game.Move) bool {
	for _, x := range st.Legal(nil) {
		if x == m {
			return true
		}
	}
	return false
}

// retry reissues the failed jobs of a stage: through the live socket for a
// live run, else with the store operation 'simpipe retry --failed' uses.
func (s *Server) retry(w http.ResponseWriter, r *http.Request) (string, error) {
	_, path, err := s.dbIndex(r)
	if err != nil {
		return "", &httpError{http.StatusNotFound, err.Error()}
	}
	stage := r.URL.Query().Get("stage")
	if stage == "" {
		stage = store.DefaultStage
	}
	if st, err := pipeline.QueryLive(path, liveTimeout); err == nil {
		if st.Stage != "" && st.Stage != stage {
			return "", &httpError{http.StatusConflict, fmt.Sprintf("the live run plays stage %s; retry stage %s once it stops", st.Stage, stage)}
		}
		return liveAction(path, "retry")
	}
	db, done, err := s.openStopped(path, false)
	if err != nil {
		return "", err
	}
	defer done()
	n, err := db.Stage(stage).Reissue(nil)
	if errors.Is(err, store.ErrNoRun) {
		return "", &httpError{http.StatusNotFound, fmt.Sprintf("%s: %v in stage %q", path, err, stage)}
	}
	if err != nil {
		return "", err
	}
	if n == 0 {
		return fmt.Sprintf("no failed jobs in stage %s; nothing to retry", stage), nil
	}
	return fmt.Sprintf("reissued %d failed jobs in stage %s; the next run of the stage replays their failed games", n, stage), nil
}

// stopRun asks a live run to stop as Ctrl-C would.
func (s *Server) stopRun(w http.ResponseWriter, r *http.Request) (string, error) {
	_, path, err := s.dbIndex(r)
	if err != nil {
		return "", &httpError{http.StatusNotFound, err.Error()}
	}
	return liveAction(path, "stop")
}

func liveAction(path, action string) (string, error) {
	msg, err := pipeline.RequestLive(path, action, pipeline.LiveActionTimeout)
	switch {
	case errors.Is(err, pipeline.ErrNotLive):
		return "", &httpError{http.StatusConflict, "no run is live on " + path}
	case errors.Is(err, pipeline.ErrLiveForbidden):
		return "", &httpError{http.StatusForbidden, err.Error()}
	case errors.Is(err, pipeline.ErrLiveUnknownAction):
		return "", &httpError{http.StatusConflict, err.Error() + " (is it an older simpipe?)"}
	}
	return msg, err
}
