#!/usr/bin/env python3
"""Pig as a game process with the rules, move codes and parameters of
game/pig, so that its games, chance nodes included, equal the built-in
game's (gameproc_test.go). Roll is 0, stop 1; a die outcome m is face m+1."""

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "examples", "connect4-py"))

import simpipe_game  # noqa: E402


class State:
    def __init__(self, g):
        self.g = g
        self.reset()

    def reset(self):
        self.scores = [0] * self.g.players
        self.total = 0
        self.decisions = 0
        self.turn = 0
        self.rolling = False
        self.over = False
        self.winner = -1

    def clone(self):
        c = State.__new__(State)
        c.__dict__.update(self.__dict__)
        c.scores = self.scores[:]
        return c

    def legal(self):
        if self.over:
            return []
        if self.rolling:
            return list(range(self.g.dice))
        if self.scores[self.turn] + self.total >= self.g.target:
            return [1]
        return [0, 1]

    def to_move(self):
        return -1 if self.rolling else self.turn

    def weights(self):
        return [1] * self.g.dice

    def next(self):
        self.turn = (self.turn + 1) % self.g.players

    def apply(self, m):
        if m not in self.legal():
            raise ValueError("illegal move %r" % m)
        if self.rolling:
            self.rolling = False
            if m == 0:
                self.total = 0
                self.next()
            else:
                self.total += m + 1
            return
        self.decisions += 1
        if m == 0:
            self.rolling = True
        else:
            self.scores[self.turn] += self.total
            self.total = 0
            if self.scores[self.turn] >= self.g.target:
                self.over, self.winner = True, self.turn
            self.next()
        if self.g.horizon > 0 and self.decisions >= self.g.horizon:
            self.over = True

    def winners(self):
        return [self.winner] if self.over and self.winner >= 0 else []

    def move_text(self, m):
        if self.rolling:
            return "Roll %d" % (m + 1)
        return "roll" if m == 0 else "stop"

    def text(self):
        s = "Scores: " + " ".join(str(x) for x in self.scores)
        s += ", Turn total: %d\nCurrent player: %d" % (self.total, self.turn)
        return s + (" (rolling)" if self.rolling else "") + "\n"

    def quantities(self):
        out = []
        for seat in range(self.g.players):
            out += [self.scores[seat], self.total if seat == self.turn else 0]
        return out


class Pig:
    name = "pig"
    doc = "Pig dice game (Python game process, test copy of game/pig)"
    params = [
        {"name": "players", "doc": "number of seats", "default": 2, "min": 2, "max": 6},
        {"name": "target", "doc": "banked score that wins", "default": 100, "min": 1, "max": 1000},
        {"name": "horizon", "doc": "decisions after which the game is a draw, 0 for none", "default": 0, "min": 0, "max": 1 << 20},
        {"name": "dice", "doc": "faces of the die", "default": 6, "min": 2, "max": 20},
    ]

    def init(self, p):
        self.players, self.target = p["players"], p["target"]
        self.horizon, self.dice = p["horizon"], p["dice"]
        return {"players": self.players, "move_bits": (self.dice - 1).bit_length(),
                "structure": {"topology": 0, "quantities": ["score", "turn_total"],
                              "chance": True, "goals": ["race"]}}

    def new_state(self):
        return State(self)


simpipe_game.serve(Pig())
