package faults

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// measurement is one run's figures.
type measurement struct {
	label         string
	games         int
	wall          time.Duration
	coordCPU      time.Duration // user + system of the coordinator process
	serverCPU     time.Duration
	republished   int
	localGamesSec float64 // of the workload's local run, for the ratio
}

func (m measurement) row() string {
	rate := float64(m.games) / m.wall.Seconds()
	ratio := ""
	if m.localGamesSec > 0 {
		ratio = fmt.Sprintf("%3.0f %%", 100*rate/m.localGamesSec)
	}
	return fmt.Sprintf("| %-52s | %8.0f | %6s | %6.1f s | %8.1f µs | %8.1f µs |", m.label, rate, ratio, m.wall.Seconds(),
		float64(m.coordCPU.Microseconds())/float64(m.games), float64(m.serverCPU.Microseconds())/float64(m.games))
}

// procCPU returns the user and system time of a live process.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// measure plays args on the cluster's four workers, each with one
// simulator, behind delayMs each way, with a fresh DB, and checks the
// digest against want.
func (c *natsCluster) measure(t *testing.T, label string, args []string, lease time.Duration, delayMs int, want string, workerArgs ...string) measurement {
	t.Helper()
	for _, w := range c.workers {
		c.setDelay(w, delayMs, delayMs/10)
	}
	for i := range c.workers {
		c.startWorker(i, workerArgs...)
	}
	for _, w := range c.ws {
		w.waitFor(t, "pulling jobs|waiting for a coordinator", 30*time.Second)
	}
	db := filepath.Join(c.dir, fmt.Sprintf("tp-%d.db", len(c.allCoords)))
	c.coArgs = c.runArgs(db, lease, args)
	srv0 := procCPU(c.srv.cmd.Process.Pid)
	c.startCoordinator()
	if code := c.co.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("%s: coordinator exit %d:\n%s", label, code, c.co.output())
	}
	srv := procCPU(c.srv.cmd.Process.Pid) - srv0
	c.stopWorkers(t)
	games, wall := played(t, c.co.output())
	if r, ok := inspect(db); !ok || r.ResultsDigest != want {
		t.Fatalf("%s: digest %s, local run %s", label, r.ResultsDigest, want)
	}
	st := c.co.cmd.ProcessState
	return measurement{label: label, games: games, wall: wall, coordCPU: st.UserTime() + st.SystemTime(), serverCPU: srv, republished: coordStats(t, c.co)[1]}
}

// TestThroughput measures games per second across namespaces (issue #14
// item 3): four workers of one simulator each, with no delay and behind
// 50 ms each way (RTT +100 ms), against a local run of four simulators, for
// a short-game workload (random connect four, default chunks) and a
// long-game one (MCTS connect four, four games a job); the coordinator's
// and the server's CPU per game; and what --lease and --chunk cost behind
// the delay. The figures go to the log (make fault-campaign).
func TestThroughput(t *testing.T) {
	if os.Getenv("SIMPIPE_FAULTS") != "full" {
		t.Skip("throughput figures: SIMPIPE_FAULTS=full (make fault-campaign)")
	}
	c := newCluster(t, 4, 1)
	type workload struct {
		name  string
		args  []string
		chunk string // "" for the default
	}
	withChunk := func(args []string, chunk string) []string {
		if chunk == "" {
			return args
		}
		return append(append([]string(nil), args...), "--chunk", chunk)
	}
	short := workload{"short games: connect4 random, default chunk", []string{"--game", "connect4", "--games", "400000", "--seed", "3", "--progress", "none"}, ""}
	long := workload{"long games: connect4 mcts:iterations=200, chunk 4", []string{"--game", "connect4", "--players", "mcts:iterations=200,random",
		"--games", "6000", "--seed", "3", "--progress", "none"}, "4"}
	var rows []measurement
	local := func(w workload, chunk string) (float64, string) {
		db := filepath.Join(c.dir, fmt.Sprintf("local-%d.db", len(rows)))
		args := append([]string{"run", "--db", db, "--workers", "4"}, withChunk(w.args, chunk)...)
		cmd := exec.Command(bin, args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("local run: %v\n%s", err, out)
		}
		games, wall := played(t, string(out))
		r, _ := inspect(db)
		st := cmd.ProcessState
		label := "local, --workers 4: " + w.name
		if chunk != w.chunk {
			label = fmt.Sprintf("local, --workers 4, --chunk %s: long games", chunk)
		}
		rows = append(rows, measurement{label: label, games: games, wall: wall, coordCPU: st.UserTime() + st.SystemTime()})
		return float64(games) / wall.Seconds(), r.ResultsDigest
	}
	only := os.Getenv("SIMPIPE_THROUGHPUT") // "prefetch": only the rows of --prefetch
	for _, w := range []workload{short, long} {
		if only != "" {
			break
		}
		rate, digest := local(w, w.chunk)
		for _, d := range []int{0, 50} {
			m := c.measure(t, fmt.Sprintf("4 workers, %d ms each way: %s", d, w.name), withChunk(w.args, w.chunk), 2*time.Minute, d, digest)
			m.localGamesSec = rate
			rows = append(rows, m)
		}
	}
	// What --lease and --chunk cost, behind 50 ms, on the long games.
	rate, digest := local(long, long.chunk)
	for _, lease := range []time.Duration{time.Second, 5 * time.Second} {
		if only != "" {
			break
		}
		m := c.measure(t, fmt.Sprintf("4 workers, 50 ms, --lease %s: long games", lease), withChunk(long.args, long.chunk), lease, 50, digest)
		m.localGamesSec = rate
		rows = append(rows, m)
	}
	for _, chunk := range []string{"1", "16"} {
		if only != "" {
			break
		}
		r, d := local(long, chunk)
		m := c.measure(t, fmt.Sprintf("4 workers, 50 ms, --chunk %s: long games", chunk), withChunk(long.args, chunk), 2*time.Minute, 50, d)
		m.localGamesSec = r
		rows = append(rows, m)
	}
	// What --prefetch buys behind 50 ms: jobs held ahead of the simulator,
	// so that the round trips to fetch jobs and publish results overlap
	// with play.
	for _, prefetch := range []string{"8", "32"} {
		m := c.measure(t, fmt.Sprintf("4 workers, 50 ms, --prefetch %s: long games", prefetch), withChunk(long.args, long.chunk), 2*time.Minute, 50, digest, "--prefetch", prefetch)
		m.localGamesSec = rate
		rows = append(rows, m)
	}
	var b strings.Builder
	b.WriteString("\n| run | games/s | of local | wall | coordinator CPU/game | server CPU/game |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, m := range rows {
		b.WriteString(m.row() + "\n")
	}
	t.Log(b.String())
}
