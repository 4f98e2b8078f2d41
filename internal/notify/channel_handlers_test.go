package notify_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/notify"
	"shuangshi/internal/notify/notifytest"
	"shuangshi/internal/site/sitetest"
)

func TestChannelFormKeepsSecretsSecret(t *testing.T) {
	s := newRobotSite(t)
	b := s.adm
	b.Get(notify.ChannelsPath + "/new")

	// Refused: an address that is not DingTalk's, and no secret. The
	// page keeps what was typed but the address and the secret.
	refused := b.Post(notify.ChannelsPath, url.Values{
		"name": {"建管委群"}, "service": {"dingtalk"}, "scope": {"site"}, "language": {"zh-CN"},
		"webhook": {"http://10.0.0.1/robot/send?access_token=" + dingTalkToken},
	})
	sitetest.WantStatus(t, "a refused channel", refused, http.StatusUnprocessableEntity)
	for _, field := range []string{"webhook", "secret"} {
		if refused.Doc.Find(`[data-testid="error-`+field+`"]`).Length() != 1 {
			t.Errorf("no message beside %s", field)
		}
	}
	if v, _ := refused.Doc.Find(`#name`).Attr("value"); v != "建管委群" {
		t.Errorf("the name typed is not kept: %q", v)
	}
	if strings.Contains(refused.Body, dingTalkToken) {
		t.Error("the refused page shows the token typed")
	}

	s.addChannel(t, map[string]string{"name": "建管委群", "service": "dingtalk", "scope": "site", "webhook": dingTalkURL, "secret": dingTalkSign})
	list := b.Get(notify.ChannelsPath)
	hint := list.Doc.Find(`[data-testid="key-hint"]`).Text()
	if hint != "…"+dingTalkToken[len(dingTalkToken)-4:] {
		t.Errorf("the list shows %q of the token, want its last four characters", hint)
	}
	channel, _ := list.Doc.Find(`[data-testid="channel"] a`).Attr("href")
	edit := b.Get(channel)
	sitetest.WantStatus(t, "the channel's page", edit, http.StatusOK)

	// Saved with the webhook and the secret left blank: both are kept, and
	// the test message is signed with the secret.
	form := url.Values{"name": {"建管委工作群"}, "service": {"dingtalk"}, "scope": {"site"}, "language": {"en"}, "notices": {"on"}}
	sitetest.WantStatus(t, "save with blank secrets", b.Post(channel, form), http.StatusSeeOther)
	b.Get(channel)
	sitetest.WantStatus(t, "send a test message", b.Post(channel+"/test", nil), http.StatusSeeOther)
	tested := b.Get(channel)
	if r := s.ding.Received(); len(r) != 1 || !strings.Contains(r[0].Content, "建管委工作群") {
		t.Fatalf("DingTalk got %+v, want the test message", r)
	}
	if got := sitetest.Text(tested.Doc.Find(`[data-testid="test-result"]`)); got == "" {
		t.Error("the page does not say how the test went")
	}
	// A refused test says what the service said, not the address.
	s.ding.Fail(1, notifytest.Throttled)
	b.Post(channel+"/test", nil)
	refusedTest := b.Get(channel)
	if got := sitetest.Text(refusedTest.Doc.Find(`[data-testid="test-result"]`)); !strings.Contains(got, "130101") {
		t.Errorf("the refused test says %q, want the errcode", got)
	}

	// Nowhere in the pages, the log or the database in the clear.
	pages := list.Body + edit.Body + tested.Body + refusedTest.Body + b.Get(notify.ChannelsPath).Body
	assertNoSecret(t, pages, dingTalkToken, dingTalkSign)
	assertNoSecret(t, s.Logs.String(), dingTalkToken, dingTalkSign)
	var stored []string
	s.Site.Site.DB.Read.Raw("SELECT sealed_key || sealed_secret FROM notice_channels").Scan(&stored)
	assertNoSecret(t, strings.Join(stored, " "), dingTalkToken, dingTalkSign)

	sitetest.WantStatus(t, "remove the channel", b.Post(channel+"/delete", nil), http.StatusSeeOther)
	sitetest.WantStatus(t, "the removed channel", b.Get(channel), http.StatusNotFound)
}
