package auth_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// behindProxy is a site that believes X-Forwarded-For from the loopback,
// so that a test's browsers can come from any address.
func behindProxy(t *testing.T) *sitetest.Site {
	t.Helper()
	return sitetest.New(t, func(c *site.Config) { c.TrustedProxies = loopback(t) })
}

// loopback is the network the test's requests come from, to trust as a
// reverse proxy's.
func loopback(t *testing.T) []*net.IPNet {
	t.Helper()
	_, network, err := net.ParseCIDR("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	return []*net.IPNet{network}
}

// from is a new browser whose requests come from address, with the sign-in
// form loaded.
func from(t *testing.T, s *sitetest.Site, address string) *sitetest.Browser {
	t.Helper()
	b := s.NewBrowser(t)
	b.Header.Set("X-Forwarded-For", address)
	sitetest.WantStatus(t, "the sign-in page", b.Get("/login"), http.StatusOK)
	return b
}

// TestAThrottledFloodWritesAFewCountedEntries locks an address, then sends
// 600 more sign-ins from it: they are refused, and the security log gains
// a counted entry rather than a row each; the administrator reads how many
// there were, from where, and pages through a long log.
func TestAThrottledFloodWritesAFewCountedEntries(t *testing.T) {
	site := behindProxy(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)

	attacker := from(t, site, "10.0.0.5")
	free := auth.DefaultThrottle().Address.FreeFailures
	for i := range free {
		attacker.Post("/login", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"wrong-password"}})
	}
	sitetest.WantStatus(t, "the events page", admin.Get("/admin/events"), http.StatusOK) // writes what was counted
	before := site.Count(t, "security_events")

	const flood, workers = 600, 8
	var wg sync.WaitGroup
	statuses := make(chan int, flood)
	for w := range workers {
		b := from(t, site, "10.0.0.5")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range flood / workers {
				statuses <- b.Post("/login", url.Values{"username": {"li"}, "password": {fmt.Sprintf("guess-%d", w)}}).StatusCode
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusTooManyRequests {
			t.Fatalf("a request of the flood got %d, want 429", s)
		}
	}
	page := admin.Get("/admin/events?action=sign-in-refused&who=10.0.0.5")
	sitetest.WantStatus(t, "the events page", page, http.StatusOK)
	if written := site.Count(t, "security_events") - before; written > 3 {
		t.Errorf("%d refused sign-ins wrote %d rows to the security log, want at most 3", flood, written)
	}
	rows := page.Doc.Find(`[data-testid="event"]`)
	if rows.Length() != 1 {
		t.Fatalf("the log filtered by the attacker's address shows %d entries, want 1", rows.Length())
	}
	if count, _ := rows.Attr("data-count"); count != fmt.Sprint(flood) || !strings.Contains(sitetest.Text(rows), "10.0.0.5") ||
		!strings.Contains(sitetest.Text(rows), "600 次") || rows.Find("time").Length() != 2 {
		t.Errorf("the entry reads %q (count %s), want 600 refusals from 10.0.0.5 between two times", sitetest.Text(rows), count)
	}

	// A long log is paged.
	for range 250 {
		if err := site.Users.Log(t.Context(), auth.ActorOf(nil, "192.0.2.1"), auth.ActionSignOut, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	total := site.Count(t, "security_events")
	seen := 0
	next := "/admin/events"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("more than 5 pages of 100 entries")
		}
		page := admin.Get(next)
		sitetest.WantStatus(t, next, page, http.StatusOK)
		n := page.Doc.Find(`[data-testid="event"]`).Length()
		if n > 100 {
			t.Fatalf("%s shows %d entries, want at most 100", next, n)
		}
		seen += n
		next, _ = page.Doc.Find(`[data-testid="pager"] a[rel="next"]`).Attr("href")
	}
	if int64(seen) != total {
		t.Errorf("the pages show %d entries of %d", seen, total)
	}
}

// TestTheOwnersBrowserSignsInWhileTheAccountIsLocked has guesses from many
// addresses lock an administrator's account. A browser the owner signed in
// with before still signs in, from a new address; a fresh browser does not.
func TestTheOwnersBrowserSignsInWhileTheAccountIsLocked(t *testing.T) {
	site := behindProxy(t)
	site.AddUser(t, "owner", auth.Admin, sitetest.Password)
	owner := from(t, site, "192.0.2.1")
	sitetest.WantStatus(t, "the owner signs in", owner.Post("/login", url.Values{"username": {"owner"}, "password": {sitetest.Password}}), http.StatusSeeOther)
	sitetest.WantStatus(t, "the owner's account page", owner.Get("/account"), http.StatusOK)
	sitetest.WantStatus(t, "the owner signs out", owner.Post("/logout", nil), http.StatusSeeOther)

	rule := auth.DefaultThrottle()
	for i := 0; i*rule.AccountFromAddress.FreeFailures <= rule.Account.FreeFailures; i++ {
		attacker := from(t, site, fmt.Sprintf("198.51.100.%d", i+1))
		for range rule.AccountFromAddress.FreeFailures {
			attacker.Post("/login", url.Values{"username": {"owner"}, "password": {"a-wrong-guess"}})
		}
	}
	fresh := from(t, site, "203.0.113.9")
	sitetest.WantStatus(t, "a fresh browser with the right password", fresh.Post("/login", url.Values{"username": {"owner"}, "password": {sitetest.Password}}), http.StatusTooManyRequests)

	owner.Header.Set("X-Forwarded-For", "203.0.113.10")
	sitetest.WantStatus(t, "the sign-in page", owner.Get("/login"), http.StatusOK)
	sitetest.WantStatus(t, "the owner's browser from a new address", owner.Post("/login", url.Values{"username": {"owner"}, "password": {sitetest.Password}}), http.StatusSeeOther)
	sitetest.WantStatus(t, "the owner's accounts page", owner.Get("/admin/users"), http.StatusOK)
}

// TestASignInIsRefusedAtOnceWhenHashingIsBusy sends many sign-ins at once,
// each from its own address under a name of its own, so that each needs a
// password hash: those beyond the queue for the few hashing slots are
// answered at once with 503, Retry-After and the sign-in page, none with a
// server error, and every one is answered.
func TestASignInIsRefusedAtOnceWhenHashingIsBusy(t *testing.T) {
	site := behindProxy(t)
	limits := auth.DefaultHasherLimits()
	burst := 10 * (limits.Slots + limits.MaxQueue)
	browsers := make([]*sitetest.Browser, burst)
	for i := range browsers {
		browsers[i] = from(t, site, fmt.Sprintf("10.1.%d.%d", i/200, i%200+1))
	}
	answers := make([]sitetest.Response, burst)
	var wg sync.WaitGroup
	for i, b := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = b.Post("/login", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"wrong-password"}})
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, r := range answers {
		counts[r.StatusCode]++
		if r.StatusCode != http.StatusServiceUnavailable {
			continue
		}
		if got := r.Header.Get("Retry-After"); got == "" {
			t.Error("a 503 without Retry-After")
		}
		if got := sitetest.Text(r.Doc.Find(`[data-testid="login-problem"]`)); !strings.Contains(got, "几秒钟后再试") {
			t.Errorf("the busy page says %q", got)
		}
	}
	t.Logf("%d sign-ins at once: %v", burst, counts)
	if counts[http.StatusServiceUnavailable] == 0 || counts[http.StatusUnauthorized]+counts[http.StatusServiceUnavailable] != burst {
		t.Fatalf("answers %v: want some 503 and the rest 401", counts)
	}
}

// TestADisabledAccountAnswersAsAWrongPassword: the right and a wrong
// password of a disabled account get the same answer.
func TestADisabledAccountAnswersAsAWrongPassword(t *testing.T) {
	site := sitetest.New(t)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	if _, err := site.Users.SetActive(t.Context(), li.ID, false, auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	b := site.NewBrowser(t)
	b.Get("/login")
	right := b.Post("/login", url.Values{"username": {"li"}, "password": {sitetest.Password}})
	wrong := b.Post("/login", url.Values{"username": {"li"}, "password": {"not-the-password"}})
	if right.StatusCode != wrong.StatusCode || right.Body != wrong.Body {
		t.Fatalf("right password: %d %q; wrong password: %d %q: want the same answer",
			right.StatusCode, sitetest.Text(right.Doc.Find(`[data-testid="login-problem"]`)), wrong.StatusCode, sitetest.Text(wrong.Doc.Find(`[data-testid="login-problem"]`)))
	}
	sitetest.WantStatus(t, "the right password of a disabled account", right, http.StatusUnauthorized)
}

// TestSignInAttacksOnPostgres runs the flood of refused sign-ins again on
// PostgreSQL, where the counted entries are written by another driver.
func TestSignInAttacksOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"AThrottledFloodWritesAFewCountedEntries": TestAThrottledFloodWritesAFewCountedEntries,
	})
}
