package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (CHROMIUM overrides).
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// noBrowser fails the test under CI=true, where the browser tests must run, and skips it
// elsewhere.
func noBrowser(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (CI=true: the browser tests must run; install Debian's chromium package)", args...)
	}
	t.Skipf(format+"; install Debian's chromium package (apt-get install chromium) to run this test", args...)
}

// browser is one headless Chromium tab, with the page's console messages collected.
type browser struct {
	ctx context.Context
	dir string // where screenshots go

	mu       sync.Mutex
	problems []string // uncaught exceptions, console errors, CSP violations
}

// newBrowser starts headless Chromium with a fresh profile and opens a tab.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		noBrowser(t, "chromium not found")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	b := &browser{ctx: ctx, dir: artifactsDir(t)}
	// Start the browser now, so that a browser that cannot run is told apart from a
	// failing page.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		noBrowser(t, "chromium (%s) did not start: %v", path, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs the actions, failing the test with what it was doing.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.failureScreenshot(t)
		t.Fatalf("%s: %v%s", what, err, b.problemReport())
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", expr, err, b.problemReport())
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func (b *browser) waitFor(t *testing.T, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.failureScreenshot(t)
			t.Fatalf("waiting for %s (%s): timed out (last error %v)%s", what, cond, err, b.problemReport())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// failureScreenshot saves what the page shows when a step fails, for the artifacts.
func (b *browser) failureScreenshot(t *testing.T) {
	t.Helper()
	if b.dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return
	}
	path := filepath.Join(b.dir, strings.ReplaceAll(t.Name(), "/", "_")+"-failure.png")
	if os.WriteFile(path, png, 0o644) == nil {
		t.Logf("screenshot of the failure: %s", path)
	}
}

func (b *browser) problemReport() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) == 0 {
		return ""
	}
	return "\npage console:\n  " + strings.Join(b.problems, "\n  ")
}

// checkNoProblems fails the test if the page threw or logged an error (CSP violations are
// console errors too).
func (b *browser) checkNoProblems(t *testing.T) {
	t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last events arrive
	if r := b.problemReport(); r != "" {
		t.Errorf("the page reported problems:%s", r)
	}
}

// artifactsDir is where screenshots go: $E2E_ARTIFACTS, else a temporary directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("E2E_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// screenshot saves a PNG of the viewport, or of the whole page when full is set.
func (b *browser) screenshot(t *testing.T, name string, full bool) {
	t.Helper()
	var png []byte
	var err error
	if full {
		png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	} else {
		png, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// viewport sets the tab's viewport; mobile emulates a phone (touch, mobile layout).
func (b *browser) viewport(t *testing.T, width, height int64, mobile bool) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.do(t, "set viewport", chromedp.EmulateViewport(width, height, opts...))
	time.Sleep(400 * time.Millisecond) // let layout transitions end
}
