// Package exampletest builds and runs the repository's example services (examples/NAME)
// for tests in any module of the repository: real processes on loopback.
package exampletest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var servingRE = regexp.MustCompile(`url=http://([^/\s"]+)/api/v1`)

// RepoRoot returns the repository root: the nearest directory above the working directory
// holding go.work.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the working directory: run the tests from the repository")
		}
		dir = parent
	}
}

// Build builds examples/NAME into a temporary directory and returns the binary's path.
func Build(t testing.TB, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-o", bin, "./examples/"+name)
	build.Dir = RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/%s: %v\n%s", name, err, out)
	}
	return bin
}

// Start builds and runs examples/NAME on 127.0.0.1 with a free port, env added to its
// environment, and returns its base URL ("http://127.0.0.1:PORT") once it logs where it
// serves JSON-RPC (/api/v1). The process is interrupted when the test ends.
func Start(t testing.TB, name string, env []string, args ...string) string {
	t.Helper()
	bin := Build(t, name)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting examples/%s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	addr := make(chan string, 1)
	var mu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if ok {
			t.Logf("examples/%s at http://%s", name, a)
			return "http://" + a
		}
	case <-time.After(60 * time.Second):
	}
	mu.Lock()
	defer mu.Unlock()
	t.Fatalf("examples/%s did not report its address (a log line with url=http://ADDR/api/v1); its output:\n%s", name, log.String())
	return ""
}

// StartAuth runs examples/auth on a fresh SQLite file with the cheapest bcrypt cost and an
// administrator root:root-password-1, and returns its base URL.
func StartAuth(t testing.TB, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "auth.db")
	return Start(t, "auth", []string{"AUTH_ADMIN=root:root-password-1", "AUTH_SECRET_KEY="},
		append([]string{"-db", db, "-bcrypt-cost", "4"}, args...)...)
}
