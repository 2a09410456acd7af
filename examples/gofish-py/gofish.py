#!/usr/bin/env python3
"""Go Fish as a simpipe game process (protocol version 2, hidden
information): the rules, views and determinizations of game/gofish step for
step (OpenSpiel's go_fish: 52 cards, 13 ranks, 2 to 6 seats), so that a run
gives the same results digest as the built-in game, with random players and
with MCTS, which searches determinizations of the deciding seat's view.

  python3 gofish.py               serve the protocol on stdin/stdout
  python3 gofish.py --bench N     play N random 2-seat games in a plain loop

Moves: an ask is target*13 + rank (ranks 0-12, written a-m), written "1g"
(ask seat 1 for rank g); dealing and drawing are chance nodes whose outcome
is the rank drawn, weighted by the cards of it left in the deck.
"""

import sys
import time

import simpipe_game

RANKS, SUITS = 13, 4
MAX_PLAYERS = 6  # game.MaxPlayers: the public record has a row per possible seat
RECENT = 8  # asks the public record keeps in full
GREEDY_TRIES = 4  # randomized greedy deals before the max-flow deal

DEAL, ASK, FISH, EMPTY_DRAW, GAME_OVER = range(5)
PHASES = ("Deal", "Ask", "Fish", "EmptyDraw", "GameOver")


def letter(r):
    return chr(ord("a") + r)


def rank_counts(counts):
    return "".join(letter(r) + str(n) for r, n in enumerate(counts) if n > 0)


def move_text(phase, m):
    if phase == ASK:
        return str(m // RANKS) + letter(m % RANKS)
    return letter(m)


def asks(cur, players, held, count):
    """The asks of seat cur holding the ranks in the bit set held."""
    out = []
    for t in range(players):
        if t == cur or count[t] == 0:
            continue
        out += [t * RANKS + r for r in range(RANKS) if held >> r & 1]
    return out


def winners(books, players):
    best = max(books)
    w = [p for p in range(players) if books[p] == best]
    return [] if len(w) == players else w


class Public:
    """What every seat knows beyond the counts, from the asks and answers
    alone: the cards of each rank a seat is publicly known to hold, the
    ranks it is known to lack, and the last asks (asker, target, rank, got)."""

    __slots__ = ("known", "lacks", "asks", "recent")

    def __init__(self):
        self.known = [[0] * RANKS for _ in range(MAX_PLAYERS)]
        self.lacks = [0] * MAX_PLAYERS
        self.asks = 0
        self.recent = [(0, 0, 0, 0)] * RECENT

    def copy(self):
        c = Public.__new__(Public)
        c.known = [k[:] for k in self.known]
        c.lacks = self.lacks[:]
        c.asks = self.asks
        c.recent = self.recent[:]
        return c

    def ask(self, asker, target, rank, got):
        self.recent[self.asks % RECENT] = (asker, target, rank, got)
        self.asks += 1
        k = self.known[asker][rank] or 1
        self.known[asker][rank] = k + got
        self.lacks[asker] &= ~(1 << rank)
        self.known[target][rank] = 0
        self.lacks[target] |= 1 << rank

    def book(self, r):
        for i in range(MAX_PLAYERS):
            self.known[i][r] = 0
            self.lacks[i] &= ~(1 << r)

    def last(self):
        """The recent asks, oldest first."""
        n = min(self.asks, RECENT)
        return [self.recent[(self.asks - n + i) % RECENT] for i in range(n)]


class State:
    """A true position: every hand and the deck."""

    def __init__(self, players, initial):
        self.players, self.initial = players, initial
        self.reset()

    def reset(self):
        n = self.players
        self.hand = [[0] * RANKS for _ in range(n)]
        self.count = [0] * n
        self.held = [0] * n
        self.books = [0] * n
        self.owner = [-1] * RANKS
        self.pool = [SUITS] * RANKS
        self.pool_mask = (1 << RANKS) - 1
        self.pool_size = RANKS * SUITS
        self.booked = 0
        self.phase = DEAL
        self.cur = 0
        self.last_ask = 0
        self.pub = Public()

    def clone(self):
        c = State.__new__(State)
        c.__dict__.update(self.__dict__)
        c.hand = [h[:] for h in self.hand]
        c.count, c.held, c.books = self.count[:], self.held[:], self.books[:]
        c.owner, c.pool = self.owner[:], self.pool[:]
        c.pub = self.pub.copy()
        return c

    def to_move(self):
        return self.cur if self.phase in (ASK, GAME_OVER) else -1

    def legal(self):
        if self.phase == ASK:
            return asks(self.cur, self.players, self.held[self.cur], self.count)
        if self.phase == GAME_OVER:
            return []
        return [r for r in range(RANKS) if self.pool_mask >> r & 1]

    def weights(self):
        return [self.pool[r] for r in range(RANKS) if self.pool_mask >> r & 1]

    def apply(self, m):
        if m not in self.legal():
            raise ValueError("illegal move %r" % m)
        advance = False
        if self.phase == DEAL:
            p = 0
            while self.count[p] == self.initial:
                p += 1
            self.draw(p, m)
            if self.count[p] == self.initial and p == self.players - 1:
                self.phase, self.cur = ASK, 0
            self.check_book(p, m)
            return
        if self.phase == ASK:
            cur, t, r = self.cur, m // RANKS, m % RANKS
            got = self.hand[t][r]
            self.pub.ask(cur, t, r, got)
            if got > 0:
                self.hand[cur][r] += got
                self.count[cur] += got
                self.held[cur] |= 1 << r
                self.hand[t][r] = 0
                self.count[t] -= got
                self.held[t] &= ~(1 << r)
                self.check_book(cur, r)
            elif self.pool_size > 0:
                self.phase, self.last_ask = FISH, r
            else:
                advance = True
        else:  # FISH, EMPTY_DRAW
            cur, r = self.cur, m
            hit = self.phase == FISH and r == self.last_ask
            self.draw(cur, r)
            self.pub.lacks[cur] = 0
            if hit:
                self.pub.known[cur][r] += 1  # public: the asker goes on
            advance = self.phase == FISH and not hit
            self.phase = ASK
            self.check_book(cur, r)
        if self.phase != GAME_OVER and advance:
            self.cur = self.next(self.cur)
        if self.phase == ASK:
            self.check_empty_ask()

    def draw(self, p, r):
        self.pool[r] -= 1
        if self.pool[r] == 0:
            self.pool_mask &= ~(1 << r)
        self.pool_size -= 1
        self.hand[p][r] += 1
        self.count[p] += 1
        self.held[p] |= 1 << r

    def check_book(self, p, r):
        if self.hand[p][r] < SUITS:
            return
        self.hand[p][r] = 0
        self.count[p] -= SUITS
        self.held[p] &= ~(1 << r)
        self.books[p] += 1
        self.owner[r] = p
        self.pub.book(r)
        self.booked += 1
        if self.booked == RANKS:
            self.phase = GAME_OVER

    def check_empty_ask(self):
        if self.count[self.cur] == 0:
            if self.pool_size > 0:
                self.phase = EMPTY_DRAW
                return
            c = self.next(self.cur)
            while True:
                if c == self.cur:
                    raise RuntimeError("nobody holds cards in an unfinished game")
                if self.count[c] > 0:
                    self.cur = c
                    return
                c = self.next(c)
        for p in range(self.players):
            if p != self.cur and self.count[p] > 0:
                return
        self.phase = EMPTY_DRAW
        self.cur = self.next(self.cur)

    def next(self, p):
        return (p + 1) % self.players

    def winners(self):
        return winners(self.books, self.players) if self.phase == GAME_OVER else []

    def move_text(self, m):
        return move_text(self.phase, m)

    def text(self):
        lines = [PHASES[self.phase], str(self.cur)]
        for p in range(self.players):
            lines.append("%s:%d" % (rank_counts(self.hand[p]), self.books[p]))
        lines.append(rank_counts(self.pool))
        return "\n".join(lines) + "\n"

    def quantities(self):
        out = []
        for p in range(self.players):
            out += [self.count[p], self.books[p]]
        return out

    def view(self, seat):
        return View(self, seat)


class View:
    """What one seat may know: its own hand, every seat's hand size and
    books, the deck size and the public record. It copies nothing else from
    the state, so it cannot show other hands or the deck, and a
    determinization drawn from it cannot depend on them."""

    def __init__(self, st, seat):
        self.seat = seat
        self.own = st.hand[seat][:]
        self.count, self.books, self.owner = st.count[:], st.books[:], st.owner[:]
        self.pool_size, self.players, self.initial = st.pool_size, st.players, st.initial
        self.phase, self.cur = st.phase, st.cur
        self.pub = st.pub.copy()

    def to_move(self):
        return self.cur if self.phase in (ASK, GAME_OVER) else -1

    def terminal(self):
        return self.phase == GAME_OVER

    def legal(self):
        if self.phase != ASK or self.cur != self.seat:
            return []
        held = sum(1 << r for r, n in enumerate(self.own) if n > 0)
        return asks(self.cur, self.players, held, self.count)

    def winners(self):
        return winners(self.books, self.players) if self.phase == GAME_OVER else []

    def move_text(self, m):
        return move_text(self.phase, m)

    def quantities(self):
        out = []
        for p in range(self.players):
            out += [self.count[p], self.books[p]]
        return out

    def text(self):
        out = ["%s, seat %d to move; seat %d sees\nhand %s\n" % (
            PHASES[self.phase], self.cur, self.seat, rank_counts(self.own))]
        for p in range(self.players):
            out.append("seat %d: %d cards, %d books" % (p, self.count[p], self.books[p]))
            if self.books[p] > 0:
                out.append(" (%s)" % "".join(letter(r) for r, o in enumerate(self.owner) if o == p))
            if p != self.seat:
                if any(self.pub.known[p]):
                    out.append(", holds " + rank_counts(self.pub.known[p]))
                if self.pub.lacks[p]:
                    out.append(", lacks " + "".join(letter(r) for r in range(RANKS) if self.pub.lacks[p] >> r & 1))
            out.append("\n")
        out.append("deck %d\nasks %d" % (self.pool_size, self.pub.asks))
        for i, (asker, target, rank, got) in enumerate(self.pub.last()):
            out.append("%s %d%s>%d %d" % (":" if i == 0 else ",", asker, letter(rank), target, got))
        out.append("\n")
        return "".join(out)

    def determinize(self, words, tries=GREEDY_TRIES):
        """A true position this seat cannot tell from the real one, as
        gofish.View.DeterminizeInto deals it: the seat keeps its hand; every
        other seat gets its publicly known cards, then the rest of its count
        drawn from the unseen cards it may hold (greedily, the tightest seat
        first, up to tries times), else by a max-flow deal; the deck gets
        what is left."""
        s = State.__new__(State)
        s.players, s.initial = self.players, self.initial
        s.count, s.books, s.owner = self.count[:], self.books[:], self.owner[:]
        s.pool_size, s.phase, s.cur = self.pool_size, self.phase, self.cur
        s.pub = self.pub.copy()
        s.last_ask = 0
        if self.phase == FISH and self.pub.asks > 0:
            s.last_ask = self.pub.recent[(self.pub.asks - 1) % RECENT][2]
        s.booked = sum(1 for o in self.owner if o >= 0)
        d = Deal(self)
        hands = d.greedy(words, tries)
        if hands is None:
            hands = d.flow(words)
        s.hand = [self.own[:] if p == self.seat else hands[p] for p in range(self.players)]
        s.pool = d.left
        s.pool_mask = sum(1 << r for r in range(RANKS) if s.pool[r] > 0)
        s.held = [sum(1 << r for r in range(RANKS) if h[r] > 0) for h in s.hand]
        return s


class Deal:
    """The hidden part of a determinization: the unseen cards left once the
    publicly known ones are placed, and the room every other seat has."""

    def __init__(self, v):
        n, me = v.players, v.seat
        self.players, self.me = n, me
        self.rest = [SUITS - v.own[r] if v.owner[r] < 0 else 0 for r in range(RANKS)]
        self.free = [0] * n
        self.base = [[0] * RANKS for _ in range(n)]
        self.room = [[0] * RANKS for _ in range(n)]
        self.left = None
        for p in range(n):
            if p == me:
                continue
            self.free[p] = v.count[p]
            for r in range(RANKS):
                k = min(v.pub.known[p][r], self.rest[r], max(self.free[p], 0))
                self.base[p][r] = k
                self.rest[r] -= k
                self.free[p] -= k
                if not v.pub.lacks[p] >> r & 1 and k < SUITS - 1:
                    self.room[p][r] = SUITS - 1 - k

    def others(self):
        """The seats to deal, by slack (cards a seat may take less cards it
        needs), tightest first; ties keep seat order."""
        order, slack = [], {}
        for p in range(self.players):
            if p == self.me:
                continue
            slack[p] = sum(min(self.room[p][r], self.rest[r]) for r in range(RANKS)) - self.free[p]
            i = len(order)
            while i > 0 and slack[order[i - 1]] > slack[p]:
                i -= 1
            order.insert(i, p)
        return order

    def greedy(self, words, tries):
        order = self.others()
        n = len(order)
        for t in range(tries):
            if t > 0:
                for i in range(n - 1, 0, -1):
                    j = words.intn(i + 1)
                    order[i], order[j] = order[j], order[i]
            hands = [h[:] for h in self.base]
            rest = self.rest[:]
            ok = True
            for p in order:
                for _ in range(self.free[p]):
                    ranks = [r for r in range(RANKS)
                             if rest[r] > 0 and hands[p][r] - self.base[p][r] < self.room[p][r]]
                    if not ranks:
                        ok = False
                        break
                    r = ranks[words.weighted([rest[r] for r in ranks])]
                    hands[p][r] += 1
                    rest[r] -= 1
                if not ok:
                    break
            if ok:
                self.left = rest
                return hands
        return None

    def flow(self, words):
        """A maximum flow from ranks (rest[r] cards each) to seats (free[p]
        slots, room[p][r] per rank), one card per augmenting path, ranks
        entering the search in a random order."""
        n, me = self.players, self.me
        f = [[0] * RANKS for _ in range(n)]
        used = [0] * n
        sent = [0] * RANKS
        perm = [0] * RANKS
        for i in range(RANKS):
            j = words.intn(i + 1)
            perm[i], perm[j] = perm[j], i
        while True:
            prev_seat = [0] * RANKS
            prev_rank = [0] * n
            seen_r = [False] * RANKS
            seen_p = [False] * n
            queue = []
            for r in perm:
                if sent[r] < self.rest[r]:
                    seen_r[r], prev_seat[r] = True, -1
                    queue.append(r)
            end, head = -1, 0
            while head < len(queue) and end < 0:
                r = queue[head]
                head += 1
                for p in range(n):
                    if p == me or seen_p[p] or f[p][r] >= self.room[p][r]:
                        continue
                    seen_p[p], prev_rank[p] = True, r
                    if used[p] < self.free[p]:
                        end = p
                        break
                    for r2 in range(RANKS):
                        if not seen_r[r2] and f[p][r2] > 0:
                            seen_r[r2], prev_seat[r2] = True, p
                            queue.append(r2)
            if end < 0:
                break
            used[end] += 1
            p = end
            while True:
                r = prev_rank[p]
                f[p][r] += 1
                q = prev_seat[r]
                if q < 0:
                    sent[r] += 1
                    break
                f[q][r] -= 1
                p = q
        hands = [h[:] for h in self.base]
        left = self.rest[:]
        for p in range(n):
            if p == me:
                continue
            for r in range(RANKS):
                hands[p][r] += f[p][r]
                left[r] -= f[p][r]
            # A view from a real game always has a full flow; otherwise give
            # the seat its count from what is left, keeping the state well formed.
            r = 0
            while used[p] < self.free[p] and r < RANKS:
                while used[p] < self.free[p] and left[r] > 0 and hands[p][r] < SUITS - 1:
                    hands[p][r] += 1
                    left[r] -= 1
                    used[p] += 1
                r += 1
        self.left = left
        return hands


class GoFish:
    name = "gofish"
    doc = "Go Fish, 52 cards, ask a seat for a rank, books of four, most books wins (Python game process, OpenSpiel rules)"
    params = [{"name": "players", "doc": "number of seats", "default": 2, "min": 2, "max": MAX_PLAYERS}]

    def init(self, p):
        self.players = p["players"]
        self.initial = 7 if self.players == 2 else 5
        return {"players": self.players, "move_bits": 7,
                "structure": {"topology": 0, "quantities": ["hand", "books"], "hidden": True,
                              "chance": True, "goals": ["collect"]}}

    def new_state(self):
        return State(self.players, self.initial)


def bench(n):
    words = simpipe_game.splitmix_words(1)
    st = State(2, 7)
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
        simpipe_game.serve(GoFish())
