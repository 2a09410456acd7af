package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMeasureRandom(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"-player", "random", "-n", "30", "-quiet"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "random: value-preserving move in ") || !strings.Contains(out.String(), " of 30 positions") {
		t.Fatalf("output:\n%s", out.String())
	}
	var again bytes.Buffer
	if err := run([]string{"-player", "random", "-n", "30", "-quiet", "-workers", "2"}, &again, &errOut); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Fatalf("2 workers:\n%s\n1 worker:\n%s", again.String(), out.String())
	}
}

func TestJSONAndSetFile(t *testing.T) {
	set := filepath.Join(t.TempDir(), "set.jsonl")
	// Two late positions where x wins at once in column 0 or 1.
	lines := `{"moves":"x0 o1 x0 o1 x0 o1","ply":6,"value":1,"keep":["x0"]}
{"moves":"x1 o0 x1 o0 x1 o0","ply":6,"value":1,"keep":["x1"]}
`
	if err := os.WriteFile(set, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"-player", "mcts:iterations=500", "-set", set, "-json", "-quiet"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Player    string  `json:"player"`
		Positions int     `json:"positions"`
		Hits      int     `json:"hits"`
		Low       float64 `json:"wilson_low"`
		Choices   []struct {
			Move string `json:"move"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if got.Positions != 2 || got.Hits != 2 || got.Choices[0].Move != "x0" || !strings.HasPrefix(got.Player, "mcts:iterations=500") {
		t.Fatalf("got %+v", got)
	}
}

func TestBadInput(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-player", "nosuch"},
		{"-player", "random,random,random"},
		{"-player", "random,mcts"},
		{"-player", "random", "-kind", "loud"},
		{"-player", "random", "-set", "/nonexistent"},
		{"-player", "random", "extra"},
	} {
		var out, errOut bytes.Buffer
		if err := run(args, &out, &errOut); err == nil {
			t.Errorf("run %q succeeded", args)
		}
	}
}

func TestKind(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"-player", "random", "-kind", "quiet", "-quiet"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "win now") || strings.Contains(out.String(), "block") || !strings.Contains(out.String(), "quiet") {
		t.Fatalf("output:\n%s", out.String())
	}
}
