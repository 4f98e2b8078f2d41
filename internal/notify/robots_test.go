package notify_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"shuangshi/internal/notify"
	"shuangshi/internal/notify/notifytest"
)

const (
	wecomKey      = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	dingTalkToken = "b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1"
	dingTalkSign  = "SEC8c1e3b1f0c3a4e5d6f7081920a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2"
)

func TestRobotsPostWhatTheServicesDocument(t *testing.T) {
	now := time.Date(2023, time.June, 1, 10, 0, 0, 0, time.UTC)
	wecom := notifytest.NewWeCom(t, wecomKey)
	ding := notifytest.NewDingTalk(t, func() time.Time { return now }, map[string]string{dingTalkToken: dingTalkSign})
	robots := notify.Robots{WeComURL: wecom.URL(), DingTalkURL: ding.URL()}
	// Longer than any limit, in characters of three bytes: cut at a
	// character's boundary, the cut said.
	long := "### 督办\n" + strings.Repeat("海安路道路综合整治工程", 200)
	for _, robot := range []notify.Robot{
		{Service: notify.WeCom, Key: wecomKey},
		{Service: notify.DingTalk, Key: dingTalkToken, Secret: dingTalkSign},
	} {
		if err := robots.Send(t.Context(), robot, notify.Message{Title: "督办", Markdown: long}, now); err != nil {
			t.Fatalf("%s: %v", robot.Service, err)
		}
	}
	for _, got := range append(wecom.Received(), ding.Received()...) {
		if got.MsgType != "markdown" || len(got.Content) > 4096 || !utf8.ValidString(got.Content) || !strings.HasSuffix(got.Content, "…") {
			t.Errorf("%s: %d bytes, valid %v, ends %q", got.MsgType, len(got.Content), utf8.ValidString(got.Content), got.Content[len(got.Content)-6:])
		}
	}
	if r := ding.Received(); len(r) != 1 || r[0].Title != "督办" {
		t.Errorf("DingTalk got %+v, want one message titled 督办", r)
	}
}

func TestRobotsSayWhyAMessageWasRefused(t *testing.T) {
	now := time.Date(2023, time.June, 1, 10, 0, 0, 0, time.UTC)
	wecom := notifytest.NewWeCom(t, wecomKey)
	ding := notifytest.NewDingTalk(t, func() time.Time { return now }, map[string]string{dingTalkToken: dingTalkSign})
	robots := notify.Robots{WeComURL: wecom.URL(), DingTalkURL: ding.URL(), Client: &http.Client{Timeout: 200 * time.Millisecond}}
	wecomRobot := notify.Robot{Service: notify.WeCom, Key: wecomKey}
	dingRobot := notify.Robot{Service: notify.DingTalk, Key: dingTalkToken, Secret: dingTalkSign}
	msg := notify.Message{Title: "t", Markdown: "### t"}

	tests := []struct {
		name      string
		setup     func()
		robot     notify.Robot
		at        time.Time
		code      int
		status    int
		permanent bool
		retry     time.Duration
	}{
		{"a busy WeCom", func() { wecom.Fail(1, notifytest.ServerError) }, wecomRobot, now, 0, 500, false, 0},
		{"WeCom's minute used up", func() { wecom.Fail(1, notifytest.Throttled) }, wecomRobot, now, 45009, 200, false, time.Minute},
		{"an unknown WeCom key", wecom.ExpectProblems, notify.Robot{Service: notify.WeCom, Key: "no-such-robot-key"}, now, 93000, 200, true, 0},
		{"DingTalk holding the robot back", func() { ding.Fail(1, notifytest.Throttled) }, dingRobot, now, 130101, 200, false, 10 * time.Minute},
		{"a wrong DingTalk secret", ding.ExpectProblems, notify.Robot{Service: notify.DingTalk, Key: dingTalkToken, Secret: "SECwrongwrongwrongwrongwrong"}, now, 310000, 200, true, 0},
		{"a clock two hours off", ding.ExpectProblems, dingRobot, now.Add(-2 * time.Hour), 310000, 200, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			err := robots.Send(t.Context(), tc.robot, msg, tc.at)
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a SendError", err)
			}
			if se.Code != tc.code || se.Status != tc.status || se.Permanent != tc.permanent || se.RetryAfter != tc.retry {
				t.Errorf("got code %d, status %d, permanent %v, retry after %s; want %d, %d, %v, %s",
					se.Code, se.Status, se.Permanent, se.RetryAfter, tc.code, tc.status, tc.permanent, tc.retry)
			}
			assertNoSecret(t, err.Error(), wecomKey, dingTalkToken, dingTalkSign)
		})
	}

	// A service that does not answer in time, or cannot be reached: the
	// error names neither the address's key nor the secret, which
	// url.Error would quote.
	wecom.Fail(1, notifytest.Hang)
	err := robots.Send(t.Context(), wecomRobot, msg, now)
	if err == nil || !strings.Contains(err.Error(), "no answer in time") {
		t.Errorf("a hanging service: got %v", err)
	}
	assertNoSecret(t, err.Error(), wecomKey)
	closed := notify.Robots{WeComURL: "http://127.0.0.1:1/cgi-bin/webhook/send"}
	err = closed.Send(t.Context(), wecomRobot, msg, now)
	if err == nil {
		t.Fatal("a closed port took the message")
	}
	assertNoSecret(t, err.Error(), wecomKey)
}

func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(text, s[len(s)-12:]) {
			t.Errorf("a secret shows in %q", text)
		}
	}
}

func TestTruncateUTF8CutsAtACharacter(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "…"},
		{"abcdef", 5, "ab…"},
		{"海安路", 9, "海安路"},
		{"海安路工程", 8, "海…"},
		{"海安路工程", 7, "海…"},
		{"海安路工程", 2, ""},
		{"bad\xffbyte", 100, "bad\uFFFDbyte"},
	}
	for _, tc := range tests {
		if got := notify.TruncateUTF8(tc.in, tc.n); got != tc.want || len(got) > tc.n && tc.n >= 3 {
			t.Errorf("TruncateUTF8(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestParseWebhookTakesOnlyTheServicesAddresses(t *testing.T) {
	tests := []struct {
		service notify.Service
		address string
		key     string // "" refused
	}{
		{notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, wecomKey},
		{notify.WeCom, "  https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey + " ", wecomKey},
		{notify.WeCom, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, ""},
		{notify.WeCom, "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=" + wecomKey, ""},
		{notify.WeCom, "https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, ""},
		{notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey + "&to=http://10.0.0.1", ""},
		{notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a/../b", ""},
		{notify.WeCom, "https://oapi.dingtalk.com/robot/send?access_token=" + dingTalkToken, ""},
		{notify.WeCom, "http://10.0.0.1:8080/cgi-bin/webhook/send?key=" + wecomKey, ""},
		{notify.DingTalk, "https://oapi.dingtalk.com/robot/send?access_token=" + dingTalkToken, dingTalkToken},
		{notify.DingTalk, "https://oapi.dingtalk.com/robot/send?key=" + dingTalkToken, ""},
		{notify.DingTalk, "https://oapi.dingtalk.com/robot/send", ""},
	}
	for _, tc := range tests {
		key, err := notify.ParseWebhook(tc.service, tc.address)
		if key != tc.key || (err == nil) != (tc.key != "") {
			t.Errorf("ParseWebhook(%s, %q) = %q, %v; want %q", tc.service, tc.address, key, err, tc.key)
		}
	}
}

func TestSealerSurvivesARotationOfTheSessionKeys(t *testing.T) {
	k := func(b byte) []byte { return []byte(strings.Repeat(string(rune('a'+b)), 64)) }
	old, err := notify.NewSealer([][]byte{k(0)})
	if err != nil {
		t.Fatal(err)
	}
	sealed := old.Seal("key", wecomKey)
	if strings.Contains(sealed, wecomKey) || sealed == wecomKey {
		t.Fatalf("sealed %q shows the key", sealed)
	}
	if v, stale, err := old.Open("key", sealed); v != wecomKey || stale || err != nil {
		t.Errorf("opened with its own key: %q, stale %v, %v", v, stale, err)
	}
	if _, _, err := old.Open("secret", sealed); err == nil {
		t.Error("a value sealed for one column opens in another")
	}
	rotated, _ := notify.NewSealer([][]byte{k(1), k(0)})
	if v, stale, err := rotated.Open("key", sealed); v != wecomKey || !stale || err != nil {
		t.Errorf("after a rotation: %q, stale %v, %v; want the key, stale", v, stale, err)
	}
	removed, _ := notify.NewSealer([][]byte{k(1)})
	if _, _, err := removed.Open("key", sealed); !errors.Is(err, notify.ErrUnsealable) {
		t.Errorf("with the old key removed: %v, want ErrUnsealable", err)
	}
}
