package rpchttp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func newTestServer(t *testing.T, opts *rpchttp.HandlerOptions) *httptest.Server {
	t.Helper()
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpctest.RegisterSpecMethods(srv)
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) (string, error) {
		c := openrpc.CallerFrom(ctx)
		if c == nil {
			return "", errors.New("no caller")
		}
		if _, ok := c.Value.(*http.Request); !ok {
			return "", errors.New("caller value is not the *http.Request")
		}
		return c.Transport + " " + c.Get("X-Token") + " " + fmt.Sprint(strings.HasPrefix(c.RemoteAddr, "127.0.0.1:")), nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, opts))
	t.Cleanup(ts.Close)
	return ts
}

func TestHandler_specVectors(t *testing.T) {
	ts := newTestServer(t, nil)
	openrpctest.RunSpecVectors(t, func(t *testing.T, req []byte) []byte {
		resp, err := http.Post(ts.URL, "application/json", bytes.NewReader(req))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if want := map[bool]int{true: 204, false: 200}[len(body) == 0]; resp.StatusCode != want {
			t.Errorf("status %d with body %q, want %d", resp.StatusCode, body, want)
		}
		return body
	})
}

func TestHandler_callerDetails(t *testing.T) {
	ts := newTestServer(t, nil)
	req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(`{"jsonrpc":"2.0","method":"whoami","id":1}`))
	req.Header.Set("x-token", "abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := openrpctest.EqualJSON([]byte(`{"jsonrpc":"2.0","result":"http abc true","id":1}`), body); err != nil {
		t.Error(err)
	}
}

// endless is a body that never ends; it counts what was read of it.
type endless struct{ n atomic.Int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	if e.n.Add(int64(len(p))) > 1<<30 {
		return 0, io.EOF
	}
	return len(p), nil
}

func TestHandler_bodyOverLimitWithoutLength(t *testing.T) {
	const limit = 1 << 20
	ts := newTestServer(t, &rpchttp.HandlerOptions{MaxRequestBytes: limit})
	body := &endless{}
	req, _ := http.NewRequest(http.MethodPost, ts.URL, body) // no Content-Length: chunked
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
		got, _ := io.ReadAll(resp.Body)
		if !bytes.Contains(got, []byte(`"code":-32003`)) {
			t.Errorf("body %s, want a -32003 error", got)
		}
	}
	// The server stopped reading near the limit, far short of the 1 GiB offered (what was
	// sent beyond the limit sits in socket buffers).
	if n := body.n.Load(); n > 64<<20 {
		t.Errorf("the client sent %d bytes before the server refused the body", n)
	}
	// And it keeps serving.
	resp2, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"subtract","params":[3,1],"id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	got, _ := io.ReadAll(resp2.Body)
	if err := openrpctest.EqualJSON([]byte(`{"jsonrpc":"2.0","result":2,"id":1}`), got); err != nil {
		t.Error(err)
	}
}

func TestHandler_declaredLengthOverLimit(t *testing.T) {
	ts := newTestServer(t, &rpchttp.HandlerOptions{MaxRequestBytes: 10})
	resp, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"get_data","id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	want := `{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the limit of 10 bytes"}},"id":null}`
	if resp.StatusCode != http.StatusRequestEntityTooLarge || string(got) != want {
		t.Errorf("got %d %s, want 413 %s", resp.StatusCode, got, want)
	}
}

func TestHandler_methodsAndContentTypes(t *testing.T) {
	ts := newTestServer(t, nil)
	call := `{"jsonrpc":"2.0","method":"get_data","id":1}`
	for _, tt := range []struct {
		method, contentType string
		want                int
	}{
		{http.MethodPost, "application/json", 200},
		{http.MethodPost, "Application/JSON; charset=UTF-8", 200},
		{http.MethodPost, "application/json-rpc", 200},
		{http.MethodPost, "application/jsonrequest", 200},
		{http.MethodPost, "application/x-www-form-urlencoded", 200},
		{http.MethodPost, "", 200},
		{http.MethodPost, "text/plain", 415},
		{http.MethodPost, "multipart/form-data; boundary=x", 415},
		{http.MethodPost, "application/json; charset", 415},
		{http.MethodGet, "", 405},
		{http.MethodPut, "application/json", 405},
		{http.MethodDelete, "", 405},
	} {
		t.Run(tt.method+" "+tt.contentType, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL, strings.NewReader(call))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func ExampleNewHandler() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p struct {
		A int `json:"a"`
		B int `json:"b"`
	}) (int, error) {
		return p.A + p.B, nil
	})
	mux := http.NewServeMux()
	mux.Handle("/api/v1", rpchttp.NewHandler(srv, nil))
	ts := httptest.NewServer(mux) // in a program: http.ListenAndServe(":8080", mux)
	defer ts.Close()

	resp, err := http.Post(ts.URL+"/api/v1", "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 200 {"jsonrpc":"2.0","result":5,"id":1}
}
