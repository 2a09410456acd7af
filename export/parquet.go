package export

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/simpipe/simpipe/store"
)

// Row-group sizes. A row group is buffered in memory until it is flushed,
// so these bound the writer's memory whatever the number of games.
const (
	gameRowsPerGroup = 32 << 10
	// stateValuesPerGroup bounds rows × columns of a feature row group
	// (about 16 MB of int32 before encoding).
	stateValuesPerGroup = 1 << 22
	parquetBatch        = 256 // rows handed to the writer at once
)

// parquetGame is the Parquet schema of game rows. Winners and moves are
// LIST columns (list<int64>, list<string>), which pyarrow, pandas and DuckDB
// read as lists. Seed is unsigned (UINT_64), as the run seed is.
type parquetGame struct {
	Index     int64    `parquet:"index"`
	Seed      uint64   `parquet:"seed"`
	Status    string   `parquet:"status,dict"`
	Completed bool     `parquet:"completed"`
	Length    int64    `parquet:"length"`
	Winners   []int64  `parquet:"winners,list"`
	Moves     []string `parquet:"moves,list"`
}

// parquetSink writes Parquet, compressed with Snappy, a row group every
// perGroup rows. Game rows go through a GenericWriter; feature rows, whose
// columns depend on the game, through a Writer of parquet.Rows.
type parquetSink struct {
	perGroup int
	inGroup  int

	games *parquet.GenericWriter[parquetGame]
	gbuf  []parquetGame

	states *parquet.Writer
	sbuf   []parquet.Row
	cols   int // columns of a feature row
}

var _ sink = (*parquetSink)(nil)

func newParquetSink(w io.Writer, feats bool, names []string, meta map[string]string) (*parquetSink, error) {
	opts := []parquet.WriterOption{parquet.Compression(&parquet.Snappy)}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		opts = append(opts, parquet.KeyValueMetadata(k, meta[k]))
	}
	s := &parquetSink{}
	if !feats {
		s.perGroup = gameRowsPerGroup
		s.games = parquet.NewGenericWriter[parquetGame](w, opts...)
		s.gbuf = make([]parquetGame, 0, parquetBatch)
		return s, nil
	}
	schema, err := stateSchema(names)
	if err != nil {
		return nil, err
	}
	s.cols = len(StateColumns) + len(names) + 1
	s.perGroup = min(max(stateValuesPerGroup/s.cols, 1024), 256<<10)
	s.states = parquet.NewWriter(w, append(opts, schema)...)
	s.sbuf = make([]parquet.Row, 0, parquetBatch)
	return s, nil
}

// stateSchema builds the feature rows' schema: game, ply, seat (int64), one
// int32 column per feature, and an optional double outcome. A Go struct type
// is built at run time because parquet.Group would sort the columns by name.
func stateSchema(names []string) (*parquet.Schema, error) {
	fields := []reflect.StructField{
		{Name: "Game", Type: reflect.TypeFor[int64](), Tag: `parquet:"game"`},
		{Name: "Ply", Type: reflect.TypeFor[int64](), Tag: `parquet:"ply"`},
		{Name: "Seat", Type: reflect.TypeFor[int64](), Tag: `parquet:"seat"`},
	}
	for i, n := range names {
		for _, c := range n {
			if c == ',' {
				return nil, fmt.Errorf("export: feature name %q has a comma, which a Parquet column name cannot take here", n)
			}
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[int32](),
			Tag: reflect.StructTag("parquet:" + strconv.Quote(n)),
		})
	}
	fields = append(fields, reflect.StructField{Name: "Outcome", Type: reflect.TypeFor[*float64](), Tag: `parquet:"outcome,optional"`})
	return parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface()), nil
}

func (s *parquetSink) game(r *GameRow) error {
	n := len(s.gbuf)
	s.gbuf = s.gbuf[:n+1]
	p := &s.gbuf[n]
	p.Index, p.Seed, p.Status = int64(r.Index), r.Seed, r.Status.String()
	p.Completed, p.Length = r.Status == store.Completed, int64(len(r.Moves))
	p.Winners = p.Winners[:0]
	for _, w := range r.Winners {
		p.Winners = append(p.Winners, int64(w))
	}
	p.Moves = append(p.Moves[:0], r.Moves...)
	if len(s.gbuf) == cap(s.gbuf) {
		return s.flushBatch()
	}
	return nil
}

func (s *parquetSink) state(r *StateRow) error {
	n := len(s.sbuf)
	s.sbuf = s.sbuf[:n+1]
	row := s.sbuf[n][:0]
	row = append(row,
		parquet.Int64Value(int64(r.Game)).Level(0, 0, 0),
		parquet.Int64Value(int64(r.Ply)).Level(0, 0, 1),
		parquet.Int64Value(int64(r.Seat)).Level(0, 0, 2))
	for i, v := range r.Values {
		row = append(row, parquet.Int32Value(v).Level(0, 0, 3+i))
	}
	if r.HasOutcome {
		row = append(row, parquet.DoubleValue(r.Outcome).Level(0, 1, s.cols-1))
	} else {
		row = append(row, parquet.NullValue().Level(0, 0, s.cols-1))
	}
	s.sbuf[n] = row
	if len(s.sbuf) == cap(s.sbuf) {
		return s.flushBatch()
	}
	return nil
}

// flushBatch hands the buffered rows to the writer, and ends the row group
// when it is full.
func (s *parquetSink) flushBatch() error {
	var n int
	var err error
	if s.games != nil {
		n, err = s.games.Write(s.gbuf)
		s.gbuf = s.gbuf[:0]
	} else {
		n, err = s.states.WriteRows(s.sbuf)
		s.sbuf = s.sbuf[:0]
	}
	if err != nil {
		return err
	}
	s.inGroup += n
	if s.inGroup < s.perGroup {
		return nil
	}
	s.inGroup = 0
	if s.games != nil {
		return s.games.Flush()
	}
	return s.states.Flush()
}

func (s *parquetSink) close() error {
	if err := s.flushBatch(); err != nil {
		return err
	}
	if s.games != nil {
		return s.games.Close()
	}
	return s.states.Close()
}
