package openrpctest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/openrpc-go/openrpc/internal/golden"
)

// CheckGolden compares the JSON document got, indented, with the golden file at path, or
// rewrites the file when update is true (wire it to a -update test flag). A difference
// fails the test showing the first line that differs.
func CheckGolden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	buf.WriteByte('\n')
	golden.Check(t, path, buf.Bytes(), update)
}
