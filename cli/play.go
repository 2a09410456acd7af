package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/simpipe/simpipe/game"
	"golang.org/x/term"
)

type playCmd struct {
	Game string `required:"" help:"Game spec, e.g. connect4 or hex:size=7." placeholder:"SPEC"`
	Vs   string `name:"vs" required:"" help:"The AI: a player spec for every other seat, e.g. 'ai:iterations=200,file=c4.json', or one per seat (yours is ignored)." placeholder:"SPEC"`
	Seat int    `default:"0" help:"Your seat; seat 0 moves first."`
	Seed uint64 `default:"1" help:"Seed of the chance outcomes and the AI's random choices: the k-th action (from 0) draws from the RNG of (seed, k)."`
}

func (c *playCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	g, err := reg.New(c.Game)
	if err != nil {
		return usageErr(err)
	}
	if c.Seat < 0 || c.Seat >= g.Players() {
		return usageErr(fmt.Errorf("--seat %d: %s has seats 0..%d", c.Seat, g.Spec(), g.Players()-1))
	}
	players, err := lineupPlayers(g, c.Vs)
	if err != nil {
		return err
	}
	p := &playSession{
		g: g, players: players, seat: c.Seat, seed: c.Seed,
		lines: readLines(os.Stdin), out: s.out,
		interactive: term.IsTerminal(int(os.Stdin.Fd())),
	}
	fmt.Fprintf(s.out, "%s: you are seat %d, against %s (seed %d); type a move, undo, help or quit\n", g.Spec(), c.Seat, c.Vs, c.Seed)
	return p.run(ctx)
}

const playHelp = `  a move     one of the legal moves as listed (case and spaces do not matter)
  undo       take back your last move and everything played since
  help       this text
  quit       stop the game`

// playSession is one game between a person, whose moves come from lines,
// and the AI players of the other seats.
type playSession struct {
	g       game.Game
	players []game.Player // by seat; the person's entry is unused
	seat    int           // the person's
	seed    uint64
	lines   <-chan inputLine // from readLines
	out     io.Writer
	// interactive is set when the input is a terminal: a bad line is answered and
	// asked again, and a prompt is shown. In a pipe a bad line ends the game
	// with exit code 2, since the moves after it were meant for another
	// position.
	interactive bool

	st      game.State
	history []action // from the start, chance outcomes included
	line    int      // input lines read
	dirty   bool     // the board changed since it was last shown
}

// action is one move or chance outcome of a played game.
type action struct {
	move game.Move
	seat int    // game.Chance for chance
	name string // in the game's notation; empty for a hidden chance outcome
}

// reply is what the person's input line asks for.
type reply int

const (
	moved   reply = iota // play the move
	undone               // the last move was taken back
	stopped              // quit or the end of the input
)

// run plays the game to its end, or until the person quits, the input ends
// or ctx is cancelled (Ctrl-C: exit code 130).
func (p *playSession) run(ctx context.Context) error {
	p.st = p.g.NewState()
	p.dirty = true
	hidden := p.g.Structure().Hidden
	var weights []uint32
	for {
		legal := p.st.Legal(nil)
		if len(legal) == 0 {
			p.showBoard()
			fmt.Fprintf(p.out, "result: %s\n", p.result())
			return nil
		}
		seat := p.st.ToMove()
		rng := game.NewRNG(p.seed, uint64(len(p.history)))
		switch seat {
		case game.Chance:
			weights = p.st.(game.ChanceState).ChanceWeights(weights[:0])
			m := legal[rng.Weighted(weights)]
			name := ""
			if !hidden { // a deal may be private to another seat
				name = p.st.MoveString(m)
				fmt.Fprintf(p.out, "chance: %s\n", name)
			}
			p.apply(m, seat, name)
		case p.seat:
			p.showBoard()
			m, r, err := p.ask(ctx, legal)
			switch {
			case err != nil || r == stopped:
				return err
			case r == undone:
				continue
			}
			name := p.st.MoveString(m)
			fmt.Fprintf(p.out, "you play %s\n", name)
			p.apply(m, seat, name)
			p.showBoard()
		default:
			m := p.players[seat].Choose(seen(p.st, seat), legal, rng)
			name := p.st.MoveString(m)
			fmt.Fprintf(p.out, "seat %d plays %s\n", seat, name)
			p.apply(m, seat, name)
			p.showBoard()
		}
	}
}

// ask reads lines until one is a legal move, undo, quit or the end of the
// input.
func (p *playSession) ask(ctx context.Context, legal []game.Move) (game.Move, reply, error) {
	fmt.Fprintf(p.out, "your move: %s\n", game.MoveStrings(p.st, legal))
	for {
		if p.interactive {
			fmt.Fprint(p.out, "> ")
		}
		var in inputLine
		select {
		case <-ctx.Done():
			fmt.Fprintln(p.out, "\ninterrupted: the game is not finished")
			return 0, stopped, &exitErr{exitInterrupted, nil}
		case l, ok := <-p.lines:
			in = l
			in.eof = in.eof || !ok
		}
		switch {
		case in.err != nil:
			return 0, stopped, in.err
		case in.eof:
			fmt.Fprintln(p.out, "end of input: the game is not finished")
			return 0, stopped, nil
		}
		p.line++
		text := strings.TrimSpace(in.text)
		switch strings.ToLower(text) {
		case "":
			continue
		case "quit":
			fmt.Fprintln(p.out, "you quit: the game is not finished")
			return 0, stopped, nil
		case "help":
			fmt.Fprintln(p.out, playHelp)
			continue
		case "undo":
			if p.undo() {
				return 0, undone, nil
			}
			fmt.Fprintln(p.out, "nothing to undo: you have not moved yet")
			continue
		}
		m, err := game.ParseMove(p.st, text)
		if err == nil {
			return m, moved, nil
		}
		if !p.interactive {
			return 0, stopped, usageErr(fmt.Errorf("input line %d: %w", p.line, err))
		}
		fmt.Fprintln(p.out, err)
	}
}

// inputLine is one line of the person's input, or its end.
type inputLine struct {
	text string
	eof  bool
	err  error // reading failed
}

// readLines sends r's lines, then its end (eof or err), on the channel it
// returns. Reading in its own goroutine lets the game stop on Ctrl-C while a
// read waits; the goroutine ends with the input (or the process).
func readLines(r io.Reader) <-chan inputLine {
	ch := make(chan inputLine)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- inputLine{text: sc.Text()}
		}
		ch <- inputLine{eof: sc.Err() == nil, err: sc.Err()}
		close(ch)
	}()
	return ch
}

// apply plays m, made by seat (game.Chance for chance), and records it.
func (p *playSession) apply(m game.Move, seat int, name string) {
	p.st.Apply(m)
	p.history = append(p.history, action{m, seat, name})
	p.dirty = true
}

// undo takes back the person's last move and every action after it, and
// reports whether there was one. The position is replayed from the start,
// since states only move forward; replies drawn again come from the same
// RNGs (seed, action number), so the same move gets the same answer.
func (p *playSession) undo() bool {
	last := -1
	for i, a := range p.history {
		if a.seat == p.seat {
			last = i
		}
	}
	if last < 0 {
		return false
	}
	var names []string
	for _, a := range p.history[last:] {
		if a.name != "" {
			names = append(names, a.name)
		}
	}
	p.history = p.history[:last]
	p.st.Reset()
	for _, a := range p.history {
		p.st.Apply(a.move)
	}
	fmt.Fprintf(p.out, "undo: took back %s\n", strings.Join(names, " "))
	p.dirty = true
	return true
}

// showBoard prints the position as the person sees it, if it changed.
func (p *playSession) showBoard() {
	if !p.dirty {
		return
	}
	fmt.Fprintln(p.out, indent(seen(p.st, p.seat).String()))
	p.dirty = false
}

func (p *playSession) result() string {
	w := p.st.Winners()
	switch {
	case w == 0:
		return "draw"
	case w.Len() > 1:
		return "seats " + w.String() + " share the win"
	case w.Has(p.seat):
		return "you win"
	}
	return fmt.Sprintf("seat %s wins", w)
}

func (*playCmd) Help() string {
	return `Shows the board, lists your legal moves in the game's notation and reads your
move from standard input, one per line; the AI's moves are announced, and
the result is printed at the end. Type undo to take back your last move and
the AI's reply, help for the commands, quit to stop. Chance outcomes (dice,
deals) are drawn from --seed, and the same moves with the same seed replay
the same game. In a hidden-information game you see only your seat's view,
and chance outcomes are not announced.

Moves can come from a pipe, which ends cleanly at the end of the input. At a
terminal an unknown move is answered with the legal moves and asked again; in
a pipe it ends the game with a one-line error and exit code 2, because the
moves after it were meant for another position.

Examples:
  simpipe play --game connect4 --vs ai:iterations=200,file=c4.json
  simpipe play --game connect4 --vs greedy:file=c4.json --seat 1
  simpipe play --game hex:size=7 --vs mcts:iterations=2000
  printf 'x3\nx3\nundo\nx2\n' | simpipe play --game connect4 --vs random --seed 7`
}
