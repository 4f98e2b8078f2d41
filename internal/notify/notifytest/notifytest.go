// Package notifytest has local fakes of WeCom's group robot and DingTalk's
// custom robot that check each request against what the services
// document, record the messages they take, and can be told to refuse the
// next few.
//
// What they check, from the documentation:
//   - WeCom (developer.work.weixin.qq.com/document/path/91770): a POST of
//     JSON (Content-Type application/json) to /cgi-bin/webhook/send?key=KEY
//     with a known key; msgtype "text" (text.content, at most 2048 bytes)
//     or "markdown" (markdown.content, at most 4096 bytes), UTF-8. The
//     answer is {"errcode":0,"errmsg":"ok"}; 93000 for an unknown key;
//     45009 beyond 20 messages a minute.
//   - DingTalk (open.dingtalk.com/document/robots/custom-robot-access and
//     …/customize-robot-security-settings): a POST of JSON to
//     /robot/send?access_token=TOKEN&timestamp=MS&sign=SIGN with a known
//     token; for a robot with a secret, the timestamp within an hour of
//     the fake's clock and SIGN = base64(HMAC-SHA256(secret,
//     timestamp+"\n"+secret)) (310000 otherwise); msgtype "text"
//     (text.content) or "markdown" (markdown.title and markdown.text),
//     UTF-8. The answer has errcode 0; 130101 when sending too fast.
//
// A request that breaks a rule is refused as the service would and noted
// as a problem; a test fails at its end when a fake saw a problem it was
// not told to expect.
package notifytest

import (
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"shuangshi/internal/notify"
)

// Failure is how a fake refuses a request it was told to refuse.
type Failure int

// The failures.
const (
	// ServerError answers HTTP 500.
	ServerError Failure = iota
	// Throttled answers the service's "too many messages" errcode
	// (WeCom 45009, DingTalk 130101).
	Throttled
	// Hang answers nothing until the client gives up.
	Hang
)

// Received is one message a fake took.
type Received struct {
	Key     string // WeCom's key, DingTalk's access token
	MsgType string
	Title   string // DingTalk's markdown title
	Content string // the text or the Markdown
}

// fake is what both fakes share.
type fake struct {
	t        *testing.T
	server   *httptest.Server
	mu       sync.Mutex
	received []Received
	problems []string
	failures []Failure
	requests int
	expect   bool
}

func (f *fake) problem(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

// Fail makes the fake refuse the next n requests, each as how.
func (f *fake) Fail(n int, how Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.failures = append(f.failures, how)
	}
}

// Received returns the messages taken so far.
func (f *fake) Received() []Received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Received(nil), f.received...)
}

// Requests counts every request, refused or taken.
func (f *fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// Problems are the rules the requests broke.
func (f *fake) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

// ExpectProblems stops the test from failing for the requests that break
// a rule, for a test that sends them on purpose.
func (f *fake) ExpectProblems() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expect = true
}

// nextFailure takes the next failure the fake was told of, counting the
// request.
func (f *fake) nextFailure() (Failure, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if len(f.failures) == 0 {
		return 0, false
	}
	how := f.failures[0]
	f.failures = f.failures[1:]
	return how, true
}

func (f *fake) start(t *testing.T, h http.HandlerFunc) {
	f.t = t
	f.server = httptest.NewServer(h)
	t.Cleanup(func() {
		f.server.Close()
		if p := f.Problems(); len(p) > 0 && !f.expect {
			t.Errorf("requests broke the service's documented rules:\n%v", p)
		}
	})
}

// checkRequest checks what both services ask of every request and reads
// the body; it answers and returns false when the request is refused.
func (f *fake) checkRequest(w http.ResponseWriter, r *http.Request, path string) ([]byte, bool) {
	if r.Method != http.MethodPost {
		f.problem("method %s, want POST", r.Method)
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return nil, false
	}
	if r.URL.Path != path {
		f.problem("path %s, want %s", r.URL.Path, path)
		http.NotFound(w, r)
		return nil, false
	}
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" ||
		(params["charset"] != "" && params["charset"] != "utf-8") {
		f.problem("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		f.problem("body: %v", err)
		return nil, false
	}
	return body, true
}

// fail answers a refused request as told; false when it is not to be
// refused.
func (f *fake) fail(w http.ResponseWriter, r *http.Request, throttled int) bool {
	how, ok := f.nextFailure()
	if !ok {
		return false
	}
	switch how {
	case ServerError:
		http.Error(w, "busy", http.StatusInternalServerError)
	case Throttled:
		answer(w, throttled, "api freq out of limit")
	case Hang:
		<-r.Context().Done()
	}
	return true
}

func answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
}

// WeCom is a fake WeCom group robot service.
type WeCom struct {
	fake
	keys map[string]bool
}

// NewWeCom starts a fake that knows the given robot keys.
func NewWeCom(t *testing.T, keys ...string) *WeCom {
	w := &WeCom{keys: map[string]bool{}}
	for _, k := range keys {
		w.keys[k] = true
	}
	w.start(t, w.serve)
	return w
}

// URL is the address to give notify.Robots.WeComURL.
func (w *WeCom) URL() string { return w.server.URL + "/cgi-bin/webhook/send" }

func (w *WeCom) serve(rw http.ResponseWriter, r *http.Request) {
	body, ok := w.checkRequest(rw, r, "/cgi-bin/webhook/send")
	if !ok {
		return
	}
	key := r.URL.Query().Get("key")
	if w.fail(rw, r, 45009) {
		return
	}
	if !w.keys[key] {
		w.problem("unknown key")
		answer(rw, 93000, "invalid webhook url")
		return
	}
	var msg struct {
		MsgType  string                    `json:"msgtype"`
		Text     *struct{ Content string } `json:"text"`
		Markdown *struct{ Content string } `json:"markdown"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		w.problem("body is not JSON: %v", err)
		answer(rw, 40008, "invalid message type")
		return
	}
	var content string
	limit := 0
	switch {
	case msg.MsgType == "text" && msg.Text != nil:
		content, limit = msg.Text.Content, 2048
	case msg.MsgType == "markdown" && msg.Markdown != nil:
		content, limit = msg.Markdown.Content, 4096
	default:
		w.problem("msgtype %q without its object", msg.MsgType)
		answer(rw, 40008, "invalid message type")
		return
	}
	if content == "" || !utf8.ValidString(content) || len(content) > limit {
		w.problem("%s content of %d bytes (valid UTF-8: %v), want 1 to %d", msg.MsgType, len(content), utf8.ValidString(content), limit)
		answer(rw, 40058, "content exceed max length")
		return
	}
	w.mu.Lock()
	w.received = append(w.received, Received{Key: key, MsgType: msg.MsgType, Content: content})
	w.mu.Unlock()
	answer(rw, 0, "ok")
}

// DingTalk is a fake DingTalk custom robot service.
type DingTalk struct {
	fake
	secrets map[string]string // by access token; "" for a robot without signing
	now     func() time.Time
}

// NewDingTalk starts a fake whose clock is now, knowing the robots of the
// given access tokens and their secrets.
func NewDingTalk(t *testing.T, now func() time.Time, secrets map[string]string) *DingTalk {
	d := &DingTalk{secrets: secrets, now: now}
	d.start(t, d.serve)
	return d
}

// URL is the address to give notify.Robots.DingTalkURL.
func (d *DingTalk) URL() string { return d.server.URL + "/robot/send" }

func (d *DingTalk) serve(rw http.ResponseWriter, r *http.Request) {
	body, ok := d.checkRequest(rw, r, "/robot/send")
	if !ok {
		return
	}
	q := r.URL.Query()
	token := q.Get("access_token")
	if d.fail(rw, r, 130101) {
		return
	}
	secret, known := d.secrets[token]
	if !known {
		d.problem("unknown access_token")
		answer(rw, 300001, "token is not exist")
		return
	}
	if secret != "" {
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			d.problem("timestamp %q is not milliseconds", q.Get("timestamp"))
			answer(rw, 310000, "sign not match")
			return
		}
		if skew := d.now().Sub(time.UnixMilli(ts)); skew > time.Hour || skew < -time.Hour {
			d.problem("timestamp %d is %s from the service's clock, more than an hour", ts, skew)
			answer(rw, 310000, "sign not match, more than 1 hour")
			return
		}
		// Query() has undone the URL encoding: what is left is base64.
		want := notify.DingTalkSign(secret, q.Get("timestamp"))
		if !hmac.Equal([]byte(q.Get("sign")), []byte(want)) {
			d.problem("sign does not match the secret's")
			answer(rw, 310000, "sign not match")
			return
		}
	}
	var msg struct {
		MsgType  string                    `json:"msgtype"`
		Text     *struct{ Content string } `json:"text"`
		Markdown *struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		} `json:"markdown"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		d.problem("body is not JSON: %v", err)
		answer(rw, 40035, "invalid parameter")
		return
	}
	got := Received{Key: token, MsgType: msg.MsgType}
	switch {
	case msg.MsgType == "text" && msg.Text != nil:
		got.Content = msg.Text.Content
	case msg.MsgType == "markdown" && msg.Markdown != nil && msg.Markdown.Title != "":
		got.Title, got.Content = msg.Markdown.Title, msg.Markdown.Text
	default:
		d.problem("msgtype %q without its object or title", msg.MsgType)
		answer(rw, 40035, "invalid parameter")
		return
	}
	if got.Content == "" || !utf8.ValidString(got.Content+got.Title) {
		d.problem("empty or invalid UTF-8 content")
		answer(rw, 40035, "invalid parameter")
		return
	}
	d.mu.Lock()
	d.received = append(d.received, got)
	d.mu.Unlock()
	answer(rw, 0, "ok")
}
