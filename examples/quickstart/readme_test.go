// Package quickstart_test checks that the README's quickstart is the code of
// examples/quickstart, which the test run compiles and vets, so the README cannot drift
// into code that does not build.
package quickstart_test

import (
	"os"
	"strings"
	"testing"
)

func TestREADMEShowsTheseFiles(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"server/main.go", "client/main.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// From the package clause on: the file's own doc comment is not in the README.
		code := string(src[strings.Index(string(src), "package main"):])
		if !strings.Contains(string(readme), "```go\n"+code+"```\n") {
			t.Errorf("README.md has no go block with the code of examples/quickstart/%s from its package clause on; copy it there:\n%s", file, code)
		}
	}
}
