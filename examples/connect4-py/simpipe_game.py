"""The simpipe game-process protocol, versions 1 and 2, for games written in
Python. Version 2 adds hidden information: views and determinizations.

Copy this file next to your rules and call serve(YourGame()). It reads one
JSON request per line on standard input and writes one JSON reply per line
on standard output (docs/game-protocol.md in simpipe). Write logs to
standard error only. The loop ends when standard input closes.

Your game object provides:
  name, doc            strings
  params               list of {"name", "doc", "default", "min", "max"}
  init(params)         -> {"players", "move_bits", "structure"}; params: {name: int}
  new_state()          -> a state
A state provides:
  clone(), reset(), apply(move), legal() -> list of int (fixed order),
  to_move() -> seat or -1 at a chance node, winners() -> seats at the end
  (the game is over exactly when legal() is empty),
  weights() -> positive ints, one per legal outcome (chance games only),
  move_text(move), text(), cells() -> [seat, piece, ...] per cell (-1: empty),
  quantities() -> [q0 of seat 0, q1 of seat 0, ..., q0 of seat 1, ...]
and, for a game whose structure says "hidden" (protocol version 2),
  view(seat) -> what seat may know, an object built from the public part
  of the state and seat's own part only, providing
    to_move(), legal() (seat's moves when it is to move, else []),
    terminal(), winners(), move_text(move), text(), quantities(), cells(),
    determinize(words) -> a new state consistent with the view, drawn from
      words (Words) only; it may raise OutOfWords, and must depend on
      nothing but the view and the words.
"""

import json
import sys

VERSION = 2  # the newest version this file speaks; it speaks 1 too
MASK = (1 << 64) - 1


class OutOfWords(Exception):
    """Raised when a draw needs more random words than the request carried."""


class Words:
    """Draws from simpipe's random words exactly as game.RNG does."""

    def __init__(self, words):
        self.w = words
        self.i = 0

    def next(self):
        if self.i >= len(self.w):
            raise OutOfWords()
        x = self.w[self.i]
        self.i += 1
        return x

    def uint64n(self, n):
        """Lemire's bounded draw: game.RNG.uint64n."""
        m = self.next() * n
        lo = m & MASK
        if lo < n:
            thresh = ((1 << 64) - n) % n
            while lo < thresh:
                m = self.next() * n
                lo = m & MASK
        return m >> 64

    def intn(self, n):
        return self.uint64n(n)

    def weighted(self, weights):
        x = self.uint64n(sum(weights))
        for i, w in enumerate(weights):
            if x < w:
                return i
            x -= w
        raise ValueError("no positive weight")


def playout(st, words, max_actions=None):
    """Plays st on between uniform players: legal[intn(len)] at a decision,
    legal[weighted(weights)] at a chance node, stopping at the end, after
    max_actions moves, or before a draw the words cannot pay for.
    Returns (played moves, done)."""
    played = []
    while True:
        legal = st.legal()
        if not legal or (max_actions is not None and len(played) >= max_actions):
            return played, True
        save = words.i
        try:
            if st.to_move() == -1:
                m = legal[words.weighted(st.weights())]
            else:
                m = legal[words.intn(len(legal))]
        except OutOfWords:
            words.i = save
            return played, False
        st.apply(m)
        played.append(m)


def info(st):
    legal = st.legal()
    out = {"to_move": -2 if not legal else st.to_move(), "legal": legal,
           "terminal": not legal}
    if not legal:
        out["winners"] = st.winners()
    elif out["to_move"] == -1:
        out["weights"] = st.weights()
    return out


def view_info(v):
    """The position info of a view: legal may be empty before the end."""
    if v.terminal():
        return {"to_move": -2, "legal": [], "terminal": True, "winners": v.winners()}
    return {"to_move": v.to_move(), "legal": v.legal(), "terminal": False}


def words_of(req):
    return Words([int(w, 16) for w in req["words"]])


class Server:
    def __init__(self, game):
        self.game = game
        self.states = {}
        self.next = 1

    def add(self, st):
        h = self.next
        self.next += 1
        self.states[h] = st
        return h

    def target(self, req):
        """The state a changing request works on: a new clone with "fork"."""
        st = self.states[req["h"]]
        if req.get("fork"):
            st = st.clone()
            return st, {"h": self.add(st)}
        return st, {}

    def handle(self, req):
        for h in req.get("free", ()):
            self.states.pop(h, None)
        op = req["op"]
        g = self.game
        if op == "hello":
            # A version 1 simpipe sends only "protocol": 1.
            offered = req.get("max_protocol", req.get("protocol", 1))
            return {"protocol": min(VERSION, offered), "name": g.name, "doc": g.doc, "params": g.params}
        if op == "init":
            return g.init(req.get("params", {}))
        if op == "new":
            st = g.new_state()
            return {"h": self.add(st), "s": info(st)}
        if op == "apply":
            st, out = self.target(req)
            for m in req.get("moves", ()):
                st.apply(m)
            out["s"] = info(st)
            return out
        if op == "playout":
            st, out = self.target(req)
            for m in req.get("moves", ()):
                st.apply(m)
            if req.get("start"):
                out["start"] = info(st)
            words = words_of(req)
            played, done = playout(st, words, req.get("max_actions"))
            out.update(played=played, used=words.i, done=done, s=info(st))
            return out
        if op == "playouts":
            st = self.scratch = getattr(self, "scratch", None) or g.new_state()
            games = []
            for game in req["games"]:
                st.reset()
                words = Words([int(w, 16) for w in game["words"]])
                played, done = playout(st, words, req.get("max_actions"))
                out = {"played": played, "used": words.i, "done": done, "terminal": not st.legal()}
                if out["terminal"]:
                    out["winners"] = st.winners()
                games.append(out)
            return {"games": games}
        if op == "free":
            return {}
        st = self.states[req["h"]]
        if op == "determinize":
            words = words_of(req)
            try:
                d = st.view(req["seat"]).determinize(words)
            except OutOfWords:
                return {"done": False}
            return {"h": self.add(d), "s": info(d), "used": words.i, "done": True}
        if "seat" in req:  # a question about the seat's view
            st = st.view(req["seat"])
            if op == "view":
                return {"s": view_info(st)}
        if op == "move_text":
            return {"text": st.move_text(req["move"])}
        if op == "text":
            return {"text": st.text()}
        if op == "cells":
            return {"cells": st.cells()}
        if op == "quantities":
            return {"quantities": st.quantities()}
        raise ValueError("unknown op %r" % op)


def serve(game, stdin=None, stdout=None):
    """Answers requests until standard input closes."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout
    srv = Server(game)
    for line in stdin:
        try:
            out = srv.handle(json.loads(line))
        except Exception as e:  # a bad request: say so, simpipe restarts us
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        stdout.write(json.dumps(out, separators=(",", ":")))
        stdout.write("\n")
        stdout.flush()


def splitmix_words(seed):
    """An endless word source for benchmarks and tests without simpipe."""
    class Endless(Words):
        def __init__(self, x):
            super().__init__([])
            self.x = x

        def next(self):
            self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
            z = self.x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.i += 1
            return z ^ (z >> 31)
    return Endless(seed)
