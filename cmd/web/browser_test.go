package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// findChromium returns the path of a Chromium or Chrome on this machine. On
// a machine without one the browser tests are skipped, except under CI,
// where .ci/run installs Debian's chromium and a missing browser fails.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found, and CI is set: the browser tests are mandatory (.ci/run installs Debian's chromium)")
	}
	t.Skip("no Chromium found: install it (Debian: apt-get install chromium) to run the browser tests")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and a viewport
// width by 900 CSS pixels, and returns its context and the console errors it
// collects.
func newBrowser(t *testing.T, width int) (context.Context, *consoleErrors) {
	t.Helper()
	return newBrowserWith(t, width, "zh-CN,zh", true)
}

// newBrowserWith starts Chromium whose reader prefers the languages of an
// Accept-Language header, with JavaScript on or off.
func newBrowserWith(t *testing.T, width int, languages string, javascript bool) (context.Context, *consoleErrors) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.Flag("accept-lang", languages),
		chromedp.ExecPath(findChromium(t)),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	errs := &consoleErrors{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				errs.add(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			errs.add(fmt.Sprintf("exception: %s at %s:%d", ev.ExceptionDetails.Text, ev.ExceptionDetails.URL, ev.ExceptionDetails.LineNumber))
		case *log.EventEntryAdded:
			// Failed loads (a 404 style sheet) and CSP violations arrive here.
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				errs.add(fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// A window cannot be narrower than 500 px; a phone's viewport is emulated.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
		t.Fatalf("set the viewport: %v", err)
	}
	if !javascript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turn JavaScript off: %v", err)
		}
	}
	return ctx, errs
}

type consoleErrors struct {
	mu   sync.Mutex
	list []string
}

func (c *consoleErrors) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, s)
}

func (c *consoleErrors) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.list...)
}

// TestBrowserSmoke loads the public year page in a real headless Chromium,
// at a desktop and a phone width, and checks that it renders whole, with no
// console error and nothing wider than the screen.
func TestBrowserSmoke(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "shuangshi.db"))
	for _, width := range []int{1280, 360} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			ctx, consoleErrs := newBrowser(t, width)
			err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/years/2022"),
				chromedp.WaitVisible(chromedp.CSS(`tr[data-testid="target"]`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			h1 := evaluate[string](t, ctx, `document.querySelector('h1').textContent.trim()`)
			rows := evaluate[int](t, ctx, `document.querySelectorAll('tr[data-testid="target"]').length`)
			// The site header is red only if the style sheet loaded.
			stylesApplied := evaluate[bool](t, ctx, `getComputedStyle(document.querySelector('.site-header')).backgroundColor === 'rgb(166, 27, 27)'`)
			scrollWidth := evaluate[int](t, ctx, `document.documentElement.scrollWidth`)
			clientWidth := evaluate[int](t, ctx, `document.documentElement.clientWidth`)
			screenshot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if h1 != "2022年区“双十”项目" || rows != 20 {
				t.Errorf("rendered h1 %q with %d target rows, want the 2022 page with 20", h1, rows)
			}
			if !stylesApplied {
				t.Error("the style sheet did not apply")
			}
			if scrollWidth > clientWidth {
				t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", scrollWidth, clientWidth)
			}
			if errs := consoleErrs.all(); len(errs) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
			saveArtifact(t, fmt.Sprintf("year-2022-%dpx.png", width), screenshot)
		})
	}
}

// evaluate runs a JavaScript expression in the page and returns its value.
func evaluate[T any](t *testing.T, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// saveArtifact writes a file for people to look at into artifacts/ at the
// top of the repository (git-ignored).
func saveArtifact(t *testing.T, name string, content []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no artifacts folder: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
		t.Logf("write artifact: %v", err)
	}
}
