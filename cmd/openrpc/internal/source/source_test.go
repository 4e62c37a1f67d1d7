package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
