package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// jobsCmd lists a stage's jobs, optionally of one state.
type jobsCmd struct {
	File  string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	State string `enum:"all,pending,in-flight,done,failed" default:"all" help:"Only jobs in this state: pending, in-flight (live runs only), done or failed; or all."`
	Stage string `default:"run" help:"Stage whose jobs to list ('run' for simpipe run)."`
	JSON  bool   `help:"Print one JSON object (stable keys, for scripts); failed games include their stacks."`
	Stack bool   `help:"Print the stack of each failed game."`
	Limit int    `default:"0" help:"List at most this many jobs (0: all); the totals still count every match."`
}

// jobsReport is the output of 'jobs --json'. Its keys are a stable
// interface.
type jobsReport struct {
	Stage string `json:"stage"`
	State string `json:"state"` // the filter: a state, or all
	// Matched counts the jobs in the requested state; Jobs holds at most
	// --limit of them, and Truncated says whether some were left out.
	Matched   uint64    `json:"matched"`
	Truncated bool      `json:"truncated"`
	Jobs      []jobInfo `json:"jobs"`
}

type jobInfo struct {
	ID        uint64 `json:"id"`
	FirstGame uint64 `json:"first_game"`
	Games     uint32 `json:"games"`
	State     string `json:"state"`
	Attempts  uint32 `json:"attempts"`
	LastError string `json:"last_error,omitempty"`
	// Failures lists the games that failed on every attempt (for a
	// pending job: the failures of a reissued job, still to be replayed).
	Failures []gameFailure `json:"failures,omitempty"`
}

type gameFailure struct {
	Game     uint64 `json:"game"`
	Attempts uint32 `json:"attempts"`
	Error    string `json:"error"`
	Stack    string `json:"stack,omitempty"`
}

// stateName is the CLI's name for a job state.
func stateName(s store.JobState) string {
	if s == store.InFlight {
		return "in-flight"
	}
	return s.String()
}

func (c *jobsCmd) Validate() error {
	if c.Limit < 0 {
		return fmt.Errorf("--limit %d is negative", c.Limit)
	}
	return nil
}

func (c *jobsCmd) Run(s *streams) error {
	db, err := openReadOnly(s, c.File, func(lockErr error) error { return liveErr(c.File, lockErr) })
	if err != nil {
		return err
	}
	defer db.Close()
	noteRecovery(s, db)

	rep := jobsReport{Stage: c.Stage, State: c.State, Jobs: []jobInfo{}}
	err = db.Stage(c.Stage).Jobs(func(id uint64, rec *store.JobRecord) bool {
		if c.State != "all" && stateName(rec.State) != c.State {
			return true
		}
		rep.Matched++
		if c.Limit > 0 && len(rep.Jobs) >= c.Limit {
			rep.Truncated = true
			return true // keep counting
		}
		j := jobInfo{ID: id, FirstGame: rec.First, Games: rec.Count, State: stateName(rec.State), Attempts: rec.Attempts}
		for _, f := range rec.Failures {
			j.Failures = append(j.Failures, gameFailure{f.Index, f.Attempts, f.Error, f.Stack})
			j.LastError = f.Error
		}
		rep.Jobs = append(rep.Jobs, j)
		return true
	})
	if err != nil {
		return noRunErr(db, c.File, c.Stage, err)
	}
	if c.JSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	c.print(s, &rep)
	return nil
}

// print writes the report as a table, each job's failed games indented
// below it.
func (c *jobsCmd) print(s *streams, rep *jobsReport) {
	what := "jobs"
	if rep.State != "all" {
		what = rep.State + " jobs"
	}
	if rep.State == "in-flight" {
		// Only a running process has jobs in flight, and it holds the DB.
		fmt.Fprintf(s.out, "0 in-flight jobs: no process is running on %s\n", c.File)
		return
	}
	if rep.Matched == 0 {
		fmt.Fprintf(s.out, "no %s in stage %s\n", what, rep.Stage)
		return
	}
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFIRST GAME\tGAMES\tSTATE\tATTEMPTS\tLAST ERROR")
	for _, j := range rep.Jobs {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%d\t%s\n", j.ID, j.FirstGame, j.Games, j.State, j.Attempts, oneLine(j.LastError))
	}
	tw.Flush()
	for _, j := range rep.Jobs {
		if len(j.Failures) == 0 {
			continue
		}
		fmt.Fprintf(s.out, "job %d (%s): %d failed games\n", j.ID, j.State, len(j.Failures))
		for _, f := range j.Failures {
			fmt.Fprintf(s.out, "  game %d: %d attempts: %s\n", f.Game, f.Attempts, oneLine(f.Error))
			if c.Stack && f.Stack != "" {
				fmt.Fprintf(s.out, "%s\n", prefixLines(f.Stack, "    "))
			}
		}
	}
	if rep.Truncated {
		fmt.Fprintf(s.out, "(%d of %d %s shown; raise --limit to see more)\n", len(rep.Jobs), rep.Matched, what)
	} else {
		fmt.Fprintf(s.out, "%d %s\n", rep.Matched, what)
	}
}

// liveErr reports that a running process holds the DB (exit 2), with the
// counts its live status socket gives.
func liveErr(file string, lockErr error) error {
	live, err := pipeline.QueryLive(file, time.Second)
	if err != nil {
		return openErr(lockErr)
	}
	return usageErr(fmt.Errorf("%s: the run is live (pid %d): %d jobs in flight (live), %d of %d games done; job details are available once it stops",
		file, live.PID, live.JobsInFlight, live.GamesDone, live.GamesTotal))
}

// oneLine returns the first line of s, marking that more was cut.
func oneLine(s string) string {
	if first, _, cut := strings.Cut(s, "\n"); cut {
		return first + " …"
	}
	return s
}

// prefixLines prefixes every line of s.
func prefixLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
