package cli

// Help texts: kong shows them under each command's --help. Every command
// gets examples a user can paste.

func (*runCmd) Help() string {
	return `Creates the run when the DB file does not exist and resumes it when it does:
the stored configuration wins, a flag that contradicts it is refused, and a
larger --games extends the run. Ctrl-C stops issuing games, commits what is
done and exits with code 130; run the same command again to resume.

Examples:
  simpipe run --db night.db --game connect4 --games 1000000
  simpipe run --db night.db                       # resume after a crash or Ctrl-C
  simpipe run --db night.db --games 5000000       # extend to 5M games
  simpipe run --db hex.db --game hex:size=7 --games 10000 --players mcts:iterations=200+random
  SIMPIPE_WORKERS=8 simpipe run --db night.db     # every flag has a SIMPIPE_* variable`
}

func (*inspectCmd) Help() string {
	return `Prints the run's configuration, job counts by state, outcome aggregates,
failures and results_digest. On a DB a run is writing, it shows that run's
live progress instead of waiting for the file.

Examples:
  simpipe inspect night.db
  simpipe inspect --json night.db | jq .results_digest
  simpipe inspect --stage train-002 train.db`
}

func (*showCmd) Help() string {
	return `Examples:
  simpipe show --db night.db --game-index 42
  simpipe show --db train.db --stage train-001 --game-index 0`
}

func (*gamesCmd) Help() string {
	return `Examples:
  simpipe games
  simpipe games --json`
}

func (*trainCmd) Help() string {
	return `Each iteration plays --games-per-iteration games as a checkpointed stage of the
DB, then fits a logistic model of the outcome on features of sampled
positions. Killed at any point, the same command resumes, and the final model
is byte-identical to an uninterrupted run's.

Examples:
  simpipe train --db c4.db --game connect4 --iterations 2 --games-per-iteration 5000 -o c4.json
  simpipe train --db oth.db --game othello --iterations 1 --games-per-iteration 20000 --players random -o oth.json`
}

func (*evalCmd) Help() string {
	return `Plays games in pairs with the seats swapped, both sides under the same budget.

Examples:
  simpipe eval --ai c4.json --player greedy --vs random --games 1000
  simpipe eval --ai c4.json --player ai:iterations=200 --vs mcts:iterations=200 --games 1000 --db eval.db
  simpipe eval --ai c4.json --vs mcts:iterations=200 --games 20000 --sprt 0,30,0.05,0.05 --json`
}

func (*perftCmd) Help() string {
	return `Examples:
  simpipe perft --game checkers --depth 8
  simpipe perft --game othello --depth 5 --divide`
}

func (*exportCmd) Help() string {
	return `Examples:
  simpipe export night.db --format parquet -o games.parquet
  simpipe export night.db --format csv --features -o states.csv
  simpipe export night.db --format jsonl | head`
}

func (*jobsCmd) Help() string {
	return `Examples:
  simpipe jobs night.db --state failed
  simpipe jobs night.db --state failed --json --stack`
}

func (*retryCmd) Help() string {
	return `Marks failed jobs pending again; the next 'simpipe run' on the DB plays their
failed games, exactly once.

Examples:
  simpipe retry night.db --failed && simpipe run --db night.db
  simpipe retry night.db --job 17`
}

func (*compactCmd) Help() string {
	return `Examples:
  simpipe compact night.db
  simpipe compact night.db -o night-small.db`
}

func (*reportCmd) Help() string {
	return `Writes one self-contained HTML file (inline SVG plots, no network needed).

Examples:
  simpipe report night.db -o night.html
  simpipe report train.db -o train.html`
}
