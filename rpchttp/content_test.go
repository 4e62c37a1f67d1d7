package rpchttp_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf16"

	"github.com/openrpc-go/openrpc/rpchttp"
)

// Bodies the server cannot read as UTF-8 JSON (compressed, or in another charset) get 415
// with the reason, not a parse error or a call decoded wrong.
func TestHandler_unreadableBodies(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, createCall)
	zw.Close()
	var u16 bytes.Buffer
	for _, c := range utf16.Encode([]rune(createCall)) {
		u16.Write([]byte{byte(c >> 8), byte(c)})
	}
	for _, tt := range []struct {
		name, contentType, encoding string
		body                        []byte
		want                        int
		wantMsg                     string
	}{
		{"gzip", "application/json", "gzip", gz.Bytes(), 415, `unsupported Content-Encoding "gzip": send the body uncompressed`},
		{"GZIP", "application/json", "GZIP", gz.Bytes(), 415, `unsupported Content-Encoding "GZIP"`},
		{"deflate", "", "deflate", []byte(createCall), 415, `unsupported Content-Encoding "deflate"`},
		{"identity then gzip", "application/json", "identity, gzip", gz.Bytes(), 415, `unsupported Content-Encoding "gzip"`},
		{"identity", "application/json", "identity", []byte(createCall), 200, ""},
		{"utf-16", "application/json; charset=utf-16", "", u16.Bytes(), 415, `unsupported charset "utf-16": JSON-RPC bodies must be UTF-8`},
		{"UTF-16BE", "application/json; charset=UTF-16BE", "", u16.Bytes(), 415, `unsupported charset "UTF-16BE"`},
		{"latin-1", "application/json; charset=iso-8859-1", "", []byte(createCall), 415, `unsupported charset "iso-8859-1"`},
		{"charset on a form", "application/x-www-form-urlencoded; charset=windows-1252", "", []byte(createCall), 415, `unsupported charset "windows-1252"`},
		{"quoted UTF-8", `application/json; charset="UTF-8"`, "", []byte(createCall), 200, ""},
		{"utf-8", "application/json-rpc;charset=utf-8", "", []byte(createCall), 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), nil))
			defer ts.Close()
			req, _ := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.encoding != "" {
				req.Header.Set("Content-Encoding", tt.encoding)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want || !strings.Contains(string(body), tt.wantMsg) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tt.want, tt.wantMsg)
			}
			if want := map[bool]int64{true: 1}[tt.want == 200]; calls.Load() != want {
				t.Errorf("%d calls ran, want %d", calls.Load(), want)
			}
			if tt.want == 415 && tt.encoding != "" && resp.Header.Get("Accept-Encoding") != "identity" {
				t.Errorf("Accept-Encoding %q, want identity", resp.Header.Get("Accept-Encoding"))
			}
		})
	}
}
