// Package ui serves simpipe's live dashboard (simpipe ui): one or more
// checkpoint DBs side by side in a browser. A live run is read through its
// process's live socket (pipeline.QueryLive) and pushed to the page with
// server-sent events: progress, games per second, ETA, jobs by state,
// commits per second and failures as they happen. A stopped DB is opened
// read-only for a moment at a time, so that a run can start on it any
// time: its report (package report) and any stored game replayed move by
// move are a click away. Two actions, each requiring the token printed at
// start in a request header: retry the failed jobs and stop a live run as
// Ctrl-C would.
//
// The page is plain HTML with a little JavaScript, built with html/template
// and embed: no external script, style sheet or font, no build step. Every
// string that comes from a game or a DB (names, notation, boards, errors)
// reaches the page escaped, by html/template or as DOM text.
package ui
