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
	"github.com/chromedp/cdproto/target"
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

// chromiumOptions are the flags of every Chromium the tests start: a
// reader who prefers languages, a window width by 900 CSS pixels.
func chromiumOptions(t *testing.T, width int, languages string) []chromedp.ExecAllocatorOption {
	t.Helper()
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.Flag("accept-lang", languages),
		chromedp.ExecPath(findChromium(t)),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		// Chromium's default list, and the omnibox's popup: a headless
		// window draws it as a web page of its own in a renderer of its own,
		// which no test sees and which took more CPU than the tests' pages.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		chromedp.WindowSize(width, 900),
	)
}

// ChromiumWith starts Chromium whose reader prefers the languages of an
// Accept-Language header, with JavaScript on or off.
//
// In a package whose TestMain calls Main, the test gets a window of its own
// in a Chromium that the package's tests share (one per languages), in a
// browser context of its own: its cookies, storage and cache are as fresh
// as a new profile's, and the window is as wide as asked. Starting Chromium
// takes seconds on a CI machine; a browser context, a fraction of one.
// Elsewhere each call starts a Chromium of its own, on a fresh profile.
// (One difference: a browser context of a Chromium told en-GB,en asks for
// "en-GB,en-US;q=0.9,en;q=0.8", and navigator.languages says so, where
// its first window asks for "en-GB,en;q=0.9". The site serves the same
// English to both; zh-CN,zh and en are asked for alike.)
func ChromiumWith(t *testing.T, width int, languages string, javascript bool) (context.Context, *ConsoleErrors) {
	t.Helper()
	var ctx context.Context
	if shared := sharedChromium(t, languages); shared != nil {
		ctx = windowIn(t, shared, width)
	} else {
		opts := append(chromiumOptions(t, width, languages), chromedp.UserDataDir(t.TempDir()))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		// The first call on the context starts the browser and ties its life to
		// the context it is given, so that one has no deadline.
		var cancelCtx context.CancelFunc
		ctx, cancelCtx = chromedp.NewContext(allocCtx)
		t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	}

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

// shared holds the Chromium processes that the tests of a package whose
// TestMain calls Main share, by the languages their reader prefers.
var shared struct {
	mu       sync.Mutex
	on       bool // Main runs the tests
	browsers map[string]*sharedBrowser
}

type sharedBrowser struct {
	ctx    context.Context // the browser's first tab, started
	cancel func()
}

// Main runs a package's tests, and then stops the Chromium processes they
// shared (see ChromiumWith). Call it from TestMain:
//
//	func TestMain(m *testing.M) { sitetest.Main(m) }
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.on = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	for _, b := range shared.browsers {
		b.cancel()
	}
	shared.browsers = nil
	shared.mu.Unlock()
	os.Exit(code)
}

// sharedChromium is the running Chromium whose reader prefers languages,
// started if need be, or nil when the package's tests do not share one.
// A Chromium that died is started again.
func sharedChromium(t *testing.T, languages string) context.Context {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.on {
		return nil
	}
	if b, ok := shared.browsers[languages]; ok {
		if b.ctx.Err() == nil {
			return b.ctx
		}
		b.cancel()
		delete(shared.browsers, languages)
	}
	// The width is only the first tab's, which no test uses: each test's
	// window is made as wide as it asks (windowIn).
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(t, 1280, languages)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	// The first call starts the browser and ties its life to ctx, which has
	// no deadline; chromedp removes its temporary profile when it stops.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("start Chromium: %v", err)
	}
	if shared.browsers == nil {
		shared.browsers = map[string]*sharedBrowser{}
	}
	shared.browsers[languages] = &sharedBrowser{ctx: ctx, cancel: cancel}
	return ctx
}

// windowIn opens a window width by 900 CSS pixels in a new browser context
// of the browser of shared, and returns its context; both are closed when
// the test ends.
func windowIn(t *testing.T, shared context.Context, width int) context.Context {
	t.Helper()
	bc, err := chromedp.CallBrowser(shared, target.CreateBrowserContext, target.CreateBrowserContextParams{})
	if err != nil {
		t.Fatalf("start Chromium: a browser context: %v", err)
	}
	dispose := func() {
		// The test's context may be over: give the browser a while of its own.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(shared), 10*time.Second)
		defer cancel()
		chromedp.CallBrowser(ctx, target.DisposeBrowserContext, target.DisposeBrowserContextParams(bc))
	}
	// Not focused: the page of a Chromium of its own is not focused either
	// (document.hasFocus() is false there too).
	newWindow, focus := true, false
	tab, err := chromedp.CallBrowser(shared, target.CreateTarget, target.CreateTargetParams{
		URL:              "about:blank",
		Width:            int64(width),
		Height:           900,
		BrowserContextID: bc.BrowserContextID,
		NewWindow:        &newWindow,
		Focus:            &focus,
	})
	if err != nil {
		dispose()
		t.Fatalf("start Chromium: a window: %v", err)
	}
	ctx, cancel := chromedp.NewContext(shared, chromedp.WithTargetID(tab.TargetID))
	// Closing the context closes the window; then its browser context goes.
	t.Cleanup(func() { cancel(); dispose() })
	return ctx
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
