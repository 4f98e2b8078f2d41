package notify

import (
	"strings"

	"shuangshi/internal/civil"
	"shuangshi/internal/console"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
)

// note is a message in words, before it is written as Markdown for a
// robot or as plain text for an e-mail.
type note struct {
	Title string
	Lines []string
	// Quote is what someone wrote (a 督办, an answer), shown as theirs.
	Quote string
	// LinkText and LinkURL close the message: where to read more and act.
	// Without a public address for the site there is no link (a path is
	// no use in a chat).
	LinkText, LinkURL string
	// More says how many lines were left out to keep within a limit.
	More func(n int) string
}

// chatText makes text someone typed (a project's name, a 督办) harmless
// in a robot's Markdown: on one line, so that it cannot start a heading or
// a quote of its own, and with no brackets that would make a link, an
// @mention (<@userid>) or a tag (<font>); the full-width forms read the
// same to a Chinese reader.
func chatText(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ",
		"<", "＜", ">", "＞", "[", "［", "]", "］").Replace(s)
}

// markdown writes the note for a robot of the service, within limit
// bytes: lines that do not fit are left out, and said to be.
func (n note) markdown(service Service, limit int) string {
	// DingTalk's Markdown joins lines that a blank line does not separate;
	// WeCom's keeps each line.
	sep := "\n"
	if service == DingTalk {
		sep = "\n\n"
	}
	head := "### " + chatText(n.Title)
	var tail []string
	if n.Quote != "" {
		tail = append(tail, "> "+chatText(TruncateUTF8(n.Quote, 600)))
	}
	if n.LinkURL != "" {
		tail = append(tail, "["+chatText(n.LinkText)+"]("+n.LinkURL+")")
	}
	lines := make([]string, len(n.Lines))
	for i, l := range n.Lines {
		lines[i] = chatText(l)
	}
	build := func(lines []string, more string) string {
		parts := append([]string{head}, lines...)
		if more != "" {
			parts = append(parts, chatText(more))
		}
		return strings.Join(append(parts, tail...), sep)
	}
	out := build(lines, "")
	for kept := len(lines); len(out) > limit && kept > 0; {
		kept--
		more := ""
		if n.More != nil {
			more = n.More(len(lines) - kept)
		}
		out = build(lines[:kept], more)
	}
	return TruncateUTF8(out, limit)
}

// plain writes the note as the text of an e-mail.
func (n note) plain() string {
	var b strings.Builder
	b.WriteString(n.Title + "\n\n")
	for _, l := range n.Lines {
		b.WriteString(l + "\n")
	}
	if n.Quote != "" {
		b.WriteString("\n“" + n.Quote + "”\n")
	}
	if n.LinkURL != "" {
		b.WriteString("\n" + n.LinkText + ": " + n.LinkURL + "\n")
	}
	return b.String()
}

// noticeFacts is what a notice is about, read when it is sent.
type noticeFacts struct {
	Project projects.Project
	Target  projects.Target   // zero when the notice is about the project
	Case    *projects.Comment // nil when the notice is about no 督办
}

// noticeNote puts a notice into words in the reader's language.
func noticeNote(kind projects.NoticeKind, f noticeFacts, l *locale.Locale, siteURL string) note {
	name := l.Name(f.Project.Name, f.Project.NameEn)
	target := name
	if f.Target.ID != 0 {
		target = name + " " + l.T("digest.target", "Year", f.Target.Year, "List", l.T("list."+string(f.Target.List)))
	}
	due := l.T("notice.no_due_date")
	var author, body, answeredBy, answer string
	if c := f.Case; c != nil {
		if !c.DueOn.IsZero() {
			due = l.Date(c.DueOn)
		}
		author, body, answeredBy, answer = c.AuthorName, c.Body, c.AnsweredBy, c.Answer
	}
	n := note{LinkText: l.T("notice.open_case")}
	link := projects.ProjectURL(f.Project.ID)
	if f.Target.ID != 0 {
		link = projects.CommentsURL(f.Target.ID)
	}
	switch kind {
	case projects.NoticeCaseOpened:
		n.Title = l.T("notice.case_opened_title", "Name", name)
		n.Lines = []string{l.T("notice.case_opened", "Author", author, "Target", target, "Due", due)}
		n.Quote = body
	case projects.NoticeCaseAnswered:
		n.Title = l.T("notice.case_answered_title", "Name", name)
		n.Lines = []string{l.T("notice.case_answered", "Who", answeredBy, "Target", target)}
		n.Quote = answer
	case projects.NoticeCaseEscalated:
		n.Title = l.T("notice.case_escalated_title", "Name", name)
		n.Lines = []string{l.T("notice.case_escalated", "Target", target, "Due", due)}
		n.Quote = body
	case projects.NoticeReviewReturned:
		n.Title = l.T("notice.review_returned_title", "Name", name)
		n.Lines = []string{l.T("notice.review_returned", "Name", name)}
		n.LinkText, link = l.T("notice.open_project"), projects.ProjectURL(f.Project.ID)+"/edit"
	default:
		n.Title = name
	}
	if siteURL != "" {
		n.LinkURL = siteURL + link
	}
	return n
}

// digestNote puts a digest into words for a group: scope says whose it
// is, in the reader's language.
func digestNote(d Digest, scope string, staleDays int, l *locale.Locale, siteURL string) note {
	n := note{Title: l.T("digest.subject", "Date", l.Date(d.Day)), LinkText: l.T("notice.open_digest")}
	n.Lines = append(n.Lines, scope)
	for _, group := range []struct {
		title string
		rows  []console.Row
		days  string
	}{
		{"digest.overdue", d.Overdue, "digest.days_overdue"},
		{"digest.at_risk", d.AtRisk, "digest.days_left"},
	} {
		if len(group.rows) == 0 {
			continue
		}
		n.Lines = append(n.Lines, l.T(group.title, "Count", len(group.rows)))
		for _, r := range group.rows {
			n.Lines = append(n.Lines, l.T("digest.item", "Name", l.Name(r.Target.ListedName, r.Target.Project.NameEn),
				"Target", l.T("digest.target", "Year", r.Target.Year, "List", l.T("list."+string(r.Target.List))),
				"Deadline", l.T("year.deadline", "Date", l.Date(r.Target.Deadline)), "Days", l.T(group.days, "Count", r.Days)))
		}
	}
	for _, group := range d.caseGroups() {
		n.Lines = append(n.Lines, l.T(group.title, "Count", len(group.lines)))
		for _, c := range group.lines {
			n.Lines = append(n.Lines, c.words(l))
		}
	}
	if len(d.Stale) > 0 {
		n.Lines = append(n.Lines, l.T("digest.stale", "Count", len(d.Stale), "Days", staleDays))
		for _, p := range d.Stale {
			n.Lines = append(n.Lines, "- "+l.Name(p.Name, p.NameEn))
		}
	}
	n.Lines = append(n.Lines, d.reportLines(l)...)
	n.More = func(k int) string { return l.T("notice.more", "Count", k) }
	if siteURL != "" {
		n.LinkURL = siteURL + DigestPath
	}
	return n
}

// testNote is the message of the "send a test message" button.
func testNote(l *locale.Locale, channel string, today civil.Date) note {
	return note{Title: l.T("notice.test_title"), Lines: []string{l.T("notice.test", "Channel", channel, "Date", l.Date(today))}}
}
