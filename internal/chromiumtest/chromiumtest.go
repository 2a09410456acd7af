// Package chromiumtest finds headless Chromium for the tests that check
// pages in a real browser (the report, the dashboard).
package chromiumtest

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns Chromium's path. Without Chromium the test is skipped on a
// developer's machine; CI sets SIMPIPE_REQUIRE_CHROMIUM=1 (and installs
// it), so there a missing Chromium fails the test instead.
func Need(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("SIMPIPE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("Chromium is required (SIMPIPE_REQUIRE_CHROMIUM=1) but not installed")
	}
	t.Skip("Chromium is not installed (apt-get install chromium)")
	return ""
}
