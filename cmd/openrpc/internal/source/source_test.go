package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func TestLoad(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "hello"}, func(ctx context.Context, p struct{}) (string, error) { return "hi", nil })
	mux := http.NewServeMux()
	mux.Handle("/api", rpchttp.NewHandler(srv, nil))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	mux.HandleFunc("/notadoc", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"a":1}`)) })
	ts := httptest.NewServer(mux)
	defer ts.Close()
	file := filepath.Join(t.TempDir(), "doc.json")
	doc, _ := srv.DocumentJSON()
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{ts.URL + "/api", ts.URL + "/openrpc.json", "ws" + strings.TrimPrefix(ts.URL, "http") + "/api", file} {
		b, err := Load(ctx, name, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(string(b), `"hello"`) {
			t.Fatalf("%s: %s", name, b)
		}
	}
	b, err := Load(ctx, "-", &Options{Stdin: strings.NewReader(string(doc))})
	if err != nil || !strings.Contains(string(b), `"hello"`) {
		t.Fatalf("stdin: %v %s", err, b)
	}
	for name, want := range map[string]string{
		ts.URL + "/notadoc":                "not an OpenRPC document",
		ts.URL + "/missing":                "404",
		filepath.Join(t.TempDir(), "nope"): "no such file",
		"http://127.0.0.1:1/unreachable":   "connection refused",
	} {
		if _, err := Load(ctx, name, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
	}
}

// TestLoadTimeout reads from services that never answer, over HTTP and WebSocket, and from
// one that sends part of its answer: Load gives up after Options.Timeout with an error that
// says so, instead of waiting for ever.
func TestLoadTimeout(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/partial", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"openrpc": "1.3.2", `))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer close(release)
	// A WebSocket service that reads calls and never answers.
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			if _, _, err := c.Read(r.Context()); err != nil {
				return
			}
		}
	}))
	defer ws.Close()
	for _, name := range []string{ts.URL + "/hang", ts.URL + "/partial", "ws" + strings.TrimPrefix(ws.URL, "http")} {
		_, err := Load(context.Background(), name, &Options{Timeout: 200 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
			t.Errorf("%s: got %v, want no answer within 200ms", name, err)
		}
	}
}

// TestLoadRedirects: a document URL that redirects to the same host is followed with the
// headers; one that redirects to another host is refused, and that host sees nothing
// (regression: --header values such as X-Api-Key went on to it).
func TestLoadRedirects(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "hello"}, func(ctx context.Context, p struct{}) (string, error) { return "hi", nil })
	var elsewhere []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere = append(elsewhere, r.Header.Get("X-Api-Key"))
		rpchttp.NewDocumentHandler(srv).ServeHTTP(w, r)
	}))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/openrpc.json", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "secret" {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		rpchttp.NewDocumentHandler(srv).ServeHTTP(w, r)
	})
	mux.Handle("/old.json", http.RedirectHandler("/openrpc.json", http.StatusMovedPermanently))
	mux.Handle("/moved.json", http.RedirectHandler(other.URL+"/openrpc.json", http.StatusFound))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	opts := &Options{Header: http.Header{"X-Api-Key": {"secret"}}}
	if b, err := Load(t.Context(), ts.URL+"/old.json", opts); err != nil || !strings.Contains(string(b), `"hello"`) {
		t.Errorf("same-host redirect: %v %.100s", err, b)
	}
	_, err := Load(t.Context(), ts.URL+"/moved.json", opts)
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("redirect to another host: %v, want it refused", err)
	}
	if len(elsewhere) != 0 {
		t.Errorf("the other host got %q", elsewhere)
	}
}
