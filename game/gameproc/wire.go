package gameproc

import (
	"fmt"

	"github.com/simpipe/simpipe/game"
)

// Version is the newest protocol version this package speaks
// (docs/game-protocol.md). Version 2 adds hidden information: views and
// determinizations.
const Version = 2

// MinVersion is the oldest protocol version this package accepts. A
// version 1 process is played as before; only hidden-information games
// need version 2.
const MinVersion = 1

// hello is the reply to the hello request: the game's description.
type hello struct {
	Error    string      `json:"error"`
	Protocol int64       `json:"protocol"`
	Name     string      `json:"name"`
	Doc      string      `json:"doc"`
	Params   []paramJSON `json:"params"`
}

type paramJSON struct {
	Name    string `json:"name"`
	Doc     string `json:"doc"`
	Default int    `json:"default"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
}

// initReply is the reply to init: the game as its parameters make it.
type initReply struct {
	Error     string          `json:"error"`
	Spec      string          `json:"spec"`
	Players   int             `json:"players"`
	MoveBits  int             `json:"move_bits"`
	Structure *game.Structure `json:"structure"`
}

// info is what the process says about a position after every request that
// creates or changes one.
type info struct {
	ToMove   int         `json:"to_move"`
	Legal    []game.Move `json:"legal"`
	Terminal bool        `json:"terminal"`
	Winners  []int       `json:"winners"`
	Weights  []uint32    `json:"weights"`

	winners game.Seats
}

// stateReply is the reply to new, apply, playout and view.
type stateReply struct {
	Error  string      `json:"error"`
	H      int64       `json:"h"`
	S      *info       `json:"s"`
	Start  *info       `json:"start"` // playout with "start": the position before it plays
	Played []game.Move `json:"played"`
	Used   int         `json:"used"`
	Done   bool        `json:"done"`
}

// detReply is the reply to determinize.
type detReply struct {
	Error string `json:"error"`
	H     int64  `json:"h"`
	S     *info  `json:"s"`
	Used  int    `json:"used"`
	Done  bool   `json:"done"`
}

// textReply is the reply to text, move_text, cells and quantities.
type textReply struct {
	Error      string   `json:"error"`
	Text       *string  `json:"text"`
	Texts      []string `json:"texts"`
	Cells      []int    `json:"cells"`
	Quantities []int    `json:"quantities"`
}

func (r *hello) failure() string      { return r.Error }
func (r *initReply) failure() string  { return r.Error }
func (r *stateReply) failure() string { return r.Error }
func (r *textReply) failure() string  { return r.Error }
func (r *detReply) failure() string   { return r.Error }

// check validates a position's info against the game; it returns what is
// wrong, or "".
func (in *info) check(d *desc) string {
	if in == nil {
		return `no "s" in the reply`
	}
	if in.Terminal != (len(in.Legal) == 0) {
		return fmt.Sprintf("terminal %v with %d legal moves", in.Terminal, len(in.Legal))
	}
	if in.Terminal {
		in.winners = 0
		for _, w := range in.Winners {
			if w < 0 || w >= d.players {
				return fmt.Sprintf("winner %d is not a seat of %d", w, d.players)
			}
			in.winners |= game.SeatSet(w)
		}
		return ""
	}
	if in.ToMove < game.Chance || in.ToMove >= d.players {
		return fmt.Sprintf("to_move %d is not a seat of %d or -1", in.ToMove, d.players)
	}
	if d.moveBits < 64 {
		for _, m := range in.Legal {
			if m>>uint(d.moveBits) != 0 {
				return fmt.Sprintf("legal move %d does not fit in %d bits", m, d.moveBits)
			}
		}
	}
	if in.ToMove == game.Chance {
		if len(in.Weights) != len(in.Legal) {
			return fmt.Sprintf("%d weights for %d chance outcomes", len(in.Weights), len(in.Legal))
		}
		for _, w := range in.Weights {
			if w == 0 {
				return "a chance weight of 0"
			}
		}
	}
	return ""
}

// checkView validates the info of a seat's view: as check, except that a
// view that is not over may list no moves (it is not the seat's turn), and
// lists none at a chance node (it has no weights to draw by).
func (in *info) checkView(d *desc) string {
	switch {
	case in == nil:
		return `no "s" in the reply`
	case in.Terminal || len(in.Legal) > 0 && in.ToMove != game.Chance:
		return in.check(d)
	case len(in.Legal) > 0:
		return fmt.Sprintf("%d moves listed at a chance node: a view lists only the seat's own moves", len(in.Legal))
	case in.ToMove < game.Chance || in.ToMove >= d.players:
		return fmt.Sprintf("to_move %d is not a seat of %d or -1", in.ToMove, d.players)
	}
	return ""
}
