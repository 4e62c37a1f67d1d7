package e2e

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc/internal/exampletest"
)

// startDocsCommand builds cmd/openrpc and runs "openrpc docs TARGET" on a free port; it
// returns the page's URL once the command prints it.
func startDocsCommand(t *testing.T, target string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "openrpc")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(exampletest.RepoRoot(t), "cmd", "openrpc")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/openrpc: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "docs", target, "--addr", "127.0.0.1:0")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`^serving the docs of .* at (http://127\.0\.0\.1:\d+/)$`)
		for sc.Scan() {
			t.Logf("openrpc docs: %s", sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if ok {
			return u
		}
	case <-time.After(60 * time.Second):
	}
	t.Fatalf("openrpc docs %s did not print where it serves", target)
	return ""
}

// TestCLIDocs_TryItThroughProxy runs "openrpc docs" on examples/spec, a live service on
// another origin that refuses pages of the docs' origin, and calls its methods from the
// page's Try it forms, over HTTP and WebSocket: the command forwards them.
func TestCLIDocs_TryItThroughProxy(t *testing.T) {
	b := newBrowser(t)
	spec := exampletest.Start(t, "spec", nil)
	page := startDocsCommand(t, spec+"/api/v1")

	// The service does not let the docs page's origin call it.
	req, _ := http.NewRequest(http.MethodPost, spec+"/api/v1", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", strings.TrimSuffix(page, "/"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("examples/spec answered a call from the docs' origin with %s: the test needs a service that refuses it", res.Status)
	}

	b.do(t, "open the page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#method-subtract`)))
	field := func(m, path string) chromedp.CSS {
		return chromedp.CSS(`#method-` + m + ` [data-path="` + path + `"]`)
	}
	result := func(m string) (string, string) {
		t.Helper()
		b.waitFor(t, m+"'s response", `document.querySelector('#method-`+m+` .response .status')`)
		return eval[string](t, b, `document.querySelector('#method-`+m+` .response .status').textContent`),
			eval[string](t, b, `(document.querySelector('#method-`+m+` .response-body') || {}).textContent || ''`)
	}

	// Over HTTP POST: the server computes 42 - 23.
	b.do(t, "call subtract",
		chromedp.Click(chromedp.CSS(`#method-subtract .try-toggle`)),
		chromedp.SendKeys(field("subtract", "/minuend"), "42"),
		chromedp.SendKeys(field("subtract", "/subtrahend"), "23"),
		chromedp.Click(chromedp.CSS(`#method-subtract button.send`)))
	if status, body := result("subtract"); status != "Result" || !strings.Contains(body, `"result": 19`) {
		t.Errorf("subtract(42, 23) through the proxy: %q %s", status, body)
	}

	// Over WebSocket, through the same proxy.
	b.do(t, "switch to WebSocket", chromedp.Click(chromedp.CSS(`#overview .transport-switch [data-transport="ws"]`)))
	b.do(t, "call add",
		chromedp.Click(chromedp.CSS(`#method-add .try-toggle`)),
		chromedp.SendKeys(field("add", "/a"), "1000"),
		chromedp.SendKeys(field("add", "/b"), "337"),
		chromedp.Click(chromedp.CSS(`#method-add button.send`)))
	if status, body := result("add"); status != "Reply" && status != "Result" || !strings.Contains(body, `1337`) {
		t.Errorf("add(1000, 337) over WebSocket through the proxy: %q %s", status, body)
	}
	if got := eval[string](t, b, `document.querySelector('#method-add .response').textContent`); !strings.Contains(got, "WebSocket") {
		t.Errorf("add's response does not say it came over WebSocket: %s", got)
	}
	b.screenshot(t, "cli-docs-spec", false)
	b.checkNoProblems(t)
}
