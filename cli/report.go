package cli

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/simpipe/simpipe/internal/atomicfile"
	htmlreport "github.com/simpipe/simpipe/report"
)

type reportCmd struct {
	File   string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Output string `short:"o" required:"" help:"Where to write the HTML report ('-' for standard output)." placeholder:"FILE"`
	Stage  string `help:"Report only this stage (default: every stage in the DB; see 'simpipe inspect')." placeholder:"NAME"`
}

func (c *reportCmd) Run(s *streams) error {
	db, err := openReadOnly(s, c.File, nil) // a live run: openErr's message
	if err != nil {
		return err
	}
	defer db.Close()
	noteRecovery(s, db)
	data, err := htmlreport.Gather(db, htmlreport.Options{Stage: c.Stage, Version: Version})
	if errors.Is(err, htmlreport.ErrNoStage) {
		return usageErr(fmt.Errorf("%s: %w", c.File, err))
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := htmlreport.Render(&buf, data); err != nil {
		return err
	}
	if c.Output == "-" {
		_, err := buf.WriteTo(s.out)
		return err
	}
	return atomicfile.WriteFile(c.Output, buf.Bytes())
}
