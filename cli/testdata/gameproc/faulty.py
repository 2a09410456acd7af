#!/usr/bin/env python3
"""The Python connect four game process with one planted fault, for
cli/exec_test.go. FAULT picks it: kill (SIGKILL itself), garbage (a line
that is not JSON), protocol (a JSON reply without the position), hang
(never answers), exit (exits with status 3 after writing to stderr), none.
With PID_DIR set, each process leaves a file pid-PID there.

The fault strikes at the FAULT_AT-th playout, playouts or apply request of a process,
at most FAULT_TIMES times in all: each strike leaves a file in FAULT_DIR.
"""

import os
import signal
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "examples", "connect4-py"))

import connect4  # noqa: E402
import simpipe_game  # noqa: E402

if os.environ.get("PID_DIR"):
    open(os.path.join(os.environ["PID_DIR"], "pid-%d" % os.getpid()), "w").close()
fault = os.environ.get("FAULT", "none")
at = int(os.environ.get("FAULT_AT", "20"))
times = int(os.environ.get("FAULT_TIMES", "3"))
fdir = os.environ.get("FAULT_DIR", "")
seen = 0


def strike():
    """Claims one of the FAULT_TIMES strikes; False when none is left."""
    for i in range(times):
        try:
            fd = os.open(os.path.join(fdir, "strike-%d" % i), os.O_CREAT | os.O_EXCL)
            os.close(fd)
            return True
        except FileExistsError:
            continue
    return False


class Faulty(simpipe_game.Server):
    def handle(self, req):
        global seen
        if fault != "none" and req["op"] in ("playout", "playouts", "apply"):
            seen += 1
            if seen == at and strike():
                sys.stderr.write("faulty: %s at request %d of pid %d\n" % (fault, seen, os.getpid()))
                sys.stderr.flush()
                if fault == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                if fault == "exit":
                    sys.exit(3)
                if fault == "hang":
                    time.sleep(3600)
                if fault == "garbage":
                    return "GARBAGE"
                if fault == "protocol":
                    return {"played": [], "used": 0}
        return super().handle(req)


def serve():
    srv = Faulty(connect4.Connect4())
    import json
    for line in sys.stdin.buffer:
        out = srv.handle(json.loads(line))
        if out == "GARBAGE":
            sys.stdout.write("}}} this is not a reply {{{\n")
        else:
            sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


serve()
