package features

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// ErrBadFeature is returned by Compile for a feature it cannot compute on the
// game: an unknown kind, arguments out of range, or a kind the game's
// structure does not support.
var ErrBadFeature = errors.New("features: bad feature")

// Set is a compiled feature list: it computes every feature's value on a
// position. A Set keeps scratch memory between calls, so it must be used by
// one goroutine at a time; Clone gives each worker its own.
type Set struct {
	c  *compiled // immutable, shared by clones
	sc scratch   // owned by this Set
}

// compiled is what Compile derives from a game and a feature list.
type compiled struct {
	players int
	target  int // Racer.Target, for KindToGo
	board   bool
	geo     geometry
	meas    []measure
	feats   []slot
}

// slot is one feature: which measure it reads and how.
type slot struct {
	meas          int
	view, test, k int32
}

// op is a kind of measure, compiled.
type op uint8

const (
	opCount op = iota // pieces on cells (pieces, region, edge, corner, cell)
	opAdvance
	opFront
	opBackRow
	opLiberties
	opGroups
	opConnect
	opLines
	opMobility
	opToMove
	opQuantity
	opToGo
)

// measure is one per-seat number, computed once per Values call however many
// features read it.
type measure struct {
	op    op
	piece int8
	k     int32
	cells []int32   // opCount: the cells counted
	lines [][]int32 // opLines
	qs    []int     // opQuantity, opToGo
}

type scratch struct {
	owner, piece []int8 // board snapshot
	vals         [][game.MaxPlayers]int32
	legal        []game.Move
	dist         []int32
	queue, next  []int32
	seen         []bool
}

// Compile checks fs against g and prepares them for Values.
func Compile(g game.Game, fs []Feature) (*Set, error) {
	st := g.Structure()
	c := &compiled{players: g.Players()}
	c.geo = newGeometry(st)
	init := g.NewState()
	bs, isBoard := init.(game.BoardState)
	isBoard = isBoard && st.Topology != game.NoBoard && st.Cells() > 0
	_, hasQty := init.(game.QuantityState)
	if isBoard {
		c.geo.findDirections(bs, c.players)
	}
	if r, ok := g.(Racer); ok {
		c.target = r.Target()
	}
	index := map[string]int{} // measure key -> index, so features share measures
	for i, f := range fs {
		m, err := c.compileMeasure(g, st, f, isBoard, hasQty)
		if err != nil {
			return nil, fmt.Errorf("%w %d %q (kind %q, args %v) for %s: %v", ErrBadFeature, i, f.Name, f.Kind, f.Args, g.Spec(), err)
		}
		key := f.Kind + ":" + intsKey(f.Args[ArgsHead:])
		mi, ok := index[key]
		if !ok {
			mi = len(c.meas)
			index[key] = mi
			c.meas = append(c.meas, m)
			c.board = c.board || boardOp(m.op)
		}
		c.feats = append(c.feats, slot{meas: mi, view: int32(f.Args[0]), test: int32(f.Args[1]), k: int32(f.Args[2])})
	}
	s := &Set{c: c}
	s.sc = c.newScratch()
	return s, nil
}

func intsKey(a []int) string {
	var b strings.Builder
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

func boardOp(o op) bool {
	return o != opMobility && o != opToMove && o != opQuantity && o != opToGo
}

func (c *compiled) compileMeasure(g game.Game, st game.Structure, f Feature, isBoard, hasQty bool) (measure, error) {
	if len(f.Args) < ArgsHead {
		return measure{}, fmt.Errorf("want at least %d args (view, test, k)", ArgsHead)
	}
	if v := f.Args[0]; v < Mine || v > DiffSum {
		return measure{}, fmt.Errorf("view %d outside %d..%d", v, Mine, DiffSum)
	}
	if t := f.Args[1]; t < Value || t > EQ {
		return measure{}, fmt.Errorf("test %d outside %d..%d", t, Value, EQ)
	}
	if f.Args[1] == Value && f.Args[2] != 0 {
		return measure{}, errors.New("k must be 0 without a test")
	}
	p := f.Args[ArgsHead:]
	geo := &c.geo
	wantParams := func(n int) error {
		if len(p) != n {
			return fmt.Errorf("want %d params after view, test, k; got %d", n, len(p))
		}
		return nil
	}
	needBoard := func() error {
		if !isBoard {
			return errors.New("needs a board (a Square or HexGrid structure and a BoardState)")
		}
		return nil
	}
	checkPiece := func(x int) error {
		if x < -1 || x >= len(st.Pieces) {
			return fmt.Errorf("piece %d outside -1..%d", x, len(st.Pieces)-1)
		}
		return nil
	}
	needDirs := func() error {
		for s := 0; s < c.players; s++ {
			if geo.dir[s] == 0 {
				return fmt.Errorf("seat %d has no forward direction (its pieces do not start on one side of the board)", s)
			}
		}
		return nil
	}
	switch f.Kind {
	case KindPieces, KindEdge, KindCorner, KindXSquare, KindAdvance, KindFront, KindBackRow:
		if err := errors.Join(wantParams(1), needBoard()); err != nil {
			return measure{}, err
		}
		if err := checkPiece(p[0]); err != nil {
			return measure{}, err
		}
		m := measure{op: opCount, piece: int8(p[0])}
		switch f.Kind {
		case KindPieces:
			m.cells = geo.region(0, geo.rows-1, 0, geo.cols-1)
		case KindEdge:
			m.cells = geo.edge()
		case KindCorner:
			m.cells = geo.corners()
		case KindXSquare:
			m.cells = geo.xsquares()
		case KindAdvance, KindFront, KindBackRow:
			if err := needDirs(); err != nil {
				return measure{}, err
			}
			m.op = opAdvance
			if f.Kind == KindFront {
				m.op = opFront
			} else if f.Kind == KindBackRow {
				m.op = opBackRow
			}
		}
		return m, nil
	case KindRegion:
		if err := errors.Join(wantParams(5), needBoard()); err != nil {
			return measure{}, err
		}
		if err := checkPiece(p[0]); err != nil {
			return measure{}, err
		}
		r0, r1, c0, c1 := p[1], p[2], p[3], p[4]
		if r0 < 0 || r0 > r1 || r1 >= geo.rows || c0 < 0 || c0 > c1 || c1 >= geo.cols {
			return measure{}, fmt.Errorf("region rows %d..%d, cols %d..%d not inside %dx%d", r0, r1, c0, c1, geo.rows, geo.cols)
		}
		return measure{op: opCount, piece: int8(p[0]), cells: geo.region(r0, r1, c0, c1)}, nil
	case KindCell:
		if err := errors.Join(wantParams(2), needBoard()); err != nil {
			return measure{}, err
		}
		if p[0] < 0 || p[0] >= geo.cells {
			return measure{}, fmt.Errorf("cell %d outside 0..%d", p[0], geo.cells-1)
		}
		if err := checkPiece(p[1]); err != nil {
			return measure{}, err
		}
		return measure{op: opCount, piece: int8(p[1]), cells: []int32{int32(p[0])}}, nil
	case KindLiberties, KindGroups:
		if err := errors.Join(wantParams(0), needBoard()); err != nil {
			return measure{}, err
		}
		if f.Kind == KindGroups {
			return measure{op: opGroups}, nil
		}
		return measure{op: opLiberties}, nil
	case KindConnect:
		if err := errors.Join(wantParams(0), needBoard()); err != nil {
			return measure{}, err
		}
		if c.players != 2 {
			return measure{}, fmt.Errorf("connect needs 2 seats, the game has %d", c.players)
		}
		return measure{op: opConnect}, nil
	case KindLines:
		if err := errors.Join(wantParams(2), needBoard()); err != nil {
			return measure{}, err
		}
		n, k := p[0], p[1]
		if n < 2 || n > max(geo.rows, geo.cols) || k < 1 || k > n {
			return measure{}, fmt.Errorf("lines of %d with %d pieces: want 2 <= length <= %d and 1 <= k <= length", n, k, max(geo.rows, geo.cols))
		}
		return measure{op: opLines, k: int32(k), lines: geo.lines(n)}, nil
	case KindMobility, KindToMove:
		if err := wantParams(0); err != nil {
			return measure{}, err
		}
		if f.Kind == KindMobility {
			return measure{op: opMobility}, nil
		}
		return measure{op: opToMove}, nil
	case KindQuantity, KindToGo:
		if len(p) == 0 {
			return measure{}, errors.New("want one or more quantity indices")
		}
		if !hasQty {
			return measure{}, errors.New("needs a QuantityState")
		}
		for _, q := range p {
			if q < 0 || q >= len(st.Quantities) {
				return measure{}, fmt.Errorf("quantity %d outside 0..%d", q, len(st.Quantities)-1)
			}
		}
		m := measure{op: opQuantity, qs: append([]int(nil), p...)}
		if f.Kind == KindToGo {
			if _, ok := g.(Racer); !ok {
				return measure{}, errors.New("togo needs a game with a Target() (features.Racer)")
			}
			m.op = opToGo
		}
		return m, nil
	}
	return measure{}, errors.New("unknown kind")
}

func (c *compiled) newScratch() scratch {
	n := c.geo.cells
	return scratch{
		owner: make([]int8, n),
		piece: make([]int8, n),
		vals:  make([][game.MaxPlayers]int32, len(c.meas)),
		dist:  make([]int32, n),
		queue: make([]int32, 0, 2*n),
		next:  make([]int32, 0, 2*n),
		seen:  make([]bool, n),
	}
}

// Clone returns a Set that computes the same features with scratch memory of
// its own, for another goroutine.
func (s *Set) Clone() *Set { return &Set{c: s.c, sc: s.c.newScratch()} }

// Len returns the number of features.
func (s *Set) Len() int { return len(s.c.feats) }

// Values writes the value of every feature for seat in st into dst[:0], in
// the order they were compiled, and returns it; it allocates only when dst
// is too small. st may be any state of the game, a hidden-information View
// included: measures the state cannot report (no BoardState or
// QuantityState) count 0. seat must be in 0..Players-1.
func (s *Set) Values(st game.State, seat int, dst []int32) []int32 {
	c, sc := s.c, &s.sc
	if seat < 0 || seat >= c.players {
		panic(fmt.Sprintf("features: seat %d outside 0..%d", seat, c.players-1))
	}
	if c.board {
		s.snapshot(st)
	}
	for i := range c.meas {
		sc.vals[i] = [game.MaxPlayers]int32{}
		s.eval(&c.meas[i], st, &sc.vals[i])
	}
	dst = dst[:0]
	for _, f := range c.feats {
		v := &sc.vals[f.meas]
		var x int32
		switch f.view {
		case Mine:
			x = v[seat]
		case Opp, Diff:
			best, any := int32(0), false
			for p := 0; p < c.players; p++ {
				if p != seat && (!any || v[p] > best) {
					best, any = v[p], true
				}
			}
			x = best
			if f.view == Diff {
				x = v[seat] - best
			}
		case OppSum, DiffSum:
			var sum int32
			for p := 0; p < c.players; p++ {
				if p != seat {
					sum += v[p]
				}
			}
			x = sum
			if f.view == DiffSum {
				x = v[seat] - sum
			}
		}
		switch f.test {
		case GE:
			x = b2i(x >= f.k)
		case LE:
			x = b2i(x <= f.k)
		case EQ:
			x = b2i(x == f.k)
		}
		dst = append(dst, x)
	}
	return dst
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// snapshot copies the board into scratch, so that measures read plain
// slices instead of calling Cell once per measure and cell.
func (s *Set) snapshot(st game.State) {
	sc := &s.sc
	bs, ok := st.(game.BoardState)
	for i := range sc.owner {
		if !ok {
			sc.owner[i] = -1
			continue
		}
		o, p := bs.Cell(i)
		sc.owner[i], sc.piece[i] = int8(o), int8(p)
	}
}

func (s *Set) eval(m *measure, st game.State, out *[game.MaxPlayers]int32) {
	c, sc, geo := s.c, &s.sc, &s.c.geo
	switch m.op {
	case opCount:
		for _, i := range m.cells {
			if o := sc.owner[i]; o >= 0 && (m.piece < 0 || sc.piece[i] == m.piece) {
				out[o]++
			}
		}
	case opAdvance, opFront, opBackRow:
		for i, o := range sc.owner {
			if o < 0 || int(o) >= c.players || (m.piece >= 0 && sc.piece[i] != m.piece) {
				continue
			}
			a := geo.advance(int(o), i)
			switch m.op {
			case opAdvance:
				out[o] += a
			case opFront:
				out[o] = max(out[o], a)
			case opBackRow:
				out[o] += b2i(a == 0)
			}
		}
	case opLiberties:
		for i, o := range sc.owner {
			if o >= 0 {
				continue
			}
			var mask uint8
			for _, n := range geo.nbrs(i) {
				if o := sc.owner[n]; o >= 0 {
					mask |= 1 << uint(o)
				}
			}
			for p := 0; mask != 0; p, mask = p+1, mask>>1 {
				out[p] += int32(mask & 1)
			}
		}
	case opGroups:
		s.groups(out)
	case opConnect:
		out[0] = s.connect(0)
		out[1] = s.connect(1)
	case opLines:
		for _, line := range m.lines {
			var mask uint8
			var n int32
			for _, i := range line {
				if o := sc.owner[i]; o >= 0 {
					mask |= 1 << uint(o)
					n++
				}
			}
			if n == m.k && mask&(mask-1) == 0 {
				out[trailingZeros(mask)]++
			}
		}
	case opMobility, opToMove:
		if st.Terminal() {
			return
		}
		p := st.ToMove()
		if p < 0 || p >= c.players {
			return
		}
		if m.op == opToMove {
			out[p] = 1
			return
		}
		sc.legal = st.Legal(sc.legal[:0])
		out[p] = int32(len(sc.legal))
	case opQuantity, opToGo:
		qs, ok := st.(game.QuantityState)
		if !ok {
			return
		}
		for p := 0; p < c.players; p++ {
			var sum int32
			for _, q := range m.qs {
				sum += int32(qs.Quantity(p, q))
			}
			if m.op == opToGo {
				sum = int32(c.target) - sum
			}
			out[p] = sum
		}
	}
}

func trailingZeros(m uint8) int {
	n := 0
	for m&1 == 0 {
		m >>= 1
		n++
	}
	return n
}

// groups counts each seat's connected groups by flood fill.
func (s *Set) groups(out *[game.MaxPlayers]int32) {
	sc, geo := &s.sc, &s.c.geo
	clear(sc.seen)
	for i, o := range sc.owner {
		if o < 0 || sc.seen[i] {
			continue
		}
		if int(o) < len(out) {
			out[o]++
		}
		sc.seen[i] = true
		stack := append(sc.queue[:0], int32(i))
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, n := range geo.nbrs(int(u)) {
				if sc.owner[n] == o && !sc.seen[n] {
					sc.seen[n] = true
					stack = append(stack, n)
				}
			}
		}
		sc.queue = stack
	}
}

// connect returns how many empty cells seat must fill to join its edges: a
// 0-1 breadth-first search where the seat's own cells cost 0, empty cells 1
// and opposing cells cannot be entered. Each pass of the outer loop settles
// every cell at distance d; cells one step dearer wait in next.
func (s *Set) connect(seat int) int32 {
	sc, geo := &s.sc, &s.c.geo
	const inf = int32(1 << 30)
	for i := range sc.dist {
		sc.dist[i] = inf
	}
	cost := func(i int32) int32 {
		switch o := sc.owner[i]; {
		case int(o) == seat:
			return 0
		case o < 0:
			return 1
		}
		return inf
	}
	cur, next := sc.queue[:0], sc.next[:0]
	for _, i := range geo.startEdge[seat] {
		switch cost(i) {
		case 0:
			sc.dist[i] = 0
			cur = append(cur, i)
		case 1:
			sc.dist[i] = 1
			next = append(next, i)
		}
	}
	result := int32(geo.cells + 1)
search:
	for d := int32(0); len(cur) > 0 || len(next) > 0; d++ {
		for j := 0; j < len(cur); j++ {
			u := cur[j]
			if sc.dist[u] != d {
				continue // reached again more cheaply
			}
			if geo.endEdge[seat][u] {
				result = d
				break search
			}
			for _, n := range geo.nbrs(int(u)) {
				c := cost(n)
				if c == inf || d+c >= sc.dist[n] {
					continue
				}
				sc.dist[n] = d + c
				if c == 0 {
					cur = append(cur, n)
				} else {
					next = append(next, n)
				}
			}
		}
		cur, next = next, cur[:0]
	}
	sc.queue, sc.next = cur[:0], next[:0]
	return result
}
