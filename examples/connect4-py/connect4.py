#!/usr/bin/env python3
"""Connect Four 7x6 as a simpipe game process: the rules of game/connect4
(moves are columns 0-6, x is seat 0 and moves first), so that a run gives
the same results digest as the built-in game.

  python3 connect4.py               serve the protocol on stdin/stdout
  python3 connect4.py --bench N     play N random games in a plain loop
"""

import sys
import time

import simpipe_game

COLS, ROWS, STRIDE = 7, 6, 7
FULL = (1 << COLS) - 1
DIRS = (1, STRIDE, STRIDE - 1, STRIDE + 1)


def connected(b):
    for d in DIRS:
        m = b & (b >> d)
        if m & (m >> (2 * d)):
            return True
    return False


class State:
    __slots__ = ("discs", "height", "open", "turn", "winner", "over")

    def __init__(self):
        self.reset()

    def reset(self):
        self.discs = [0, 0]
        self.height = [0] * COLS
        self.open = FULL
        self.turn = 0
        self.winner = -1
        self.over = False

    def clone(self):
        c = State.__new__(State)
        c.discs = self.discs[:]
        c.height = self.height[:]
        c.open, c.turn, c.winner, c.over = self.open, self.turn, self.winner, self.over
        return c

    def legal(self):
        if self.over:
            return []
        return [c for c in range(COLS) if self.open >> c & 1]

    def to_move(self):
        return self.turn & 1

    def apply(self, m):
        if self.over or not (0 <= m < COLS) or not self.open >> m & 1:
            raise ValueError("illegal move %r" % m)
        p = self.turn & 1
        self.discs[p] |= 1 << (m * STRIDE + self.height[m])
        self.height[m] += 1
        if self.height[m] == ROWS:
            self.open &= ~(1 << m)
        self.turn += 1
        if connected(self.discs[p]):
            self.over, self.winner = True, p
        elif self.turn == ROWS * COLS:
            self.over = True

    def winners(self):
        return [self.winner] if self.over and self.winner >= 0 else []

    def move_text(self, m):
        return "%s%d" % ("xo"[self.turn & 1], m)

    def cell(self, i):
        r, c = divmod(i, COLS)
        bit = 1 << (c * STRIDE + ROWS - 1 - r)
        if self.discs[0] & bit:
            return 0
        if self.discs[1] & bit:
            return 1
        return -1

    def cells(self):
        out = []
        for i in range(ROWS * COLS):
            out += (self.cell(i), 0)
        return out

    def text(self):
        rows = []
        for r in range(ROWS):
            rows.append("".join(".xo"[self.cell(r * COLS + c) + 1] for c in range(COLS)))
        return "\n".join(rows) + "\n"


class Connect4:
    name = "connect4"
    doc = "Connect Four, 7 columns x 6 rows (Python game process)"
    params = []

    def init(self, params):
        return {"players": 2, "move_bits": 3, "structure": {
            "topology": 1, "rows": ROWS, "cols": COLS,
            "pieces": ["disc"], "goals": ["line"]}}

    def new_state(self):
        return State()


def bench(n):
    words = simpipe_game.splitmix_words(1)
    st = State()
    t = time.perf_counter()
    for _ in range(n):
        st.reset()
        simpipe_game.playout(st, words)
    dt = time.perf_counter() - t
    print("%d games in %.3fs: %.0f games/s" % (n, dt, n / dt))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bench":
        bench(int(sys.argv[2]))
    else:
        simpipe_game.serve(Connect4())
