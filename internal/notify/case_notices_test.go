package notify_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestACaseIsToldWhereStaffReadNotices follows a 督办 through the pages
// and finds each of its steps in the chats of those it concerns: the
// engineer hears of it opened, reopened and escalated; the supervisor of
// its answer and its escalation, once each.
func TestACaseIsToldWhereStaffReadNotices(t *testing.T) {
	s := newRobotSite(t)
	li := s.User(t, "li")
	s.addDingTalkFor(t, li)
	sup := s.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	s.addChannel(t, map[string]string{"name": "赵督办", "service": "wecom", "scope": "user", "user_id": sitetest.ID(sup.ID), "webhook": wecomURL})
	s.Clock.Advance(190 * 24 * time.Hour)

	supervisor := s.SignIn(t, "sup", sitetest.Password)
	link := supervisor.Get("/overdue?engineer="+sitetest.ID(li.ID)).Doc.Find(`[data-testid="console-cases"]`).First().AttrOr("href", "")
	due := supervisor.Get(link).Doc.Find(`input[name="due"]`).AttrOr("value", "")
	sitetest.WantStatus(t, "a 督办", supervisor.Post(link, url.Values{"body": {"请说明竣工验收安排。"}, "due": {due}}), http.StatusSeeOther)
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("opening sent %d messages, want 1 to li", got)
	}
	if got := s.ding.Received(); len(got) != 1 || !strings.Contains(got[0].Content, "请说明竣工验收安排") {
		t.Fatalf("li's DingTalk got %+v", got)
	}

	engineer := s.SignIn(t, "li", sitetest.Password)
	comment := engineer.Get("/my/projects").Doc.Find(`[data-testid="open-comments"] [data-testid="comment"]`)
	action, field := comment.Find("form").AttrOr("action", ""), comment.Find("textarea").AttrOr("name", "")
	sitetest.WantStatus(t, "the answer", engineer.Post(action, url.Values{field: {"已排定验收。"}}), http.StatusSeeOther)
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("answering sent %d messages, want 1 to the supervisor", got)
	}
	if got := s.wecom.Received(); len(got) != 1 || !strings.Contains(got[0].Content, "已排定验收") {
		t.Fatalf("the supervisor's WeCom got %+v", got)
	}

	// Reopened with a date, then left unanswered past it: escalated once.
	decision := supervisor.Get(link).Doc.Find(`[data-testid="case-decision"]`)
	reopen := decision.Find(`button[formaction$="/reopen"]`).AttrOr("formaction", "")
	note, dueField := decision.Find("textarea").AttrOr("name", ""), decision.Find(`input[type="date"]`).AttrOr("name", "")
	sitetest.WantStatus(t, "reopening", supervisor.Post(reopen, url.Values{note: {"请补充验收单位。"}, dueField: {due}}), http.StatusSeeOther)
	if got := deliver(t, s.Site); got != 1 || len(s.ding.Received()) != 2 {
		t.Fatalf("reopening sent %d messages; li's DingTalk has %d", got, len(s.ding.Received()))
	}
	if n, err := s.Site.Site.EscalateLateCases(t.Context()); err != nil || n != 0 {
		t.Fatalf("a case in time was escalated: %d, %v", n, err)
	}
	s.Clock.Advance(8 * 24 * time.Hour)
	if n, err := s.Site.Site.EscalateLateCases(t.Context()); err != nil || n != 1 {
		t.Fatalf("escalated %d late cases, %v; want 1", n, err)
	}
	if n, err := s.Site.Site.EscalateLateCases(t.Context()); err != nil || n != 0 {
		t.Fatalf("the late case was escalated again: %d, %v", n, err)
	}
	if got := deliver(t, s.Site); got != 2 {
		t.Fatalf("the escalation sent %d messages, want 2: li and the supervisor", got)
	}
	ding, wecom := s.ding.Received(), s.wecom.Received()
	if len(ding) != 3 || len(wecom) != 2 || !strings.Contains(ding[2].Content, "逾期") || !strings.Contains(wecom[1].Content, "逾期") {
		t.Errorf("after the escalation li has %d messages, the supervisor %d: %+v %+v", len(ding), len(wecom), ding, wecom)
	}
}
