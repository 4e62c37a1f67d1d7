package rpcstdio_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpcstdio"
)

// pipes serves srv over operating system pipes, as a plug-in's stdin and stdout would be,
// and returns the client's ends.
func pipes(t *testing.T, srv *openrpc.Server) (io.ReadCloser, io.WriteCloser) {
	t.Helper()
	inR, inW, err := os.Pipe() // client -> server
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe() // server -> client
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- rpcstdio.Serve(ctx, srv, inR, outW, nil)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return outR, inW
}

func TestTransport_stdio(t *testing.T) {
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "stdio",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			r, w := pipes(t, srv)
			return rpcstdio.NewClient(r, w, nil)
		},
		Dial: func(t *testing.T, srv *openrpc.Server) openrpc.Conn {
			r, w := pipes(t, srv)
			return rpcstdio.NewConn(r, w, nil)
		},
		// A peer closing its end of stdin has finished sending: calls in flight complete
		// and are answered, as a plug-in host expects.
		Cancels: false,
	})
}

func TestConn_oversizedLineIsSkipped(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxRequestBytes: 100}})
	openrpctest.RegisterSpecMethods(srv)
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","method":"subtract","params":[3,1],"id":1}`,
		`{"jsonrpc":"2.0","method":"sum","params":[` + strings.Repeat("1,", 100000) + `1],"id":2}`,
		``,
		`{"jsonrpc":"2.0","method":"subtract","params":[5,1],"id":3}`,
	}, "\n") // the last line has no newline
	var out strings.Builder
	if err := rpcstdio.Serve(context.Background(), srv, strings.NewReader(in), &out, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := map[string]bool{
		`{"jsonrpc":"2.0","result":2,"id":1}`: true,
		`{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the size limit"}},"id":null}`: true,
		`{"jsonrpc":"2.0","result":4,"id":3}`: true,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for _, l := range lines {
		if !want[l] {
			t.Errorf("unexpected line %s", l)
		}
	}
}

// TestMain lets the test binary act as a plug-in: with RPCSTDIO_PLUGIN=1 it serves the spec
// methods on its stdin and stdout.
func TestMain(m *testing.M) {
	if os.Getenv("RPCSTDIO_PLUGIN") == "1" {
		srv := openrpc.NewServer(openrpc.Info{Title: "plugin", Version: "1"}, nil)
		openrpctest.RegisterSpecMethods(srv)
		openrpc.Register(srv, openrpc.Method{Name: "pid"}, func(context.Context, struct{}) (int, error) { return os.Getpid(), nil })
		if err := rpcstdio.Serve(context.Background(), srv, os.Stdin, os.Stdout, nil); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestClient_subprocess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RPCSTDIO_PLUGIN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := rpcstdio.NewClient(stdout, stdin, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pid, err := openrpc.Call[int](ctx, c, "pid", nil)
	if err != nil || pid != cmd.Process.Pid {
		t.Errorf("pid: got %d, %v; want the subprocess's %d", pid, err, cmd.Process.Pid)
	}
	if got, err := openrpc.Call[float64](ctx, c, "sum", []int{1, 2, 4}); err != nil || got != 7 {
		t.Errorf("sum: got %v, %v; want 7", got, err)
	}
	// Closing stdin ends the plug-in cleanly.
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("plug-in exit: %v", err)
	}
	if _, err := openrpc.Call[int](ctx, c, "pid", nil); !errors.Is(err, openrpc.ErrClientClosed) && err == nil {
		t.Errorf("call after the plug-in exited: got %v, want an error", err)
	}
}

// Regression: Serve on a silent stdin did not return when its context ended, because a
// blocked read of os.Stdin cannot be interrupted.
func TestServe_returnsWhenContextEnds(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() // held open and silent, like a host that sends nothing
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	// A reader that cannot be closed, as a blocked read of os.Stdin cannot be interrupted.
	stdin := struct{ io.Reader }{r}
	go func() { done <- rpcstdio.Serve(ctx, srv, stdin, io.Discard, nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}
