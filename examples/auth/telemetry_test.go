package main

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestMetrics scrapes the Prometheus endpoint after some calls and finds the call counts
// and the duration histogram per method and outcome; the request log has every call.
func TestMetrics(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t), "-metrics-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`msg="serving metrics" url=(\S+)`).FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatalf("no metrics url in the log:\n%s", s.logs.String())
	}
	metricsURL := m[1]

	creds := map[string]string{"username": "alice", "password": "correct horse battery"}
	if r := call(t, s.url, "", "sign_up", creds); r.Error != nil {
		t.Fatalf("sign_up: %v", r.Error)
	}
	for range 2 {
		if r := call(t, s.url, "", "sign_in", creds); r.Error != nil {
			t.Fatalf("sign_in: %v", r.Error)
		}
	}
	if r := call(t, s.url, "", "get_caller", nil); r.Error == nil || r.Error.Code != -32099 {
		t.Fatalf("get_caller without a token: got %+v, want -32099", r)
	}
	call(t, s.url, "", "no_such_method", nil)

	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", metricsURL, resp.Status, body)
	}
	text := string(body)
	for _, tt := range []struct {
		method, code string
		count        string
	}{
		{"sign_up", "", "1"},
		{"sign_in", "", "2"},
		{"get_caller", "-32099", "1"},
		{"_OTHER", "-32601", "1"},
	} {
		labels := `rpc_method="` + tt.method + `"`
		if tt.code != "" {
			labels = `rpc_jsonrpc_error_code="` + tt.code + `",` + labels
		}
		count := sample(text, "rpc_server_call_duration_seconds_count", labels)
		if count != tt.count {
			t.Errorf("call count of %s %s: got %q, want %s", tt.method, tt.code, count, tt.count)
		}
		if b := sample(text, "rpc_server_call_duration_seconds_bucket", labels+`,rpc_system="jsonrpc",le="+Inf"`); b != tt.count {
			t.Errorf("+Inf bucket of %s: got %q, want %s", tt.method, b, tt.count)
		}
		if sum := sample(text, "rpc_server_call_duration_seconds_sum", labels); sum == "" {
			t.Errorf("no duration sum for %s", tt.method)
		}
	}
	if got := sample(text, "rpc_server_calls_active", ""); got != "0" {
		t.Errorf("calls active: got %q, want 0", got)
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", text)
	}

	logs := s.logs.String()
	for _, want := range []string{`msg="rpc call" method=sign_up`, `method=get_caller id=1`, `outcome=error code=-32099`, `remote=127.0.0.1:`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the request log has no %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "correct horse") {
		t.Errorf("the request log holds a password:\n%s", logs)
	}
}

// sample returns the value of the sample of metric name whose labels contain labels (in
// the exposition's order), "" when there is none.
func sample(text, name, labels string) string {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		if labels != "" && !strings.Contains(rest, labels) {
			continue
		}
		if i := strings.LastIndexByte(rest, ' '); i >= 0 {
			return rest[i+1:]
		}
	}
	return ""
}

// TestTraces runs the service with an OTLP endpoint in the environment and finds, in what
// it exports, a span of the trace whose traceparent the request carried.
func TestTraces(t *testing.T) {
	received := make(chan []byte, 16)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" {
			received <- body
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	// The exporter reads its variables from the process environment.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	s := startServer(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL}, "-db", sqlitePath(t))

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"get_caller"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.stop() // flushes the spans

	id, _ := hex.DecodeString(traceID)
	for {
		select {
		case body := <-received:
			if bytes.Contains(body, id) && bytes.Contains(body, []byte("get_caller")) {
				return
			}
		default:
			t.Fatalf("no exported span of trace %s", traceID)
		}
	}
}
