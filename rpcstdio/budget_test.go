package rpcstdio_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcstdio"
)

// Lines count against the server's Limits.MaxTotalRequestBytes: past it a line is skipped
// and answered with -32004, reading goes on, and nothing stays reserved at the end.
func TestServe_memoryBound(t *testing.T) {
	const size = 1000
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{
		MaxRequestBytes: size + 10, MaxTotalRequestBytes: 2*size + 1, // +1: a line's newline
	}})
	started, release := make(chan struct{}, 10), make(chan struct{})
	openrpc.Register(srv, openrpc.Method{Name: "hold"}, func(ctx context.Context, _ []string) (bool, error) {
		started <- struct{}{}
		<-release
		return true, nil
	})
	line := func(id int) string {
		head := fmt.Sprintf(`{"jsonrpc":"2.0","method":"hold","id":%d,"params":["`, id)
		return head + strings.Repeat("x", size-len(head)-3) + "\"]}\n"
	}
	inR, inW := io.Pipe()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR.SetReadDeadline(time.Now().Add(20 * time.Second)) // a failing test must not hang
	served := make(chan error, 1)
	go func() { served <- rpcstdio.Serve(context.Background(), srv, inR, outW, nil); outW.Close() }()
	replies := bufio.NewScanner(outR)

	for i := range 2 {
		io.WriteString(inW, line(i))
		<-started
	}
	if got := srv.Reserved(); got != 2*size {
		t.Errorf("reserved %d bytes, want %d", got, 2*size)
	}
	io.WriteString(inW, line(2))
	if !replies.Scan() || !strings.Contains(replies.Text(), `"code":-32004`) {
		t.Fatalf("got %q, want a -32004 error", replies.Text())
	}
	close(release)
	for range 2 {
		if !replies.Scan() || !strings.Contains(replies.Text(), `"result":true`) {
			t.Fatalf("got %q, want a result", replies.Text())
		}
	}
	io.WriteString(inW, line(3)) // accepted again
	inW.Close()
	if !replies.Scan() || !strings.Contains(replies.Text(), `"result":true`) {
		t.Fatalf("got %q, want a result", replies.Text())
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if got := srv.Reserved(); got != 0 {
		t.Errorf("%d bytes still reserved", got)
	}
}
