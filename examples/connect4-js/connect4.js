#!/usr/bin/env node
// Connect Four 7x6 as a simpipe game process: the rules of game/connect4
// (moves are columns 0-6, x is seat 0 and moves first), so that a run gives
// the same results digest as the built-in game.
//
//   node connect4.js               serve the protocol on stdin/stdout
//   node connect4.js --bench N     play N random games in a plain loop
'use strict';

const sg = require('./simpipe-game.js');

const COLS = 7, ROWS = 6, STRIDE = 7;
const FULL = (1 << COLS) - 1;

// Each seat's discs are a BigInt bitboard of 49 bits, bit col*7+height with
// one sentinel bit per column, as in game/connect4.
function bit(col, h) { return col * STRIDE + h; }

// connected reports four in a row: vertically (shift 1), horizontally (7)
// or diagonally (6, 8).
function connected(b) {
  for (const d of [1n, 7n, 6n, 8n]) {
    const m = b & (b >> d);
    if ((m & (m >> (2n * d))) !== 0n) return true;
  }
  return false;
}

class State {
  constructor() { this.reset(); }
  reset() {
    this.discs = [0n, 0n];
    this.height = [0, 0, 0, 0, 0, 0, 0];
    this.open = FULL;
    this.turn = 0;
    this.winner = -1;
    this.over = false;
  }
  clone() {
    const c = Object.create(State.prototype);
    c.discs = this.discs.slice();
    c.height = this.height.slice();
    c.open = this.open; c.turn = this.turn; c.winner = this.winner; c.over = this.over;
    return c;
  }
  legal() {
    const out = [];
    if (this.over) return out;
    for (let c = 0; c < COLS; c++) if (this.open & (1 << c)) out.push(c);
    return out;
  }
  toMove() { return this.turn & 1; }
  apply(m) {
    if (this.over || !Number.isInteger(m) || m < 0 || m >= COLS || !(this.open & (1 << m))) {
      throw new Error(`illegal move ${m}`);
    }
    const p = this.turn & 1;
    this.discs[p] |= 1n << BigInt(bit(m, this.height[m]));
    if (++this.height[m] === ROWS) this.open &= ~(1 << m);
    this.turn++;
    if (connected(this.discs[p])) { this.over = true; this.winner = p; }
    else if (this.turn === ROWS * COLS) this.over = true;
  }
  winners() { return this.over && this.winner >= 0 ? [this.winner] : []; }
  moveText(m) { return 'xo'[this.turn & 1] + m; }
  cell(i) {
    const r = Math.floor(i / COLS), c = i % COLS;
    const b = 1n << BigInt(bit(c, ROWS - 1 - r));
    if (this.discs[0] & b) return 0;
    if (this.discs[1] & b) return 1;
    return -1;
  }
  cells() {
    const out = [];
    for (let i = 0; i < ROWS * COLS; i++) out.push(this.cell(i), 0);
    return out;
  }
  text() {
    let s = '';
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLS; c++) s += '.xo'[this.cell(r * COLS + c) + 1];
      s += '\n';
    }
    return s;
  }
}

const connect4 = {
  name: 'connect4',
  doc: 'Connect Four, 7 columns x 6 rows (JavaScript game process)',
  params: [],
  init() {
    return { players: 2, move_bits: 3, structure: { topology: 1, rows: ROWS, cols: COLS, pieces: ['disc'], goals: ['line'] } };
  },
  newState() { return new State(); },
};

function bench(n) {
  const words = sg.splitmixWords(1);
  const st = new State();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { st.reset(); sg.playout(st, words); }
  const dt = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`${n} games in ${dt.toFixed(3)}s: ${Math.round(n / dt)} games/s`);
}

if (process.argv[2] === '--bench') bench(Number(process.argv[3]));
else sg.serve(connect4);
