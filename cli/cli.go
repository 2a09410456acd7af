// Package cli is simpipe's command-line interface: run, inspect, train,
// eval, export, report and the rest, built with kong. Main runs it with any
// game registry, so a game author's own binary is a few lines:
//
//	func main() {
//		reg := builtin.Registry()
//		reg.MustRegister(mygame.Def)
//		os.Exit(cli.Main(reg, os.Args[1:]))
//	}
//
// Exit codes: 0 success; 1 an unexpected error (I/O, a damaged DB); 2 bad
// input or a refused request; 3 the run finished but some games failed on
// every attempt; 4 the disk or the DB's size limit is full (make room and
// resume); 130 interrupted (resume by running the same command).
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/alecthomas/kong"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gameproc"
	"github.com/simpipe/simpipe/store"
	"github.com/willabides/kongplete"
)

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitGamesFailed = 3
	exitNoSpace     = 4
	exitInterrupted = 130
)

// progName is the name the CLI calls itself in help and messages: the
// program's file name (an author's own binary is not "simpipe"), set by Main.
var progName = "simpipe"

// GCPercent is the garbage collector target Main sets unless GOGC is set.
// Simulations allocate little but steadily (results records) on a small
// live heap (about 20 MB); collecting four times less often keeps the
// collector's write barriers off the simulators, at the cost of about
// 100 MB of heap.
const GCPercent = 400

// Version is simpipe's version, set at build time with
// -ldflags "-X github.com/simpipe/simpipe/cli.Version=...".
var Version = "dev"

type cli struct {
	Version kong.VersionFlag `env:"-" help:"Print the version and exit."`
	Config  kong.ConfigFlag  `env:"-" help:"Read flag values from a JSON file whose keys are flag names, e.g. {\"workers\": 2, \"progress\": \"log\"}; the command line wins." placeholder:"FILE"`
	// GamesFile declares the game processes of exec:NAME specs.
	GamesFile string `name:"games-file" help:"The games file declaring exec:NAME game processes (docs/game-protocol.md); default ~/.config/simpipe/games.json." placeholder:"FILE"`

	Run        runCmd                       `cmd:"" help:"Play a batch of games into a checkpoint DB, or resume it."`
	Inspect    inspectCmd                   `cmd:"" help:"Show a checkpoint DB: config, progress, outcomes, failures, digest."`
	Show       showCmd                      `cmd:"" help:"Replay one stored game move by move with the board."`
	Games      gamesCmd                     `cmd:"" help:"List the registered games and their parameters."`
	Train      trainCmd                     `cmd:"" help:"Train an AI by self-play: iterations of checkpointed games, each followed by a feature analysis and a logistic fit."`
	Eval       evalCmd                      `cmd:"" help:"Measure a trained AI against an opponent: paired games, Wilson interval, Elo, optional SPRT."`
	Play       playCmd                      `cmd:"" help:"Play against an AI in the terminal, or through a pipe: moves from standard input, the board and the AI's replies on standard output."`
	Move       moveCmd                      `cmd:"" help:"Ask a player (a trained AI) for its move in a position given by the moves from the start."`
	Gametest   gametestCmd                  `cmd:"" help:"Check that a game keeps the promises simpipe relies on (conformance), e.g. a game process: simpipe gametest --game exec:NAME."`
	Perft      perftCmd                     `cmd:"" help:"Count the move sequences of a given depth from the start (move generator check)."`
	Export     exportCmd                    `cmd:"" help:"Write a stage's games, or every decision with its features, as JSON Lines, CSV or Parquet."`
	Jobs       jobsCmd                      `cmd:"" help:"List a run's jobs by state, with the errors of failed games."`
	Retry      retryCmd                     `cmd:"" help:"Reissue failed jobs so that the next run replays their failed games."`
	Compact    compactCmd                   `cmd:"" help:"Rewrite a checkpoint DB without its free pages (verified before it replaces the file)."`
	Completion kongplete.InstallCompletions `cmd:"" name:"install-completions" help:"Install shell completion for simpipe (bash, zsh, fish); -uninstall removes it."`
	UI         uiCmd                        `cmd:"" name:"ui" help:"Serve a live dashboard of checkpoint DBs in the browser: progress, failures, reports, replays; retry and stop from the page."`
	Report     reportCmd                    `cmd:"" help:"Write an HTML report of a checkpoint DB: config, totals, digest and plots (games/s, lengths, outcomes, training, evaluations)."`
	Worker     workerCmd                    `cmd:"" help:"Play jobs of runs started with 'run --nats': pull them from NATS JetStream, publish the results."`
	NATSServer natsServerCmd                `cmd:"" name:"nats-server" help:"Run a NATS server with JetStream on a file store for 'run --nats' and 'worker'."`
}

// exitErr carries an exit code with the message to print; a nil err prints
// nothing.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}
func (e *exitErr) Unwrap() error { return e.err }

// usageErr marks err as bad input (exit code 2).
func usageErr(err error) error { return &exitErr{exitUsage, err} }

// Main runs the command line args (without the program name) with the games
// of reg and returns the exit code. The first SIGINT or SIGTERM stops a run
// gracefully; a second exits at once.
func Main(reg *game.Registry, args []string) int {
	if name := filepath.Base(os.Args[0]); name != "" && name != "." && name != string(filepath.Separator) {
		progName = name
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	ctx, stop := signalContext()
	defer stop()
	defer gameproc.CloseAll() // no game process outlives the command
	return runMain(ctx, reg, args, os.Stdout, os.Stderr)
}

// runMain parses args, runs the command and returns the exit code. Errors
// are printed as one line on stderr.
func runMain(ctx context.Context, reg *game.Registry, args []string, stdout, stderr io.Writer) int {
	stdout, stderr = serialized(stdout), serialized(stderr)
	var c cli
	exitCode := -1
	parser, err := kong.New(&c,
		kong.Name(progName),
		kong.Description("Resumable, exactly-once self-play simulations for game AIs."),
		kong.Vars{"version": Version},
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exitCode = code }),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Bind(reg, &streams{out: stdout, err: stderr}),
		kong.Configuration(kong.JSON),
		kong.DefaultEnvars("SIMPIPE"), // every flag: --game-timeout ← SIMPIPE_GAME_TIMEOUT
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Help(ownNameHelp),
	)
	if err != nil {
		panic(err) // the grammar is wrong: a programming error
	}
	// In a shell's completion request (COMP_LINE set), answer and exit.
	kongplete.Complete(parser, kongplete.WithExitFunc(func(code int) { exitCode = code }))
	if exitCode >= 0 {
		return exitCode
	}
	kctx, err := parser.Parse(args)
	if exitCode >= 0 { // --help or --version
		return exitCode
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName, err)
		return exitUsage
	}
	if c.GamesFile != "" {
		gameproc.SetGamesFile(c.GamesFile)
	}
	err = kctx.Run()
	if exitCode >= 0 {
		return exitCode
	}
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	code := exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.Is(err, store.ErrCorrupt):
		code = exitUsage // the file, not simpipe, is at fault
	}
	if ee == nil || ee.err != nil { // a nil err means the command already reported
		fmt.Fprintf(stderr, "%s: %s\n", progName, message(err))
	}
	return code
}

// ownNameHelp prints kong's help with "simpipe " replaced by the program's
// name throughout, so that an author's own binary shows its own name in the
// examples and flag help written for simpipe.
func ownNameHelp(options kong.HelpOptions, ctx *kong.Context) error {
	if progName == "simpipe" {
		return kong.DefaultHelpPrinter(options, ctx)
	}
	var buf bytes.Buffer
	out := ctx.Stdout
	ctx.Stdout = &buf
	err := kong.DefaultHelpPrinter(options, ctx)
	ctx.Stdout = out
	if _, werr := io.WriteString(out, strings.ReplaceAll(buf.String(), "simpipe ", progName+" ")); err == nil {
		err = werr
	}
	return err
}

// streams are the command's standard output and error.
type streams struct {
	out, err io.Writer
}

// serialized makes w safe for the goroutines that log to it at once (a
// coordinator and its embedded workers share stderr). An *os.File already
// is, and stays itself so terminal checks still see it.
func serialized(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok {
		return w
	}
	return &serialWriter{w: w}
}

type serialWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *serialWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// signalContext returns a context cancelled by the first SIGINT or SIGTERM.
// A second signal exits at once with code 130; the DB stays consistent
// because bbolt commits are atomic, and what was not committed is replayed
// on resume.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sigs
		// Clear the progress bar first, or the lines run into it; without
		// a bar, a newline ends the "^C" the terminal echoed.
		nl := "\n"
		if pauseProgress() {
			nl = ""
		}
		fmt.Fprintf(os.Stderr, "%s%s: stopping: finishing the games in flight and committing them (press Ctrl-C again to exit immediately)\n", nl, progName)
		cancel()
		<-sigs
		fmt.Fprintf(os.Stderr, "%s: exiting immediately; run the same command again to resume\n", progName)
		os.Exit(exitInterrupted)
	}()
	return ctx, func() { signal.Stop(sigs); cancel() }
}
