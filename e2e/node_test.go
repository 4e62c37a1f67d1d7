package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nodeWith returns the path of node once the npm package pkg is installed in dir (npm ci
// --prefix e2e/DIR), skipping the test otherwise, or failing it under CI=true.
func nodeWith(t *testing.T, dir, pkg string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg)))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or %s missing under CI: %v (run npm ci --prefix e2e/%s)", pkg, err, dir)
		}
		t.Skipf("node or %s not installed (npm ci --prefix e2e/%s): %v", pkg, dir, err)
	}
	return node
}
