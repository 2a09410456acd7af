// The simpipe game-process protocol, version 1, for games written in
// JavaScript (Node, no dependencies). Copy this file next to your rules and
// call serve(yourGame). It reads one JSON request per line on standard input
// and writes one JSON reply per line on standard output (docs/game-protocol.md
// in simpipe). Log to standard error only. It exits when standard input closes.
//
// Your game object provides:
//   name, doc              strings
//   params                 [{name, doc, default, min, max}]
//   init(params)           -> {players, move_bits, structure}; params: {name: int}
//   newState()             -> a state
// A state provides:
//   clone(), reset(), apply(move), legal() -> array of ints (fixed order),
//   toMove() -> seat, or -1 at a chance node, winners() -> seats at the end
//   (the game is over exactly when legal() is empty),
//   weights() -> positive ints, one per legal outcome (chance games only),
//   moveText(move), text(), cells() -> [seat, piece, ...] (-1: empty),
//   quantities() -> [q0 of seat 0, q1 of seat 0, ..., q0 of seat 1, ...]
'use strict';

const VERSION = 1;
const MASK = (1n << 64n) - 1n;

class OutOfWords extends Error {}

// Words draws from simpipe's random words exactly as game.RNG does. The
// words are the request's hexadecimal strings, parsed when drawn.
class Words {
  constructor(words) { this.w = words; this.i = 0; }
  next() {
    if (this.i >= this.w.length) throw new OutOfWords();
    return BigInt('0x' + this.w[this.i++]);
  }
  // uint64n is Lemire's bounded draw, game.RNG.uint64n; n is a Number.
  uint64n(n) {
    const bn = BigInt(n);
    let m = this.next() * bn;
    let lo = m & MASK;
    if (lo < bn) {
      const thresh = ((1n << 64n) - bn) % bn;
      while (lo < thresh) { m = this.next() * bn; lo = m & MASK; }
    }
    return Number(m >> 64n);
  }
  intn(n) { return this.uint64n(n); }
  weighted(weights) {
    let x = this.uint64n(weights.reduce((a, b) => a + b, 0));
    for (let i = 0; i < weights.length; i++) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    throw new Error('no positive weight');
  }
}

// playout plays st on between uniform players: legal[intn(length)] at a
// decision, legal[weighted(weights)] at a chance node, until the end, after
// maxActions moves (when given), or before a draw the words cannot pay for.
function playout(st, words, maxActions) {
  const played = [];
  for (;;) {
    const legal = st.legal();
    if (legal.length === 0 || (maxActions !== undefined && played.length >= maxActions)) {
      return { played, done: true };
    }
    const save = words.i;
    let m;
    try {
      m = st.toMove() === -1 ? legal[words.weighted(st.weights())] : legal[words.intn(legal.length)];
    } catch (e) {
      if (!(e instanceof OutOfWords)) throw e;
      words.i = save;
      return { played, done: false };
    }
    st.apply(m);
    played.push(m);
  }
}

function info(st) {
  const legal = st.legal();
  if (legal.length === 0) return { to_move: -2, legal, terminal: true, winners: st.winners() };
  const out = { to_move: st.toMove(), legal, terminal: false };
  if (out.to_move === -1) out.weights = st.weights();
  return out;
}

class Server {
  constructor(game) { this.game = game; this.states = new Map(); this.nextH = 1; }
  add(st) { const h = this.nextH++; this.states.set(h, st); return h; }
  get(h) {
    const st = this.states.get(h);
    if (st === undefined) throw new Error(`unknown handle ${h}`);
    return st;
  }
  // target is the state a changing request works on: a new clone with "fork".
  target(req, out) {
    let st = this.get(req.h);
    if (req.fork) { st = st.clone(); out.h = this.add(st); }
    for (const m of req.moves || []) st.apply(m);
    return st;
  }
  handle(req) {
    for (const h of req.free || []) this.states.delete(h);
    const g = this.game;
    switch (req.op) {
      case 'hello': return { protocol: VERSION, name: g.name, doc: g.doc, params: g.params };
      case 'init': return g.init(req.params || {});
      case 'new': { const st = g.newState(); return { h: this.add(st), s: info(st) }; }
      case 'apply': { const out = {}; out.s = info(this.target(req, out)); return out; }
      case 'playout': {
        const out = {};
        const st = this.target(req, out);
        if (req.start) out.start = info(st);
        const words = new Words(req.words);
        const r = playout(st, words, req.max_actions);
        out.played = r.played; out.used = words.i; out.done = r.done; out.s = info(st);
        return out;
      }
      case 'playouts': {
        if (!this.scratch) this.scratch = g.newState();
        const st = this.scratch;
        const games = req.games.map((game) => {
          st.reset();
          const words = new Words(game.words);
          const r = playout(st, words, req.max_actions);
          const out = { played: r.played, used: words.i, done: r.done, terminal: st.legal().length === 0 };
          if (out.terminal) out.winners = st.winners();
          return out;
        });
        return { games };
      }
      case 'free': return {};
      case 'move_text': return { text: this.get(req.h).moveText(req.move) };
      case 'text': return { text: this.get(req.h).text() };
      case 'cells': return { cells: this.get(req.h).cells() };
      case 'quantities': return { quantities: this.get(req.h).quantities() };
      default: throw new Error(`unknown op ${JSON.stringify(req.op)}`);
    }
  }
}

// serve answers requests until standard input closes.
function serve(game) {
  const fs = require('fs');
  const srv = new Server(game);
  let pending = '';
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    pending += buf.toString('utf8', 0, n);
    let out = '';
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let reply;
      try {
        reply = srv.handle(JSON.parse(line));
      } catch (e) {
        reply = { error: String(e && e.message || e) };
      }
      out += JSON.stringify(reply) + '\n';
    }
    if (out) writeAll(fs, out);
  }
}

function writeAll(fs, s) {
  const b = Buffer.from(s);
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

// splitmixWords is an endless word source for benchmarks without simpipe.
function splitmixWords(seed) {
  const w = new Words([]);
  let x = BigInt(seed);
  w.next = function next() {
    x = (x + 0x9E3779B97F4A7C15n) & MASK;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK;
    this.i++;
    return z ^ (z >> 31n);
  };
  return w;
}

module.exports = { VERSION, Words, OutOfWords, playout, serve, splitmixWords };
