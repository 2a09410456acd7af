package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game/builtin"
)

// TestPlayTicTacToe plays a whole game through a pipe against random: the
// boards, the legal moves, the AI's replies, undo (the same move gets the
// same reply again: the reply's RNG is fixed by the seed and the action
// number), undo with nothing to undo, a move typed in another case and
// spacing, and the result.
func TestPlayTicTacToe(t *testing.T) {
	r := simpipeStdin(t, nil, "x(1,1)\nundo\nundo\n\nX(1, 1)\nx(0,0)\nx(2,2)\nignored after the end\n",
		"play", "--game", "tictactoe", "--vs", "random")
	want := `tictactoe: you are seat 0, against random (seed 1); type a move, undo, help or quit
    ...
    ...
    ...
your move: x(0,0) x(0,1) x(0,2) x(1,0) x(1,1) x(1,2) x(2,0) x(2,1) x(2,2)
you play x(1,1)
    ...
    .x.
    ...
seat 1 plays o(1,2)
    ...
    .xo
    ...
your move: x(0,0) x(0,1) x(0,2) x(1,0) x(2,0) x(2,1) x(2,2)
undo: took back x(1,1) o(1,2)
    ...
    ...
    ...
your move: x(0,0) x(0,1) x(0,2) x(1,0) x(1,1) x(1,2) x(2,0) x(2,1) x(2,2)
nothing to undo: you have not moved yet
you play x(1,1)
    ...
    .x.
    ...
seat 1 plays o(1,2)
    ...
    .xo
    ...
your move: x(0,0) x(0,1) x(0,2) x(1,0) x(2,0) x(2,1) x(2,2)
you play x(0,0)
    x..
    .xo
    ...
seat 1 plays o(0,1)
    xo.
    .xo
    ...
your move: x(0,2) x(1,0) x(2,0) x(2,1) x(2,2)
you play x(2,2)
    xo.
    .xo
    ..x
result: you win
`
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, want)
	}
}

// TestPlayConnect4 plays the second seat, so the AI opens; undo takes back
// the person's move and the reply, and the game ends in the person's win.
func TestPlayConnect4(t *testing.T) {
	r := simpipeStdin(t, nil, "o3\no3\nundo\no3\no3\no3\n", "play", "--game", "connect4", "--vs", "random", "--seat", "1", "--seed", "2")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var said []string // every line but the boards
	for _, l := range strings.Split(r.stdout, "\n") {
		if !strings.HasPrefix(l, "    ") {
			said = append(said, l)
		}
	}
	legal := "your move: o0 o1 o2 o3 o4 o5 o6"
	want := []string{
		"connect4: you are seat 1, against random (seed 2); type a move, undo, help or quit",
		"seat 0 plays x3", legal, "you play o3", "seat 0 plays x2", legal, "you play o3", "seat 0 plays x5", legal,
		"undo: took back o3 x5", legal, "you play o3", "seat 0 plays x5", legal,
		"you play o3", "seat 0 plays x2", legal, "you play o3", "result: you win", "",
	}
	if strings.Join(said, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(said, "\n"), strings.Join(want, "\n"), r.stdout)
	}
	final := "    .......\n    ...o...\n    ...o...\n    ...o...\n    ..xo...\n    ..xx.x.\nresult: you win\n"
	if !strings.HasSuffix(r.stdout, final) {
		t.Fatalf("final board: want\n%s\ngot:\n%s", final, r.stdout)
	}
}

// TestPlayTrainedAI plays the trained tic-tac-toe model (greedy, from
// file=), which blocks the person's column and then completes its own row.
func TestPlayTrainedAI(t *testing.T) {
	r := simpipeStdin(t, nil, "x(0,0)\nx(2,0)\nx(0,2)\n", "play", "--game", "tictactoe", "--vs", "greedy:file=../ai/testdata/tictactoe.json")
	var said []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(l, "seat 1 plays") || strings.HasPrefix(l, "result") {
			said = append(said, l)
		}
	}
	want := "seat 1 plays o(1,1)|seat 1 plays o(1,0)|seat 1 plays o(1,2)|result: seat 1 wins"
	if r.code != 0 || strings.Join(said, "|") != want || !strings.HasSuffix(r.stdout, "    x.x\n    ooo\n    x..\nresult: seat 1 wins\n") {
		t.Fatalf("exit %d: %s\ngot %q, want %q:\n%s", r.code, r.stderr, strings.Join(said, "|"), want, r.stdout)
	}
}

// TestPlayPipeErrors: in a pipe an unknown move ends the game with one line
// on stderr and exit code 2; the end of the input and quit end it cleanly.
func TestPlayPipeErrors(t *testing.T) {
	r := simpipeStdin(t, nil, "x3\nx9\nx3\n", "play", "--game", "connect4", "--vs", "random")
	wantErr := `simpipe: input line 2: "x9": not a legal move (legal: x0 x1 x2 x3 x4 x5 x6)` + "\n"
	if r.code != 2 || r.stderr != wantErr || strings.Count(r.stdout, "you play") != 1 {
		t.Fatalf("exit %d, stderr %q (want %q), stdout:\n%s", r.code, r.stderr, wantErr, r.stdout)
	}
	for input, last := range map[string]string{
		"x3\n":       "end of input: the game is not finished",
		"":           "end of input: the game is not finished",
		"x3\nQUIT\n": "you quit: the game is not finished",
	} {
		r := simpipeStdin(t, nil, input, "play", "--game", "connect4", "--vs", "random")
		if r.code != 0 || r.stderr != "" || !strings.HasSuffix(r.stdout, last+"\n") {
			t.Errorf("input %q: exit %d, stderr %q, stdout:\n%s", input, r.code, r.stderr, r.stdout)
		}
	}
	for _, args := range [][]string{
		{"--game", "connect4", "--vs", "random", "--seat", "2"},
		{"--game", "chess", "--vs", "random"},
		{"--game", "connect4", "--vs", "greedy"},
	} {
		r := simpipeStdin(t, nil, "", append([]string{"play"}, args...)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", args, r.code, r.stderr, r.stdout)
		}
	}
}

// TestPlayHiddenAndChance: in Go Fish the person sees only their view and no
// chance outcome (the deal) is announced; in Pig the dice are.
func TestPlayHiddenAndChance(t *testing.T) {
	r := simpipeStdin(t, nil, "help\n", "play", "--game", "gofish", "--vs", "random", "--seed", "3")
	if r.code != 0 || strings.Contains(r.stdout, "chance:") || !strings.Contains(r.stdout, "seat 0 sees") ||
		!strings.Contains(r.stdout, "undo       take back") {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = simpipeStdin(t, nil, "roll\n", "play", "--game", "pig", "--vs", "random")
	if r.code != 0 || !strings.Contains(r.stdout, "you play roll\n") || !strings.Contains(r.stdout, "chance: Roll ") {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
}

// TestPlayMatchesMove: every reply of a searching AI in 'play' is the move
// that 'move' gives for the moves played so far with the same seed.
func TestPlayMatchesMove(t *testing.T) {
	const player = "mcts:iterations=40"
	r := simpipeStdin(t, nil, "x3\nx4\nx2\nx5\n", "play", "--game", "connect4", "--vs", player, "--seed", "5")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var history []string
	replies := 0
	for _, l := range strings.Split(r.stdout, "\n") {
		if mv, ok := strings.CutPrefix(l, "you play "); ok {
			history = append(history, mv)
		}
		if mv, ok := strings.CutPrefix(l, "seat 1 plays "); ok {
			m := simpipe(t, nil, "move", "--game", "connect4", "--player", player, "--seed", "5", "--moves", strings.Join(history, " "))
			if m.code != 0 || m.stdout != mv+"\n" {
				t.Fatalf("after %v: play replied %s, move says %q (exit %d: %s)", history, mv, m.stdout, m.code, m.stderr)
			}
			history = append(history, mv)
			replies++
		}
	}
	if replies < 3 {
		t.Fatalf("%d replies:\n%s", replies, r.stdout)
	}
}

// TestPlayInteractive: at a terminal an unknown move gets one line with the
// legal moves and the prompt again.
func TestPlayInteractive(t *testing.T) {
	g, err := builtin.Registry().New("tictactoe")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ai.ParseLineup("random", g)
	if err != nil {
		t.Fatal(err)
	}
	players, _ := l.Players()
	var out bytes.Buffer
	p := &playSession{g: g, players: players, seat: 0, seed: 1, interactive: true, out: &out,
		lines: readLines(strings.NewReader("x(3,3)\nx(1,1)\nquit\n"))}
	if err := p.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "your move: x(0,0) x(0,1) x(0,2) x(1,0) x(1,1) x(1,2) x(2,0) x(2,1) x(2,2)\n" +
		"> \"x(3,3)\": not a legal move (legal: x(0,0) x(0,1) x(0,2) x(1,0) x(1,1) x(1,2) x(2,0) x(2,1) x(2,2))\n" +
		"> you play x(1,1)\n"
	if !strings.Contains(out.String(), want) || !strings.HasSuffix(out.String(), "> you quit: the game is not finished\n") {
		t.Fatalf("got:\n%s\nwant it to contain:\n%s", out.String(), want)
	}
}

// TestMoveText asks for moves as text and checks the refusals: one line on
// stderr naming the move, its place in the list and the legal moves, exit 2.
func TestMoveText(t *testing.T) {
	model := "../ai/testdata/tictactoe.json"
	for _, tc := range []struct {
		args []string
		want string
	}{
		// x completes the top row.
		{[]string{"--game", "tictactoe", "--player", "greedy:file=" + model, "--moves", "x(0,0) o(1,1) x(0,1) o(2,2)"}, "x(0,2)"},
		// o must block it (ai searches with the model).
		{[]string{"--game", "tictactoe", "--player", "ai:iterations=300,file=" + model, "--moves", "x(0,0) o(1,1) x(0,1)"}, "o(0,2)"},
		{[]string{"--game", "connect4", "--player", "mcts:iterations=500", "--moves", "x3 o0 x3 o0 x3"}, "o3"},
		{[]string{"--game", "connect4", "--player", "random", "--moves", ""}, "x5"},
		// Pig's chance outcomes may be two words or one.
		{[]string{"--game", "pig", "--player", "random", "--moves", "roll Roll 6 roll roll4 stop"}, "roll"},
	} {
		r := simpipe(t, nil, append([]string{"move"}, tc.args...)...)
		if r.code != 0 || r.stdout != tc.want+"\n" {
			t.Errorf("%v: exit %d, stdout %q, want %q; stderr %s", tc.args, r.code, r.stdout, tc.want, r.stderr)
		}
	}
	for _, tc := range []struct {
		moves, want string
	}{
		{"x3 o3 x9", `--moves: move 3 "x9": not a legal move (legal: x0 x1 x2 x3 x4 x5 x6)`},
		{"x3 x3", `--moves: move 2 "x3": not a legal move (legal: o0 o1 o2 o3 o4 o5 o6)`},
		{"x0 o1 x0 o1 x0 o1 x0", `--moves: the game is over after move 7 (won by seat 0): there is no move to choose`},
		{"x0 o1 x0 o1 x0 o1 x0 o1", `--moves: move 8 "o1": the game is over after move 7 (won by seat 0)`},
	} {
		r := simpipe(t, nil, "move", "--game", "connect4", "--player", "random", "--moves", tc.moves)
		if want := "simpipe: " + tc.want + "\n"; r.code != 2 || r.stderr != want || r.stdout != "" {
			t.Errorf("--moves %q: exit %d, stderr %q, want %q", tc.moves, r.code, r.stderr, want)
		}
	}
	// A two-word chance outcome counts as one move.
	r := simpipe(t, nil, "move", "--game", "pig", "--player", "random", "--moves", "roll Roll 6 fly")
	if want := `simpipe: --moves: move 3 "fly": not a legal move (legal: roll stop)` + "\n"; r.code != 2 || r.stderr != want {
		t.Errorf("pig: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
	r = simpipe(t, nil, "move", "--game", "pig", "--player", "random", "--moves", "roll")
	if r.code != 2 || !strings.Contains(r.stderr, "add one of: Roll 1 Roll 2") {
		t.Errorf("chance node: exit %d, %s", r.code, r.stderr)
	}
}

// TestMoveJSON checks each player's scores: greedy's true win is 1, mcts's
// visits add up to its iterations and its move is the most visited one,
// random's probabilities are uniform.
func TestMoveJSON(t *testing.T) {
	get := func(args ...string) moveReport {
		t.Helper()
		r := simpipe(t, nil, append([]string{"move", "--json"}, args...)...)
		var rep moveReport
		if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil {
			t.Fatalf("%v: exit %d, %v: %s %s", args, r.code, err, r.stdout, r.stderr)
		}
		return rep
	}
	rep := get("--game", "tictactoe", "--player", "greedy:file=../ai/testdata/tictactoe.json", "--moves", "x(0,0) o(1,1) x(0,1) o(2,2)")
	if rep.Game != "tictactoe" || rep.Seat != 0 || rep.Ply != 4 || rep.Move != "x(0,2)" || len(rep.Moves) != 5 ||
		rep.Moves[0].Move != "x(0,2)" || *rep.Moves[0].Value != 1 || rep.Moves[0].Visits != nil {
		t.Fatalf("greedy: %+v", rep)
	}
	for _, m := range rep.Moves[1:] {
		if v := *m.Value; v <= 0 || v >= 1 {
			t.Errorf("greedy: %s valued %v, want a model estimate in (0, 1)", m.Move, v)
		}
	}

	rep = get("--game", "connect4", "--player", "mcts:iterations=300", "--moves", "x3 o3", "--seed", "4")
	visits, best := 0, ""
	most := -1
	for _, m := range rep.Moves {
		visits += *m.Visits
		if *m.Visits > most {
			most, best = *m.Visits, m.Move
		}
	}
	if len(rep.Moves) != 7 || visits != 300 || rep.Seat != 0 || rep.Ply != 2 || rep.Move != best {
		t.Fatalf("mcts: %d visits, most visited %s: %+v", visits, best, rep)
	}

	rep = get("--game", "connect4", "--player", "random")
	for _, m := range rep.Moves {
		if *m.Value != 1.0/7 || m.Visits != nil {
			t.Fatalf("random: %+v", rep.Moves)
		}
	}
}

// TestPlayInterrupt: Ctrl-C while the game waits for the person's move ends
// it with exit code 130.
func TestPlayInterrupt(t *testing.T) {
	cmd := exec.Command(bin, "play", "--game", "connect4", "--vs", "random")
	stdin, err := cmd.StdinPipe() // kept open: the game waits for a move
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "your move:") {
		l, err := out.ReadString('\n')
		seen.WriteString(l)
		if err != nil {
			t.Fatalf("%v before the prompt: %s", err, seen.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(out)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(string(rest), "interrupted: the game is not finished") {
		t.Fatalf("wait: %v, output after the prompt: %q", err, rest)
	}
}
