package notify_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"shuangshi/internal/auth"
	"shuangshi/internal/notify"
	"shuangshi/internal/projects"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// makeCalendarAddress makes a user's calendar address on the account page
// and returns it as the page shows it, once.
func makeCalendarAddress(t *testing.T, b *sitetest.Browser) string {
	t.Helper()
	b.Get("/account/calendar")
	resp := b.Post("/account/calendar", nil)
	sitetest.WantStatus(t, "make the calendar address", resp, http.StatusSeeOther)
	page := b.Get(resp.Header.Get("Location"))
	address, _ := page.Doc.Find(`[data-testid="feed-url"]`).Attr("value")
	if address == "" {
		t.Fatalf("the page does not show the new address: %s", sitetest.Text(page.Doc.Find("main")))
	}
	return address
}

// installationAuthority is the authority of a site without a public
// address: made from its installation's name, kept in its database.
func installationAuthority(t *testing.T, s *sitetest.Site) string {
	t.Helper()
	installation, err := s.Site.DB.Installation(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(installation.Name) != 32 {
		t.Fatalf("installation name %q, want 32 hexadecimal digits", installation.Name)
	}
	return "shuangshi-" + installation.Name + ".invalid"
}

// calendarUIDs are the UIDs of the events of li's calendar on s.
func calendarUIDs(t *testing.T, s *sitetest.Site) []string {
	t.Helper()
	// The address shown may be the public one: read it at the test server.
	address, err := url.Parse(makeCalendarAddress(t, s.SignIn(t, "li", sitetest.Password)))
	if err != nil {
		t.Fatal(err)
	}
	_, body := sitetest.Fetch(t, s.URL+address.Path)
	var uids []string
	for _, e := range parseCalendar(t, body).Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		uids = append(uids, uid)
	}
	return uids
}

// Two installations never hand out the same UID: each names its events
// after its public address, or else after its own name.
func TestCalendarUIDsNameTheirInstallation(t *testing.T) {
	public := sitetest.NewEditing(t, func(c *site.Config) { c.PublicURL = "https://Shuangshi.example.gov.cn/" })
	first, second := sitetest.NewEditing(t), sitetest.NewEditing(t)
	for _, c := range []struct {
		site   *sitetest.Site
		suffix string
	}{
		{public, "@shuangshi.example.gov.cn"},
		{first, "@" + installationAuthority(t, first)},
		{second, "@" + installationAuthority(t, second)},
	} {
		uids := calendarUIDs(t, c.site)
		if len(uids) == 0 {
			t.Fatal("no events")
		}
		for _, uid := range uids {
			if !strings.HasSuffix(uid, c.suffix) {
				t.Errorf("UID %q, want it to end in %q", uid, c.suffix)
			}
		}
	}
	if installationAuthority(t, first) == installationAuthority(t, second) {
		t.Error("two installations have one name")
	}
}

// parseCalendar reads a feed back with an iCalendar library, after checking
// what RFC 5545 asks of every line and of the calendar and its events.
func parseCalendar(t *testing.T, body []byte) *ical.Calendar {
	t.Helper()
	for i, line := range bytes.SplitAfter(body, []byte("\n")) {
		if len(line) > 0 && !bytes.HasSuffix(line, []byte("\r\n")) {
			t.Fatalf("line %d does not end with CRLF: %q", i+1, line)
		}
		if len(line) > 75+2 {
			t.Fatalf("line %d is longer than 75 octets: %q", i+1, line)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, body)
	}
	if v, _ := cal.Props.Text(ical.PropVersion); v != "2.0" {
		t.Errorf("VERSION %q", v)
	}
	if p, _ := cal.Props.Text(ical.PropProductID); p == "" {
		t.Error("no PRODID")
	}
	uids := map[string]bool{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		if uid == "" || uids[uid] {
			t.Errorf("event UID %q missing or repeated", uid)
		}
		uids[uid] = true
		if e.Props.Get(ical.PropDateTimeStamp) == nil || e.Props.Get(ical.PropDateTimeStart) == nil {
			t.Errorf("event %s lacks DTSTAMP or DTSTART", uid)
		}
	}
	return cal
}

// deadlineSummaries are the summaries of a calendar's deadline events.
func deadlineSummaries(cal *ical.Calendar) []string {
	var out []string
	for _, e := range cal.Events() {
		if uid, _ := e.Props.Text(ical.PropUID); strings.HasPrefix(uid, "target-") {
			summary, _ := e.Props.Text(ical.PropSummary)
			out = append(out, summary)
		}
	}
	return out
}

func TestCalendarFeedOfTheDeadlinesThatConcernEachUser(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.SignIn(t, "li", sitetest.Password)
	if li.Get("/account/calendar").Doc.Find(`[data-testid="no-feed"]`).Length() != 1 {
		t.Fatal("a new user's calendar page does not say there is no address")
	}
	address := makeCalendarAddress(t, li)
	if !strings.HasPrefix(address, site.URL+"/calendar/") || !strings.HasSuffix(address, ".ics") {
		t.Fatalf("address %q", address)
	}

	resp, body := sitetest.Fetch(t, address)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
		t.Errorf("a secret feed may be kept by shared caches: %q", resp.Header.Get("Cache-Control"))
	}
	cal := parseCalendar(t, body)
	// li answers for 海安路 alone: its 2022 start and 2023 completion.
	mine := deadlineSummaries(cal)
	if len(mine) != 2 {
		t.Fatalf("li's deadlines: %q, want 海安路's two", mine)
	}
	for _, s := range mine {
		if !strings.Contains(s, "海安路") {
			t.Errorf("li's calendar has %q, not one of 海安路's", s)
		}
	}
	// Each deadline event falls on its target's deadline.
	project, err := projects.NewStore(site.Site.DB, time.Now).Project(t.Context(), sitetest.Haian)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range project.Targets {
		found := false
		for _, e := range cal.Events() {
			if uid, _ := e.Props.Text(ical.PropUID); uid == "target-"+sitetest.ID(target.ID)+"@"+installationAuthority(t, site) {
				start, err := e.DateTimeStart(time.UTC)
				found = err == nil && start.Format("2006-01-02") == target.Deadline.String()
			}
		}
		if !found {
			t.Errorf("no event on %s for the %d %s target", target.Deadline, target.Year, target.List)
		}
	}

	// The address is shown once: afterwards the page says when it was made.
	again := li.Get("/account/calendar")
	if again.Doc.Find(`[data-testid="feed-url"]`).Length() != 0 || again.Doc.Find(`[data-testid="feed-since"]`).Length() != 1 {
		t.Error("the address is shown again, or its date is not")
	}

	// A supervisor's calendar has every target of every year, in the
	// language the supervisor signed in with.
	supBrowser := site.NewBrowser(t)
	supBrowser.Header.Set("Accept-Language", "en")
	supBrowser.Get("/login")
	sitetest.WantStatus(t, "sign in", supBrowser.Post("/login", url.Values{"username": {"sup"}, "password": {sitetest.Password}}), http.StatusSeeOther)
	supAddress := makeCalendarAddress(t, supBrowser)
	_, supBody := sitetest.Fetch(t, supAddress)
	sitetest.SaveArtifact(t, "calendar-supervisor-en.ics", supBody)
	all := deadlineSummaries(parseCalendar(t, supBody))
	if len(all) != 40 {
		t.Errorf("the supervisor's calendar has %d deadlines, want the 40 targets of 2022 and 2023", len(all))
	}
	if !strings.HasPrefix(all[0], "Deadline: ") {
		t.Errorf("an English-speaking supervisor's calendar says %q", all[0])
	}

	// Signing out everywhere ends the calendar with the sessions.
	sitetest.WantStatus(t, "sign out everywhere", supBrowser.Post("/account/sign-out-everywhere", nil), http.StatusSeeOther)
	if resp, _ := sitetest.Fetch(t, supAddress); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the calendar of a user signed out everywhere answers %d", resp.StatusCode)
	}

	// Making a new address ends the old one; stopping it ends the new one.
	newAddress := makeCalendarAddress(t, li)
	if resp, _ := sitetest.Fetch(t, address); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the replaced address answers %d", resp.StatusCode)
	}
	if resp, _ := sitetest.Fetch(t, newAddress); resp.StatusCode != http.StatusOK {
		t.Errorf("the new address answers %d", resp.StatusCode)
	}
	sitetest.WantStatus(t, "stop the address", li.Post("/account/calendar/revoke", nil), http.StatusSeeOther)
	if resp, _ := sitetest.Fetch(t, newAddress); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a revoked address answers %d", resp.StatusCode)
	}
	for _, bad := range []string{"/calendar/", "/calendar/x", "/calendar/.ics", "/calendar/" + strings.Repeat("A", 500) + ".ics"} {
		if resp, _ := sitetest.Fetch(t, site.URL+bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s answers %d", bad, resp.StatusCode)
		}
	}
	events, err := site.Users.Events(t.Context(), site.User(t, "li").ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, string(e.Action))
	}
	if got := strings.Join(actions, " "); !strings.HasPrefix(got, "calendar-link-revoked calendar-link-created calendar-link-created") {
		t.Errorf("security log: %s", got)
	}

	// A disabled account's calendar stops with it.
	wang := site.SignIn(t, "wang", sitetest.Password)
	wangAddress := makeCalendarAddress(t, wang)
	if _, err := site.Users.SetActive(t.Context(), site.User(t, "wang").ID, false, auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	if resp, _ := sitetest.Fetch(t, wangAddress); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a disabled account's calendar answers %d", resp.StatusCode)
	}
}

// mailbox is an SMTP server, run inside the test, that keeps what it is
// sent. While refusing is set it refuses every recipient.
type mailbox struct {
	mu       sync.Mutex
	messages []*mail.Message
	bodies   []string
	logins   []string
	refusing bool
}

func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	box := &mailbox{}
	server := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	server.Domain = "localhost"
	server.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(ln)
	t.Cleanup(func() { server.Close() })
	return box, ln.Addr().String()
}

func (m *mailbox) received() ([]*mail.Message, []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*mail.Message(nil), m.messages...), append([]string(nil), m.bodies...)
}

func (m *mailbox) refuse(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refusing = on
}

type mailSession struct {
	box *mailbox
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		s.box.mu.Lock()
		defer s.box.mu.Unlock()
		s.box.logins = append(s.box.logins, username+":"+password)
		if password != "smtp-secret" {
			return errors.New("invalid credentials")
		}
		return nil
	}), nil
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error {
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.refusing {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	var text io.Reader = msg.Body
	if msg.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		text = quotedprintable.NewReader(msg.Body)
	}
	body, err := io.ReadAll(text)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.messages = append(s.box.messages, msg)
	s.box.bodies = append(s.box.bodies, string(body))
	return nil
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func subject(t *testing.T, m *mail.Message) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDailyDigestForEachRoleSentOncePerDay(t *testing.T) {
	box, addr := startMailbox(t)
	site := sitetest.New(t, func(c *site.Config) {
		c.PublicURL = "https://shuangshi.example.gov.cn"
		c.SMTP = notify.SMTP{Addr: addr, From: "双十 <shuangshi@example.gov.cn>", Username: "shuangshi", Password: "smtp-secret"}
		c.DigestHour = 8
	})
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	wang := site.AddUser(t, "wang", auth.Engineer, sitetest.Password)
	sup := site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	if err := site.Users.Assign(t.Context(), li.ID, sitetest.Haian, "#3", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{li, wang, sup} {
		if _, err := site.Users.SetEmail(t.Context(), u.ID, u.Username+"@example.gov.cn", auth.CommandLine); err != nil {
			t.Fatal(err)
		}
	}
	// 8 December 2023, 18:00 in Shanghai: every 2023 target is within 30
	// days of its deadline, 眉州路's partly achieved 2022 target is overdue,
	// and nothing has been updated since January.
	site.Clock.Advance(190 * 24 * time.Hour)

	// On the site: each role sees its own digest.
	liPage := site.SignIn(t, "li", sitetest.Password).Get("/digest")
	sitetest.WantStatus(t, "li's digest", liPage, http.StatusOK)
	count := func(p sitetest.Response, group string) int {
		return p.Doc.Find(`[data-testid="digest-` + group + `"] [data-testid="digest-item"]`).Length()
	}
	if count(liPage, "overdue") != 0 || count(liPage, "at-risk") != 1 || count(liPage, "stale") != 1 {
		t.Errorf("li's digest: %d overdue, %d at risk, %d stale; want 0, 1 (海安路), 1",
			count(liPage, "overdue"), count(liPage, "at-risk"), count(liPage, "stale"))
	}
	if !strings.Contains(sitetest.Text(liPage.Doc.Find(`[data-testid="digest-at-risk"]`)), "海安路") {
		t.Error("li's at-risk item is not 海安路")
	}
	if !strings.Contains(sitetest.Text(liPage.Doc.Find(`[data-testid="digest-mail"]`)), "li@example.gov.cn") {
		t.Errorf("li's page does not say where the digest goes: %q", sitetest.Text(liPage.Doc.Find(`[data-testid="digest-mail"]`)))
	}
	wangPage := site.SignIn(t, "wang", sitetest.Password).Get("/digest")
	if n := wangPage.Doc.Find(`[data-testid="digest-item"]`).Length(); n != 0 {
		t.Errorf("wang answers for nothing but his digest has %d items", n)
	}
	supPage := site.SignIn(t, "sup", sitetest.Password).Get("/digest")
	if count(supPage, "overdue") != 1 || count(supPage, "at-risk") != 20 || count(supPage, "stale") != 21 {
		t.Errorf("the supervisor's digest: %d overdue, %d at risk, %d stale; want 1, 20, 21",
			count(supPage, "overdue"), count(supPage, "at-risk"), count(supPage, "stale"))
	}

	// By e-mail: li and the supervisor, each once, in the language they
	// last signed in with; wang's digest is empty.
	if err := site.Users.SetLanguage(t.Context(), li.ID, "en"); err != nil {
		t.Fatal(err)
	}
	sent, err := site.Site.SendDueDigests(t.Context(), site.Clock.Now())
	if err != nil || sent != 2 {
		t.Fatalf("first round: %d sent, %v", sent, err)
	}
	messages, bodies := box.received()
	if len(messages) != 2 {
		t.Fatalf("the mail server received %d messages", len(messages))
	}
	byRecipient := map[string]string{}
	for i, m := range messages {
		to, err := m.Header.AddressList("To")
		if err != nil || len(to) != 1 {
			t.Fatalf("To: %q %v", m.Header.Get("To"), err)
		}
		byRecipient[to[0].Address] = subject(t, m) + "\n" + bodies[i]
		if from, err := m.Header.AddressList("From"); err != nil || from[0].Name != "双十" || from[0].Address != "shuangshi@example.gov.cn" {
			t.Errorf("From: %q %v", m.Header.Get("From"), err)
		}
	}
	liMail, supMail := byRecipient["li@example.gov.cn"], byRecipient["sup@example.gov.cn"]
	if !strings.HasPrefix(liMail, "Double Ten daily digest, 8 Dec 2023") ||
		!strings.Contains(liMail, "Haian Road (Jungong Road–Gongqing Road)") || !strings.Contains(liMail, "https://shuangshi.example.gov.cn/projects/3") {
		t.Errorf("li's e-mail, in English:\n%s", liMail)
	}
	if strings.Count(supMail, "https://shuangshi.example.gov.cn/projects/") < 21 || !strings.Contains(supMail, "已逾期（1）") {
		t.Errorf("the supervisor's e-mail:\n%s", supMail)
	}
	if box.logins[0] != "shuangshi:smtp-secret" {
		t.Errorf("signed in to the mail server as %q", box.logins[0])
	}

	// Later the same day, and after a restart, nothing more is sent.
	site.Clock.Advance(2 * time.Hour)
	if sent, err := site.Site.SendDueDigests(t.Context(), site.Clock.Now()); err != nil || sent != 0 {
		t.Errorf("second round the same day: %d sent, %v", sent, err)
	}
	restarted := site.Restart(t)
	if sent, err := restarted.Site.SendDueDigests(t.Context(), restarted.Clock.Now()); err != nil || sent != 0 {
		t.Errorf("after a restart the same day: %d sent, %v", sent, err)
	}

	// The next day, before the hour, nothing; from the hour, a new digest,
	// and one the mail server refuses is tried again in the next round.
	restarted.Clock.Set(time.Date(2023, time.December, 9, 23, 30, 0, 0, time.UTC)) // 10 December, 07:30 in Shanghai
	if sent, _ := restarted.Site.SendDueDigests(t.Context(), restarted.Clock.Now()); sent != 0 {
		t.Errorf("%d sent before the digest hour", sent)
	}
	restarted.Clock.Advance(time.Hour)
	box.refuse(true)
	if sent, _ := restarted.Site.SendDueDigests(t.Context(), restarted.Clock.Now()); sent != 0 {
		t.Errorf("%d sent while the mail server refuses", sent)
	}
	box.refuse(false)
	if sent, err := restarted.Site.SendDueDigests(t.Context(), restarted.Clock.Now()); err != nil || sent != 2 {
		t.Errorf("the refused digests were not sent in the next round: %d, %v", sent, err)
	}
	if messages, _ := box.received(); len(messages) != 4 {
		t.Errorf("the mail server received %d messages over two days, want 4", len(messages))
	}
}
