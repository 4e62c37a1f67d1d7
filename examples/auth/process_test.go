package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the command into a temporary directory, once per test binary run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "auth-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "auth")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := buildBinary(); err == nil && bin != "" {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// process is the built command running as a child process.
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done is closed
}

var servingLine = regexp.MustCompile(`msg="serving JSON-RPC" url=(http://\S+/api/v1)`)

// startProcess runs the built command on db, on a loopback port, and waits until it serves.
// The process is killed at the end of the test if it still runs.
func startProcess(t *testing.T, db string, env ...string) *process {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", db, "-bcrypt-cost", testCost)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: new(syncBuffer), done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.logs, line)
			if m := servingLine.FindStringSubmatch(line); m != nil {
				urlc <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	select {
	case p.url = <-urlc:
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start within 60s:\n%s", p.logs)
	}
	return p
}

// TestDurability kills the server (SIGKILL) while sign-ups stream in. After a restart every
// acknowledged sign-up is there, and SQLite's integrity check passes.
func TestDurability(t *testing.T) {
	t.Parallel()
	db := sqlitePath(t)
	p := startProcess(t, db)

	var (
		mu    sync.Mutex
		acked []string
	)
	const streams = 4
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for w := range streams {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil && i < 10000; i++ {
				name := fmt.Sprintf("user-%d-%d", w, i)
				r, err := tryCall(ctx, p.url, "sign_up", Credentials{Username: name, Password: "password " + name})
				if err != nil {
					return // the server is gone
				}
				if r.Error != nil {
					t.Errorf("sign_up %s: %v", name, r.Error)
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		})
	}
	// Kill it once a good number of sign-ups are acknowledged, with more in flight.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 || ctx.Err() != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	<-p.done
	mu.Lock()
	names := acked
	mu.Unlock()
	if len(names) < 200 {
		t.Fatalf("only %d sign-ups were acknowledged before the kill", len(names))
	}
	t.Logf("%d sign-ups acknowledged before SIGKILL", len(names))

	p = startProcess(t, db)
	for _, name := range names {
		// Taken means it is there; the pre-check answers without bcrypt.
		wantError(t, call(t, p.url, "", "sign_up", Credentials{Username: name, Password: "another password"}), codeUsernameTaken, "")
	}
	for _, name := range []string{names[0], names[len(names)/2], names[len(names)-1]} {
		signIn(t, p.url, name, "password "+name)
	}
	// SIGTERM: a graceful shutdown, exit status 0.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("after SIGTERM: %v\n%s", p.err, p.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop within 30s of SIGTERM")
	}

	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("PRAGMA integrity_check: got %q %v, want ok", check, err)
	}
	var users int
	if err := conn.QueryRow(`SELECT count(*) FROM users`).Scan(&users); err != nil || users < len(names) {
		t.Errorf("got %d users %v, want at least the %d acknowledged", users, err, len(names))
	}
}

// tryCall is call without failing the test: the server may be gone.
func tryCall(ctx context.Context, endpoint, method string, params any) (reply, error) {
	r, err := rpcOverHTTP(ctx, endpoint, "", method, params)
	if err != nil {
		return reply{}, err
	}
	if r.Error == nil && r.Result == nil {
		return reply{}, errors.New("empty response")
	}
	return r, nil
}
