package notify_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/notify"
	"shuangshi/internal/notify/notifytest"
	"shuangshi/internal/projects"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

const (
	wecomURL    = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey
	dingTalkURL = "https://oapi.dingtalk.com/robot/send?access_token=" + dingTalkToken
	publicURL   = "https://shuangshi.example.gov.cn"
)

// robotSite is a site whose robots are local fakes, with li assigned to
// 海安路 and an administrator, adm, signed in.
type robotSite struct {
	*sitetest.Site
	wecom *notifytest.WeCom
	ding  *notifytest.DingTalk
	adm   *sitetest.Browser
}

func newRobotSite(t *testing.T, change ...func(*site.Config)) *robotSite {
	t.Helper()
	var clock func() time.Time
	now := func() time.Time { return clock() }
	wecom := notifytest.NewWeCom(t, wecomKey)
	ding := notifytest.NewDingTalk(t, now, map[string]string{dingTalkToken: dingTalkSign})
	s := sitetest.NewEditing(t, func(cfg *site.Config) {
		cfg.Robots = notify.Robots{WeComURL: wecom.URL(), DingTalkURL: ding.URL()}
		cfg.PublicURL = publicURL
		cfg.DigestHour = 8
		for _, c := range change {
			c(cfg)
		}
	})
	clock = s.Clock.Now
	return &robotSite{Site: s, wecom: wecom, ding: ding, adm: s.SignIn(t, "adm", sitetest.Password)}
}

// addChannel adds a channel through the administrators' form.
func (s *robotSite) addChannel(t *testing.T, fields map[string]string) {
	t.Helper()
	s.adm.Get(notify.ChannelsPath + "/new")
	// The notices' tests leave the digest out: the site's clock is past
	// the digest hour.
	form := url.Values{"language": {"zh-CN"}, "notices": {"on"}}
	for k, v := range fields {
		form.Set(k, v)
	}
	sitetest.WantStatus(t, "add the channel "+fields["name"], s.adm.Post(notify.ChannelsPath, form), http.StatusSeeOther)
}

func (s *robotSite) addWeComSite(t *testing.T) {
	s.addChannel(t, map[string]string{"name": "全区督办群", "service": "wecom", "scope": "site", "webhook": wecomURL})
}

func (s *robotSite) addDingTalkFor(t *testing.T, user auth.User) {
	s.addChannel(t, map[string]string{"name": "李工", "service": "dingtalk", "scope": "user", "user_id": sitetest.ID(user.ID),
		"webhook": dingTalkURL, "secret": dingTalkSign})
}

// openCase opens a 督办 on 海安路's 2023 target and announces it to li.
func (s *robotSite) openCase(t *testing.T, key string) projects.Notice {
	t.Helper()
	ctx := t.Context()
	store := projects.NewStore(s.Site.Site.DB, s.Clock.Now)
	p, err := store.Project(ctx, sitetest.Haian)
	if err != nil {
		t.Fatal(err)
	}
	target := p.Targets[len(p.Targets)-1]
	c, err := store.AddComment(ctx, target.ID, "请说明<@all>进度，[链接](http://evil.example)", civil.Date{Year: 2023, Month: time.June, Day: 8}, auth.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	li := s.User(t, "li")
	n := projects.Notice{Kind: projects.NoticeCaseOpened, ProjectID: sitetest.Haian, TargetID: target.ID, CaseID: c.ID, To: []int64{li.ID}, Key: key}
	if err := s.Site.Site.Announcer().Announce(ctx, n); err != nil {
		t.Fatal(err)
	}
	return n
}

func deliver(t *testing.T, s *sitetest.Site) int {
	t.Helper()
	n, err := s.Site.DeliverNotices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestANoticeReachesEachChannelOnceInItsWords(t *testing.T) {
	s := newRobotSite(t)
	s.addWeComSite(t)
	li := s.User(t, "li")
	s.addDingTalkFor(t, li)
	// The site's channel hears what supervisors are told; a new 督办 is
	// told to the engineers: li's channel only.
	s.openCase(t, "case-1-opened")
	s.openCase(t, "case-1-opened") // offered again: queued once
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("sent %d messages, want 1 (li's DingTalk)", got)
	}
	if got := deliver(t, s.Site); got != 0 {
		t.Fatalf("a second round sent %d more", got)
	}
	got := s.ding.Received()
	if len(got) != 1 || len(s.wecom.Received()) != 0 {
		t.Fatalf("DingTalk got %d, WeCom %d; want 1 and 0", len(got), len(s.wecom.Received()))
	}
	msg := got[0]
	for _, want := range []string{"督办：海安路", "2023年6月8日", publicURL + "/targets/"} {
		if !strings.Contains(msg.Content, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg.Content)
		}
	}
	// What the supervisor typed cannot mention everyone or make a link.
	for _, bad := range []string{"<@all>", "](http://evil.example)"} {
		if strings.Contains(msg.Content, bad) {
			t.Errorf("the message carries %q from the 督办's text:\n%s", bad, msg.Content)
		}
	}

	// An escalation goes to the site's channel too, in English for a
	// reader who speaks it.
	s.Site.Site.DB.Write.Exec("UPDATE notice_channels SET language = 'en' WHERE scope = 'site'")
	n := s.openCase(t, "case-2-opened")
	n.Kind, n.Key = projects.NoticeCaseEscalated, "case-2-escalated"
	if err := s.Site.Site.Announcer().Announce(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	if got := deliver(t, s.Site); got != 3 {
		t.Fatalf("sent %d, want 3: the second case and its escalation to li, the escalation to the site", got)
	}
	if w := s.wecom.Received(); len(w) != 1 || !strings.Contains(w[0].Content, "督办 overdue") {
		t.Errorf("WeCom got %+v, want the escalation in English", w)
	}
}

func TestANoticeIsEmailedInTheReadersLanguage(t *testing.T) {
	box, addr := startMailbox(t)
	s := newRobotSite(t, func(cfg *site.Config) {
		cfg.SMTP = notify.SMTP{Addr: addr, From: "双十 <shuangshi@example.gov.cn>"}
	})
	li := s.User(t, "li")
	if _, err := s.Users.SetEmail(t.Context(), li.ID, "li@example.gov.cn", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	s.Site.Site.DB.Write.Exec("UPDATE users SET language = 'en' WHERE id = ?", li.ID)
	s.openCase(t, "mailed")
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("sent %d, want the e-mail to li", got)
	}
	messages, bodies := box.received()
	if len(messages) != 1 || messages[0].Header.Get("To") != "<li@example.gov.cn>" || !strings.Contains(bodies[0], "answer by") ||
		!strings.Contains(bodies[0], publicURL+"/targets/") {
		t.Fatalf("mailed %d: %v\n%s", len(messages), messages, bodies)
	}

	// The mail server refuses for a while: tried again a minute later.
	box.refuse(true)
	s.openCase(t, "mailed-later")
	if got := deliver(t, s.Site); got != 0 {
		t.Fatalf("a refusing server: sent %d", got)
	}
	box.refuse(false)
	s.Clock.Advance(time.Minute)
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("after a minute: sent %d, want 1", got)
	}
}

func TestARefusedSendIsRetriedWithBackoffThenGivenUp(t *testing.T) {
	s := newRobotSite(t)
	s.addWeComSite(t)
	li := s.User(t, "li")
	escalate := func(key string) {
		n := projects.Notice{Kind: projects.NoticeCaseEscalated, ProjectID: sitetest.Haian, To: []int64{li.ID}, Key: key}
		if err := s.Site.Site.Announcer().Announce(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}

	// Refused twice (a 500, then the minute used up), sent the third time:
	// after a minute, then after the minute WeCom asks for.
	s.wecom.Fail(1, notifytest.ServerError)
	s.wecom.Fail(1, notifytest.Throttled)
	escalate("retried")
	steps := []struct {
		advance time.Duration
		sent    int
	}{{0, 0}, {30 * time.Second, 0}, {31 * time.Second, 0}, {119 * time.Second, 0}, {2 * time.Second, 1}, {time.Hour, 0}}
	for i, step := range steps {
		s.Clock.Advance(step.advance)
		if got := deliver(t, s.Site); got != step.sent {
			t.Fatalf("round %d (+%s): sent %d, want %d", i, step.advance, got, step.sent)
		}
	}
	if r := s.wecom.Requests(); r != 3 {
		t.Errorf("WeCom was asked %d times, want 3", r)
	}

	// Refused every time: given up after the last attempt, and logged
	// without the robot's key.
	s.wecom.Fail(100, notifytest.ServerError)
	escalate("refused")
	before := s.wecom.Requests()
	for range 40 {
		deliver(t, s.Site)
		s.Clock.Advance(30 * time.Minute)
	}
	if tries := s.wecom.Requests() - before; tries != 8 {
		t.Errorf("tried %d times, want 8", tries)
	}
	if !strings.Contains(s.Logs.String(), "given up") {
		t.Errorf("the log does not say the notice was given up:\n%s", s.Logs.String())
	}
	assertNoSecret(t, s.Logs.String(), wecomKey, dingTalkToken, dingTalkSign)
}

func TestTwoServersSendEachNoticeOnce(t *testing.T) {
	s := newRobotSite(t)
	s.addWeComSite(t)
	s.addChannel(t, map[string]string{"name": "第二个群", "service": "dingtalk", "scope": "site", "webhook": dingTalkURL, "secret": dingTalkSign})
	s.Stop() // the first server's HTTP side; both outboxes share the file
	first := sitetest.Open(t, s.Config)
	second := sitetest.Open(t, s.Config)
	second.Clock.Set(first.Clock.Now())
	li := first.User(t, "li")
	const notices = 15 // within a robot's 20 a minute
	for i := range notices {
		n := projects.Notice{Kind: projects.NoticeCaseAnswered, ProjectID: sitetest.Haian, To: []int64{li.ID}, Key: "answer-" + strconv.Itoa(i)}
		server := first
		if i%2 == 1 {
			server = second
		}
		if err := server.Site.Announcer().Announce(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, server := range []*sitetest.Site{first, second} {
		wg.Go(func() {
			for range 3 {
				n, err := server.Site.DeliverNotices(context.Background())
				if err != nil {
					t.Error(err)
				}
				counts[i] += n
			}
		})
	}
	wg.Wait()
	if counts[0]+counts[1] != 2*notices {
		t.Errorf("the servers sent %d and %d, want %d in all", counts[0], counts[1], 2*notices)
	}
	if w, d := len(s.wecom.Received()), len(s.ding.Received()); w != notices || d != notices {
		t.Errorf("WeCom got %d, DingTalk %d; want %d each, each notice once", w, d, notices)
	}
}

func TestNothingIsSentTwiceAcrossARestart(t *testing.T) {
	s := newRobotSite(t)
	s.addWeComSite(t)
	li := s.User(t, "li")
	announce := func(site *sitetest.Site, key string) {
		n := projects.Notice{Kind: projects.NoticeCaseAnswered, ProjectID: sitetest.Haian, To: []int64{li.ID}, Key: key}
		if err := site.Site.Announcer().Announce(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	announce(s.Site, "before")
	if got := deliver(t, s.Site); got != 1 {
		t.Fatalf("sent %d, want 1", got)
	}
	announce(s.Site, "queued-before-the-restart")
	// A server that died while sending: its delivery is claimed, its lease
	// runs out.
	announce(s.Site, "interrupted")
	s.Site.Site.DB.Write.Exec(`UPDATE notices SET routed_at = created_at WHERE notice_key = 'interrupted'`)
	s.Site.Site.DB.Write.Exec(`INSERT INTO notice_deliveries (subject, destination, state, attempts, next_attempt_at, claimed_at, lease_until, created_at)
		SELECT 'notice:' || n.id, 'channel:' || c.id, 'sending', 1, n.created_at, n.created_at, n.created_at, n.created_at
		FROM notices n, notice_channels c WHERE n.notice_key = 'interrupted'`)

	restarted := s.Restart(t)
	restarted.Clock.Advance(time.Minute)
	if got := deliver(t, restarted); got != 1 {
		t.Fatalf("after the restart: sent %d, want 1 (the notice queued before it)", got)
	}
	announce(restarted, "before") // offered again after the restart
	restarted.Clock.Advance(time.Hour)
	if got := deliver(t, restarted); got != 0 {
		t.Fatalf("sent %d more, want none", got)
	}
	if w := len(s.wecom.Received()); w != 2 {
		t.Errorf("WeCom got %d messages, want 2", w)
	}
	if !strings.Contains(restarted.Logs.String(), "interrupted") {
		t.Errorf("the interrupted send is not in the log:\n%s", restarted.Logs.String())
	}
}

func TestTheDigestGoesToEachChannelOnceADay(t *testing.T) {
	s := newRobotSite(t)
	s.Site.Site.DB.Write.Exec("UPDATE projects SET unit = '杨浦区建管委' WHERE id = ?", sitetest.Haian)
	s.addChannel(t, map[string]string{"name": "全区督办群", "service": "wecom", "scope": "site", "webhook": wecomURL, "digest": "on"})
	s.addChannel(t, map[string]string{"name": "建管委群", "service": "dingtalk", "scope": "unit", "unit": "杨浦区建管委",
		"webhook": dingTalkURL, "secret": dingTalkSign, "digest": "on"})
	// 7:00 in Shanghai: before the digest hour.
	s.Clock.Set(time.Date(2023, time.December, 1, 23, 0, 0, 0, time.UTC))
	if got := deliver(t, s.Site); got != 0 {
		t.Fatalf("before the hour: sent %d", got)
	}
	s.Clock.Advance(2 * time.Hour)
	if got := deliver(t, s.Site); got != 2 {
		t.Fatalf("from the hour: sent %d, want 2", got)
	}
	s.Clock.Advance(6 * time.Hour)
	if got := deliver(t, s.Site); got != 0 {
		t.Fatalf("later that day: sent %d more", got)
	}
	site := s.wecom.Received()[0].Content
	unit := s.ding.Received()[0].Content
	if !strings.Contains(site, "每日提醒") || !strings.Contains(site, publicURL+notify.DigestPath) {
		t.Errorf("the site's digest:\n%s", site)
	}
	if !strings.Contains(unit, "杨浦区建管委") || !strings.Contains(unit, "海安路") || strings.Count(unit, "\n- ") >= strings.Count(site, "\n- ") {
		t.Errorf("the unit's digest should list its own projects only:\n%s\nthe site's:\n%s", unit, site)
	}
	s.Clock.Advance(24 * time.Hour)
	if got := deliver(t, s.Site); got != 2 {
		t.Fatalf("the next day: sent %d, want 2", got)
	}
}

// TestOutboxOnPostgres runs the outbox's guarantees on PostgreSQL, where
// two servers sharing one database is the normal case.
func TestOutboxOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"two servers":   TestTwoServersSendEachNoticeOnce,
		"restart":       TestNothingIsSentTwiceAcrossARestart,
		"retry":         TestARefusedSendIsRetriedWithBackoffThenGivenUp,
		"digest":        TestTheDigestGoesToEachChannelOnceADay,
		"channel pages": TestChannelFormKeepsSecretsSecret,
	})
}
