package sitetest

import (
	"context"
	"errors"
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

// Chromium starts a headless Chromium with a fresh profile and a viewport
// width by 900 CSS pixels, whose reader prefers Chinese, and returns its
// context and the console errors it collects. The context has no deadline
// of its own: each page is given one by Page, so that a busy
// machine slows the test down without failing every page after a slow one.
func Chromium(t *testing.T, width int) (context.Context, *ConsoleErrors) {
	t.Helper()
	return ChromiumWith(t, width, "zh-CN,zh", true)
}

// ChromiumWith starts Chromium whose reader prefers the languages of an
// Accept-Language header, with JavaScript on or off.
func ChromiumWith(t *testing.T, width int, languages string, javascript bool) (context.Context, *ConsoleErrors) {
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
	// The first call on the context starts the browser and ties its life to
	// the context it is given, so that one has no deadline.
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })

	errs := &ConsoleErrors{}
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

// ConsoleErrors are the errors and warnings a page wrote to the console,
// and the loads that failed.
type ConsoleErrors struct {
	mu   sync.Mutex
	list []string
}

func (c *ConsoleErrors) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, s)
}

// All are the errors so far.
func (c *ConsoleErrors) All() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.list...)
}

// Evaluate runs a JavaScript expression in the page and returns its value.
func Evaluate[T any](t *testing.T, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// SaveArtifact writes a file for people to look at into
// artifacts/screenshots/ at the top of the repository (git-ignored).
func SaveArtifact(t *testing.T, name string, content []byte) {
	t.Helper()
	root, err := repositoryRoot()
	if err != nil {
		t.Logf("no artifacts folder: %v", err)
		return
	}
	dir := filepath.Join(root, "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no artifacts folder: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
		t.Logf("write artifact: %v", err)
	}
}

// PageDeadline is what one page may take in Chromium, from navigation to
// the last check, on a busy machine.
const PageDeadline = 30 * time.Second

// Page gives one page of a test its own deadline in the browser of ctx.
func Page(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, PageDeadline)
}

// SignInWithChromium signs in through the form, as a person does, with
// Password, and checks that the page it lands on says who signed in.
func SignInWithChromium(t *testing.T, ctx context.Context, s *Site, username string) {
	t.Helper()
	ctx, cancel := Page(ctx)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), Password),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	if who := Evaluate[string](t, ctx, `document.querySelector('[data-testid="signed-in"]')?.textContent ?? ''`); !strings.Contains(who, username) {
		t.Fatalf("after signing in as %s the header says %q", username, who)
	}
}

// OpenStaffMenu unfolds the header's staff menu when it is folded, as it is
// on a phone, so that its links and the sign-out can be clicked; where the
// menu is part of the header (a wide screen) it does nothing.
func OpenStaffMenu(t *testing.T, ctx context.Context) {
	t.Helper()
	folded := Evaluate[bool](t, ctx, `(() => {
		const menu = document.querySelector('.staff-menu');
		return !!menu && !menu.open && menu.querySelector('summary').checkVisibility();
	})()`)
	if !folded {
		return
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.staff-menu > summary`))); err != nil {
		t.Fatalf("open the staff menu: %v", err)
	}
}

// repositoryRoot is the folder of go.mod, above the test's own.
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test")
		}
		dir = parent
	}
}
