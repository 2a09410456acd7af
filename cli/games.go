package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gameproc"
)

type gamesCmd struct {
	JSON bool `help:"Print JSON instead of text."`
}

func (c *gamesCmd) Run(reg *game.Registry, s *streams) error {
	type paramOut struct {
		Name    string `json:"name"`
		Doc     string `json:"doc,omitempty"`
		Default int    `json:"default"`
		Min     int    `json:"min"`
		Max     int    `json:"max"`
	}
	type gameOut struct {
		Name   string     `json:"name"`
		Doc    string     `json:"doc"`
		Spec   string     `json:"spec"`
		Params []paramOut `json:"params"`
		// Command and Error are set for game processes (exec:NAME).
		Command []string `json:"command,omitempty"`
		Error   string   `json:"error,omitempty"`
	}
	var out []gameOut
	for _, d := range reg.Defs() {
		g, err := reg.New(d.Name)
		if err != nil {
			return err
		}
		o := gameOut{Name: d.Name, Doc: d.Doc, Spec: g.Spec(), Params: []paramOut{}}
		for _, p := range d.Params {
			o.Params = append(o.Params, paramOut{p.Name, p.Doc, p.Default, p.Min, p.Max})
		}
		out = append(out, o)
	}
	if res, ok := reg.Resolver(gameproc.Prefix).(*gameproc.Resolver); ok {
		for _, l := range res.List() {
			o := gameOut{Name: gameproc.Prefix + ":" + l.Name, Doc: l.Doc, Spec: gameproc.Prefix + ":" + l.Name, Params: []paramOut{}, Command: l.Command}
			if l.Err != nil {
				o.Error = l.Err.Error()
			}
			for _, p := range l.Params {
				o.Params = append(o.Params, paramOut{p.Name, p.Doc, p.Default, p.Min, p.Max})
			}
			out = append(out, o)
		}
	}
	if c.JSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, g := range out {
		fmt.Fprintf(s.out, "%-14s %s\n", g.Name, g.Doc)
		if g.Error != "" {
			fmt.Fprintf(s.out, "%14s   error: %s\n", "", g.Error)
		}
		for _, p := range g.Params {
			fmt.Fprintf(s.out, "%14s   %s=%d (%d..%d) %s\n", "", p.Name, p.Default, p.Min, p.Max, p.Doc)
		}
	}
	var kinds []string
	for _, k := range ai.Kinds() {
		kinds = append(kinds, k.Name)
	}
	fmt.Fprintf(s.out, "\nplayers: %s\nspec: name or name:key=value,... e.g. %q\n", strings.Join(kinds, ", "), "connect4")
	return nil
}
