// Package testbin builds the simpipe binary, with the test games, for tests
// that run it as a real subprocess.
package testbin

import (
	"fmt"
	"os/exec"
	"path/filepath"
)

// Build compiles cmdDir (the path of cmd/simpipe from the calling test's
// package directory) with the testgames tag into dir/simpipe and returns
// that path; a failed build's error carries the compiler's output.
func Build(dir, cmdDir string) (string, error) {
	bin := filepath.Join(dir, "simpipe")
	if out, err := exec.Command("go", "build", "-tags", "testgames", "-o", bin, cmdDir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("building simpipe: %v\n%s", err, out)
	}
	return bin, nil
}
