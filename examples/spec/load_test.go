package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad_memory floods the spec server, as a separate process, with concurrent bodies of
// 4.9 MiB and reports its peak resident memory and how the requests were answered. It takes
// a few seconds and a gigabyte of memory without the server's memory bound, so it runs only
// when asked:
//
//	OPENRPC_LOAD=300 go test -run TestLoad_memory -v ./examples/spec
//
// OPENRPC_LOAD is the number of concurrent requests; OPENRPC_LOAD_SERVER may name a spec
// server binary to measure instead of one built from this tree.
func TestLoad_memory(t *testing.T) {
	var n int
	if _, err := fmt.Sscan(os.Getenv("OPENRPC_LOAD"), &n); err != nil || n <= 0 {
		t.Skip("set OPENRPC_LOAD to the number of concurrent requests to run this load test")
	}
	bin := os.Getenv("OPENRPC_LOAD_SERVER")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "spec")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr)
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(logs)
	for sc.Scan() && !strings.Contains(sc.Text(), "serving") { // the server listens
	}
	go io.Copy(io.Discard, logs)
	url := "http://" + addr + "/api/v1"

	head := `{"jsonrpc":"2.0","method":"subtract","params":{"minuend":"`
	tail := `","subtrahend":1},"id":1}`
	body := []byte(head + strings.Repeat("x", 49<<20/10-len(head)-len(tail)) + tail)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}}
	var (
		mu       sync.Mutex
		statuses = map[string]int{}
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range n {
		wg.Go(func() {
			status := "error"
			resp, err := client.Post(url, "application/json", bytes.NewReader(body))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.Status
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "VmRSS:") {
			t.Log(line)
		}
	}
	t.Logf("%d requests of %d bytes in %v: %v", n, len(body), elapsed.Round(time.Millisecond), statuses)
}
