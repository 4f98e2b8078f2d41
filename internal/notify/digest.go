package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/console"
	"shuangshi/internal/locale"
	"shuangshi/internal/money"
	"shuangshi/internal/projects"
)

// Digest is what a member of staff should know on a day: the targets past
// their deadline, those at risk, and the projects nobody has updated for a
// while. An engineer's digest covers the projects assigned to them; a
// supervisor's or an administrator's covers all.
type Digest struct {
	Day     civil.Date
	Overdue []console.Row
	AtRisk  []console.Row
	Stale   []projects.Project
	// Waiting are the 督办 waiting for an answer that the reader should
	// see: an engineer's on their projects, a supervisor's late ones.
	// Answers are those answered and waiting for a supervisor to close
	// them (办结): in a supervisor's digest only.
	Waiting []CaseLine
	Answers []CaseLine
	// Reports is the month just ended's 月报: for a supervisor every
	// project's, with its 填报率; for an engineer their projects not yet
	// reported. Nil when no project was due.
	Reports *projects.Filing
}

// WithReports adds to a user's digest the month's reports that concern
// them: a supervisor's the whole month, an engineer's the reports their
// projects (mine) still owe.
func (d Digest) WithReports(user auth.User, filing projects.Filing, mine []int64) Digest {
	if filing.Due == 0 {
		return d
	}
	if auth.Can(&user, auth.Supervise) {
		d.Reports = &filing
		return d
	}
	owed := projects.Filing{Month: filing.Month}
	for _, p := range filing.Missing {
		if slices.Contains(mine, p.ID) {
			owed.Missing = append(owed.Missing, p)
		}
	}
	if len(owed.Missing) > 0 {
		d.Reports = &owed
	}
	return d
}

// reportLines says a digest's reports in the reader's words: the month's
// 填报率 for a supervisor, and each project still owing its report.
func (d Digest) reportLines(l *locale.Locale) []string {
	r := d.Reports
	if r == nil {
		return nil
	}
	var lines []string
	if rate, ok := r.Rate(); ok {
		lines = append(lines, l.T("digest.filing", "Year", r.Month.Year, "Month", r.Month.Month, "MonthShort", l.T("date.month_short."+strconv.Itoa(r.Month.Month)),
			"Rate", money.PercentText(rate), "Filed", r.Filed, "Due", r.Due))
	}
	if len(r.Missing) > 0 {
		lines = append(lines, l.T("digest.reports_missing", "Year", r.Month.Year, "Month", r.Month.Month, "MonthShort", l.T("date.month_short."+strconv.Itoa(r.Month.Month)), "Count", len(r.Missing)))
		for _, p := range r.Missing {
			lines = append(lines, "- "+l.Name(p.Name, p.NameEn))
		}
	}
	return lines
}

// CaseLine is a 督办 in a digest, with its target and the target's project.
type CaseLine struct {
	Case   projects.Comment
	Target projects.Target
	Late   bool
}

// Empty reports whether there is nothing to tell.
func (d Digest) Empty() bool {
	owing := 0
	if d.Reports != nil {
		owing = len(d.Reports.Missing)
	}
	return len(d.Overdue)+len(d.AtRisk)+len(d.Stale)+len(d.Waiting)+len(d.Answers)+owing == 0
}

// openCases are the 督办 not closed, each with its target (and project),
// and the engineers who answer for their projects.
type openCases struct {
	cases     []projects.Comment
	targets   map[int64]projects.Target
	engineers map[int64][]auth.User
}

// WithCases adds to a user's digest the 督办 that concern them on a day: a
// supervisor's the answers to close and the late cases, an engineer's the
// cases waiting for their answer on their projects.
func (d Digest) WithCases(user auth.User, open openCases, today civil.Date) Digest {
	supervisor := auth.Can(&user, auth.Supervise)
	for _, c := range open.cases {
		t, ok := open.targets[c.TargetID]
		if !ok {
			continue
		}
		line := CaseLine{Case: c, Target: t, Late: c.Late(today)}
		switch {
		case supervisor && c.State == projects.CaseAnswered:
			d.Answers = append(d.Answers, line)
		case supervisor && line.Late:
			d.Waiting = append(d.Waiting, line)
		case !supervisor && c.Open() && assigned(user, open.engineers[t.ProjectID]):
			d.Waiting = append(d.Waiting, line)
		}
	}
	return d
}

// caseGroup is a heading of a digest's 督办 and its cases.
type caseGroup struct {
	title string
	lines []CaseLine
}

// caseGroups are the digest's 督办 under their headings, leaving out an
// empty one: most days there is none.
func (d Digest) caseGroups() []caseGroup {
	var groups []caseGroup
	for _, g := range []caseGroup{{"digest.cases_waiting", d.Waiting}, {"digest.cases_answered", d.Answers}} {
		if len(g.lines) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// words is one 督办 of a digest in the reader's language.
func (c CaseLine) words(l *locale.Locale) string {
	name := l.Name(c.Target.ListedName, c.Target.Project.NameEn)
	target := l.T("digest.target", "Year", c.Target.Year, "List", l.T("list."+string(c.Target.List)))
	// A case opened before cases had due dates has none.
	item := l.T("digest.case_item_no_due", "Name", name, "Target", target)
	if !c.Case.DueOn.IsZero() {
		item = l.T("digest.case_item", "Name", name, "Target", target, "Due", l.Date(c.Case.DueOn))
	}
	if c.Late {
		item += " " + l.T("case.state_late")
	}
	return item
}

func assigned(user auth.User, engineers []auth.User) bool {
	for _, e := range engineers {
		if e.ID == user.ID {
			return true
		}
	}
	return false
}

// BuildDigest makes a user's digest from the open targets (each with its
// project) and the engineers who answer for each project.
func BuildDigest(user auth.User, targets []projects.Target, engineers map[int64][]auth.User,
	rule projects.StatusRule, today civil.Date, now time.Time, staleDays int) Digest {
	scoped := Concerning(user, targets, engineers)
	d := Digest{Day: today}
	for _, r := range console.Rows(scoped, engineers, nil, rule, today, now, staleDays, nil) {
		if r.Status == projects.StatusOverdue {
			d.Overdue = append(d.Overdue, r)
		} else {
			d.AtRisk = append(d.AtRisk, r)
		}
	}
	seen := map[int64]bool{}
	for _, t := range scoped {
		p := t.Project
		if !seen[p.ID] && now.Sub(p.LastReported()) > time.Duration(staleDays)*24*time.Hour {
			seen[p.ID] = true
			d.Stale = append(d.Stale, p)
		}
	}
	return d
}

// Concerning returns the targets that concern a user: for a supervisor or
// an administrator all of them, for an engineer those of the projects
// assigned to them.
func Concerning(user auth.User, targets []projects.Target, engineers map[int64][]auth.User) []projects.Target {
	if auth.Can(&user, auth.Supervise) {
		return targets
	}
	var mine []projects.Target
	for _, t := range targets {
		for _, e := range engineers[t.ProjectID] {
			if e.ID == user.ID {
				mine = append(mine, t)
				break
			}
		}
	}
	return mine
}

// Sender sends one plain-text e-mail.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTP sends mail through a mail server (RFC 5321): over STARTTLS when the
// server offers it, with PLAIN authentication when a username is given
// (which net/smtp refuses without TLS unless the server is this machine).
type SMTP struct {
	Addr     string // host:port
	From     string // an address, with or without a display name
	Username string
	Password string
}

// sendTimeout bounds one message's whole exchange with the mail server, so
// that a server that stops answering holds up neither the other digests
// nor the shutdown.
const sendTimeout = 30 * time.Second

// Send sends a UTF-8 plain-text message, quoted-printable so that it
// passes any mail server.
func (s SMTP) Send(ctx context.Context, to, subject, body string) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("mail server address: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return err
	}
	// Ending ctx (the server shutting down) ends the exchange at once.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	client, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer client.Close()
	if ok, _ := client.Extension("STARTTLS"); ok {
		if err := client.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if s.Username != "" {
		if err := client.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := client.Mail(from.Address); err != nil {
		return err
	}
	if err := client.Rcpt(to); err != nil {
		return err
	}
	w, err := client.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(from, to, subject, body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The server has taken the message; a failed goodbye does not make it
	// untaken, and must not send it again.
	_ = client.Quit()
	return nil
}

// message writes an e-mail (RFC 5322) with a UTF-8 subject and body.
func message(from *mail.Address, to, subject, body string) []byte {
	_, domain, _ := strings.Cut(from.Address, "@")
	var b bytes.Buffer
	b.WriteString("From: " + from.String() + "\r\n" +
		"To: " + (&mail.Address{Address: to}).String() + "\r\n" +
		"Subject: " + mime.BEncoding.Encode("UTF-8", subject) + "\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + rand.Text() + "@" + domain + ">\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}

// Digester makes the daily digests and, given a mail server, sends them
// once a day.
type Digester struct {
	projects  *projects.Store
	users     *auth.Store
	store     *Store
	catalog   *locale.Catalog
	rule      projects.StatusRule
	staleDays int
	location  *time.Location
	siteURL   string
	hour      int    // the hour of the day, in the district, from which the digests go out
	sender    Sender // nil: no e-mail, the page only
	log       *slog.Logger
}

// DigesterConfig is what a Digester needs beyond its stores.
type DigesterConfig struct {
	Rule      projects.StatusRule
	StaleDays int
	Location  *time.Location
	SiteURL   string // for the links in e-mails
	Hour      int
	Sender    Sender
	Log       *slog.Logger
}

// NewDigester returns a digester that reads the open work from p and users,
// records in store which digests were sent, and writes them in the words
// of catalog. Without cfg.Sender it makes the digest page only.
func NewDigester(p *projects.Store, users *auth.Store, store *Store, catalog *locale.Catalog, cfg DigesterConfig) *Digester {
	return &Digester{projects: p, users: users, store: store, catalog: catalog, rule: cfg.Rule, staleDays: cfg.StaleDays,
		location: cfg.Location, siteURL: strings.TrimSuffix(cfg.SiteURL, "/"), hour: cfg.Hour, sender: cfg.Sender, log: cfg.Log}
}

// For returns a user's digest as of now.
func (d *Digester) For(ctx context.Context, user auth.User, now time.Time) (Digest, error) {
	targets, engineers, err := d.openWork(ctx)
	if err != nil {
		return Digest{}, err
	}
	cases, err := d.openCases(ctx)
	if err != nil {
		return Digest{}, err
	}
	today := civil.DateOf(now.In(d.location))
	filing, err := d.projects.MonthFiling(ctx, projects.MonthToReport(today))
	if err != nil {
		return Digest{}, err
	}
	mine, err := d.users.AssignedProjectIDs(ctx, user.ID)
	if err != nil {
		return Digest{}, err
	}
	return BuildDigest(user, targets, engineers, d.rule, today, now, d.staleDays).WithCases(user, cases, today).
		WithReports(user, filing, mine), nil
}

// openCases reads the 督办 not closed with their targets and engineers.
func (d *Digester) openCases(ctx context.Context) (openCases, error) {
	cases, err := d.projects.UnclosedCases(ctx)
	if err != nil || len(cases) == 0 {
		return openCases{}, err
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.TargetID
	}
	targets, err := d.projects.CaseTargets(ctx, ids)
	if err != nil {
		return openCases{}, err
	}
	projectIDs := make([]int64, 0, len(targets))
	for _, t := range targets {
		projectIDs = append(projectIDs, t.ProjectID)
	}
	engineers, err := d.users.AssignedUsers(ctx, projectIDs)
	return openCases{cases: cases, targets: targets, engineers: engineers}, err
}

func (d *Digester) openWork(ctx context.Context) ([]projects.Target, map[int64][]auth.User, error) {
	targets, err := d.projects.OpenTargets(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ProjectID)
	}
	engineers, err := d.users.AssignedUsers(ctx, ids)
	return targets, engineers, err
}

// SendDue sends, from the configured hour on, the day's digest to every
// active member of staff with an e-mail address who has not had it yet,
// and reports how many went out. A day's digest is claimed in the database
// before it is sent, so a restart or a second instance never sends it
// twice; a failed sending gives the claim back for the next round. An
// empty digest is not sent.
func (d *Digester) SendDue(ctx context.Context, now time.Time) (int, error) {
	local := now.In(d.location)
	if d.sender == nil || local.Hour() < d.hour {
		return 0, nil
	}
	day := civil.DateOf(local).String()
	users, err := d.users.Users(ctx)
	if err != nil {
		return 0, err
	}
	targets, engineers, err := d.openWork(ctx)
	if err != nil {
		return 0, err
	}
	cases, err := d.openCases(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, u := range users {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		if !u.Active || u.Email == "" || u.MustChangePassword {
			continue
		}
		digest := BuildDigest(u, targets, engineers, d.rule, civil.DateOf(local), now, d.staleDays).WithCases(u, cases, civil.DateOf(local))
		if digest.Empty() {
			continue
		}
		claimed, err := d.store.ClaimDigest(ctx, u.ID, day)
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue
		}
		subject, body := d.Mail(digest, d.catalog.For(u.Language))
		if err := d.sender.Send(ctx, u.Email, subject, body); err != nil {
			d.log.Warn("daily digest not sent; it will be tried again", "user", u.Username, "error", err)
			// Give the claim back even when the sending was cut short by
			// the server shutting down: the next start tries again.
			if err := d.store.ReleaseDigest(context.WithoutCancel(ctx), u.ID, day); err != nil {
				return sent, err
			}
			continue
		}
		sent++
	}
	return sent, nil
}

// Run sends the due digests every few minutes until ctx ends; without a
// mail server it returns at once.
func (d *Digester) Run(ctx context.Context, now func() time.Time) {
	if d.sender == nil {
		return
	}
	ticker := time.NewTicker(5 * time.Minute)
	defer ticker.Stop()
	for {
		if n, err := d.SendDue(ctx, now()); err != nil && ctx.Err() == nil {
			d.log.Error("daily digests", "error", err)
		} else if n > 0 {
			d.log.Info("daily digests sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Mail writes a digest as an e-mail in the reader's language.
func (d *Digester) Mail(digest Digest, l *locale.Locale) (subject, body string) {
	var b strings.Builder
	subject = l.T("digest.subject", "Date", l.Date(digest.Day))
	line := func(s string) { b.WriteString(s + "\n") }
	line(subject)
	line("")
	for _, group := range []struct {
		title string
		rows  []console.Row
		days  string
	}{
		{"digest.overdue", digest.Overdue, "digest.days_overdue"},
		{"digest.at_risk", digest.AtRisk, "digest.days_left"},
	} {
		line(l.T(group.title, "Count", len(group.rows)))
		if len(group.rows) == 0 {
			line(l.T("console.none"))
		}
		for _, r := range group.rows {
			line(l.T("digest.item", "Name", l.Name(r.Target.ListedName, r.Target.Project.NameEn),
				"Target", l.T("digest.target", "Year", r.Target.Year, "List", l.T("list."+string(r.Target.List))),
				"Deadline", l.T("year.deadline", "Date", l.Date(r.Target.Deadline)), "Days", l.T(group.days, "Count", r.Days)))
			line("  " + d.siteURL + projects.ProjectURL(r.Target.ProjectID))
		}
		line("")
	}
	for _, group := range digest.caseGroups() {
		line(l.T(group.title, "Count", len(group.lines)))
		for _, c := range group.lines {
			line(c.words(l))
			line("  " + d.siteURL + projects.CommentsURL(c.Target.ID))
		}
		line("")
	}
	line(l.T("digest.stale", "Count", len(digest.Stale), "Days", d.staleDays))
	if len(digest.Stale) == 0 {
		line(l.T("console.none"))
	}
	for _, p := range digest.Stale {
		line("- " + l.Name(p.Name, p.NameEn))
		line("  " + d.siteURL + projects.ProjectURL(p.ID))
	}
	line("")
	if lines := digest.reportLines(l); len(lines) > 0 {
		for _, s := range lines {
			line(s)
		}
		line("  " + d.siteURL + projects.FilingURL(digest.Reports.Month))
		line("")
	}
	line(l.T("digest.footer", "URL", d.siteURL+DigestPath))
	return subject, b.String()
}
