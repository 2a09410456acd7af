package cli

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"
)

// TestDigestIndependentOfChunkAndWorkers runs one configuration with
// several chunk sizes (7, 100 and the automatic one, timed on the first
// games) and worker counts, through the binary, and compares the results
// digests: game i depends on (config, i) only, never on how the games are
// grouped into jobs or spread over simulators.
func TestDigestIndependentOfChunkAndWorkers(t *testing.T) {
	const games = 20000
	type variant struct{ chunk, workers string }
	var first string
	for _, v := range []variant{{"7", "1"}, {"100", "2"}, {"", "8"}} {
		db := filepath.Join(t.TempDir(), "c.db")
		args := []string{"run", "--db", db, "--game", "connect4", "--games", "20000", "--seed", "9", "--workers", v.workers, "--progress", "none"}
		if v.chunk != "" {
			args = append(args, "--chunk", v.chunk)
		}
		if r := simpipe(t, nil, args...); r.code != 0 {
			t.Fatalf("chunk %q, workers %s: exit %d: %s", v.chunk, v.workers, r.code, r.stderr)
		}
		out := simpipe(t, nil, "inspect", "--json", db)
		var rep struct {
			Config struct {
				ChunkSize int `json:"chunk_size"`
			} `json:"config"`
			GamesDone     uint64            `json:"games_done"`
			JobsByState   map[string]uint64 `json:"jobs_by_state"`
			ResultsDigest string            `json:"results_digest"`
		}
		if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil || out.code != 0 {
			t.Fatalf("inspect: exit %d, %v: %s", out.code, err, out.stderr)
		}
		chunk := rep.Config.ChunkSize
		if (v.chunk == "" && (chunk == 7 || chunk == 100)) || (v.chunk != "" && v.chunk != strconv.Itoa(chunk)) {
			t.Fatalf("chunk %q: the run used chunks of %d", v.chunk, chunk)
		}
		if jobs := uint64((games + chunk - 1) / chunk); rep.GamesDone != games || rep.JobsByState["done"] != jobs {
			t.Fatalf("chunk %d, workers %s: %d games done in %d jobs, want %d in %d", chunk, v.workers, rep.GamesDone, rep.JobsByState["done"], games, jobs)
		}
		t.Logf("chunk %d, workers %s: digest %s", chunk, v.workers, rep.ResultsDigest)
		if first == "" {
			first = rep.ResultsDigest
		} else if rep.ResultsDigest != first {
			t.Fatalf("chunk %d, workers %s: digest %s differs from the first run's %s", chunk, v.workers, rep.ResultsDigest, first)
		}
	}
}
