package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/simpipe/simpipe/internal/jsonw"
	"github.com/simpipe/simpipe/store"
)

// jsonSink writes JSON Lines: one object per row, keys in column order.
type jsonSink struct {
	w     io.Writer
	keys  []string // feature rows: the quoted feature names, each with its colon
	buf   []byte
	ended bool
}

var _ sink = (*jsonSink)(nil)

func newJSONSink(w io.Writer, feats bool, names []string) *jsonSink {
	s := &jsonSink{w: w}
	if feats {
		for _, n := range names {
			s.keys = append(s.keys, string(appendJSONString([]byte{','}, n))+":")
		}
	}
	return s
}

func (s *jsonSink) game(r *GameRow) error {
	b := append(s.buf[:0], `{"index":`...)
	b = strconv.AppendUint(b, r.Index, 10)
	b = append(b, `,"seed":`...)
	b = strconv.AppendUint(b, r.Seed, 10)
	b = append(b, `,"status":"`...)
	b = append(b, r.Status.String()...)
	b = append(b, `","completed":`...)
	b = strconv.AppendBool(b, r.Status == store.Completed)
	b = append(b, `,"length":`...)
	b = strconv.AppendInt(b, int64(len(r.Moves)), 10)
	b = append(b, `,"winners":`...)
	b = jsonw.AppendInts(b, r.Winners)
	b = append(b, `,"moves":`...)
	b = appendJSONStrings(b, r.Moves)
	b = append(b, "}\n"...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *jsonSink) state(r *StateRow) error {
	b := append(s.buf[:0], `{"game":`...)
	b = strconv.AppendUint(b, r.Game, 10)
	b = append(b, `,"ply":`...)
	b = strconv.AppendInt(b, int64(r.Ply), 10)
	b = append(b, `,"seat":`...)
	b = strconv.AppendInt(b, int64(r.Seat), 10)
	for i, v := range r.Values {
		b = append(b, s.keys[i]...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	b = append(b, `,"outcome":`...)
	if r.HasOutcome {
		b = strconv.AppendFloat(b, r.Outcome, 'g', -1, 64)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, "}\n"...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *jsonSink) close() error { return nil }

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// csvSink writes CSV with a header line. List columns (winners, moves) hold
// JSON arrays, since move notation may contain commas or spaces; a missing
// outcome is an empty field.
type csvSink struct {
	w      *csv.Writer
	fields []string
	buf    []byte
}

var _ sink = (*csvSink)(nil)

func newCSVSink(w io.Writer, feats bool, names []string) (*csvSink, error) {
	s := &csvSink{w: csv.NewWriter(w)}
	header := GameColumns
	if feats {
		header = append(append(append([]string(nil), StateColumns...), names...), "outcome")
	}
	s.fields = make([]string, len(header))
	return s, s.w.Write(header)
}

func (s *csvSink) game(r *GameRow) error {
	f := s.fields
	f[0] = strconv.FormatUint(r.Index, 10)
	f[1] = strconv.FormatUint(r.Seed, 10)
	f[2] = r.Status.String()
	f[3] = strconv.FormatBool(r.Status == store.Completed)
	f[4] = strconv.Itoa(len(r.Moves))
	f[5] = string(jsonw.AppendInts(s.buf[:0], r.Winners))
	s.buf = appendJSONStrings(s.buf[:0], r.Moves)
	f[6] = string(s.buf)
	return s.w.Write(f)
}

func (s *csvSink) state(r *StateRow) error {
	f := s.fields
	f[0] = strconv.FormatUint(r.Game, 10)
	f[1] = strconv.Itoa(r.Ply)
	f[2] = strconv.Itoa(r.Seat)
	for i, v := range r.Values {
		f[3+i] = strconv.Itoa(int(v))
	}
	f[len(f)-1] = ""
	if r.HasOutcome {
		f[len(f)-1] = strconv.FormatFloat(r.Outcome, 'g', -1, 64)
	}
	return s.w.Write(f)
}

func (s *csvSink) close() error {
	s.w.Flush()
	return s.w.Error()
}
