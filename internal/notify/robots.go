package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Service is a chat service whose group robots the site posts to.
type Service string

// The services.
const (
	// WeCom is 企业微信's group robot (群机器人). Documented at
	// developer.work.weixin.qq.com/document/path/91770: POST JSON to
	// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY, msgtype
	// "text" (content at most 2048 bytes of UTF-8) or "markdown" (at most
	// 4096 bytes); the answer is {"errcode":0,"errmsg":"ok"}; a robot takes
	// at most 20 messages a minute (beyond, errcode 45009).
	WeCom Service = "wecom"
	// DingTalk is 钉钉's custom robot (自定义机器人). Documented at
	// open.dingtalk.com/document/robots/custom-robot-access: POST JSON
	// to https://oapi.dingtalk.com/robot/send?access_token=TOKEN, with,
	// for a robot secured by signing (加签), &timestamp=MS&sign=SIGN where
	// SIGN = urlEncode(base64(HMAC-SHA256(key: secret, timestamp+"\n"+secret)))
	// and the timestamp, in milliseconds, within an hour of DingTalk's
	// clock; msgtype "text" or "markdown" (title and text); the answer
	// has errcode 0. A robot takes 20 messages a minute; beyond, it is
	// held back for 10 minutes (errcode 130101).
	DingTalk Service = "dingtalk"
)

// Services returns the services, in the order the forms offer them.
func Services() []Service { return []Service{WeCom, DingTalk} }

// The robots' real addresses.
const (
	WeComURL    = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
	DingTalkURL = "https://oapi.dingtalk.com/robot/send"
)

// The limits of what is sent and read.
const (
	// wecomMarkdownBytes is WeCom's documented limit of a markdown
	// message's content.
	wecomMarkdownBytes = 4096
	// dingTalkMarkdownBytes: DingTalk documents no limit for a custom
	// robot's markdown; the messages are kept to WeCom's, so that the same
	// notice reads the same in both.
	dingTalkMarkdownBytes = 4096
	// dingTalkTitleBytes bounds the title, which DingTalk shows in the
	// list of chats: a line, not a page.
	dingTalkTitleBytes = 128
	// robotAnswerBytes bounds the answer read: the services answer a few
	// dozen bytes of JSON.
	robotAnswerBytes = 64 << 10
	// robotTimeout bounds one exchange with a robot, so that a service
	// that stops answering holds up neither the other notices nor the
	// shutdown.
	robotTimeout = 10 * time.Second
	// robotPerMinute is what both services take from one robot in a minute.
	robotPerMinute = 20
)

// Robots posts messages to group robots. Its addresses are the services'
// own unless a test points them at local fakes; administrators give only a
// robot's key, never an address, so that the site posts nowhere else.
type Robots struct {
	WeComURL    string
	DingTalkURL string
	// Client makes the requests; nil is a client with robotTimeout that
	// follows no redirect (a redirect would carry the message elsewhere).
	// It goes through the proxy of HTTPS_PROXY, if set.
	Client *http.Client
}

// withDefaults fills what r leaves empty.
func (r Robots) withDefaults() Robots {
	if r.WeComURL == "" {
		r.WeComURL = WeComURL
	}
	if r.DingTalkURL == "" {
		r.DingTalkURL = DingTalkURL
	}
	if r.Client == nil {
		r.Client = &http.Client{
			Timeout:       robotTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return r
}

// Message is what is posted: a title (DingTalk shows it in the list of
// chats) and Markdown, which starts with the title.
type Message struct {
	Title    string
	Markdown string
}

// Robot is one robot's credentials, opened from their seal.
type Robot struct {
	Service Service
	Key     string // WeCom's key, DingTalk's access_token
	Secret  string // DingTalk's signing secret (SEC…); "" for WeCom
}

// SendError is a message the robot's service did not take. It never holds
// the robot's address, key or secret: url.Error, which quotes the address
// with its key, is taken apart (see redactTransport).
type SendError struct {
	Service Service
	Status  int    // the HTTP status, 0 when there was no answer
	Code    int    // the service's errcode, 0 when it gave none
	Message string // the service's errmsg, or what went wrong on the way
	// Permanent: sending again will not help (the robot was removed, its
	// key or secret is wrong); the delivery gives up at once.
	Permanent bool
	// RetryAfter is the least wait before trying again, when the service
	// says how long it holds a robot back.
	RetryAfter time.Duration
}

func (e *SendError) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("%s refused the message: errcode %d: %s", e.Service, e.Code, e.Message)
	case e.Status != 0:
		return fmt.Sprintf("%s answered HTTP %d", e.Service, e.Status)
	}
	return fmt.Sprintf("%s: %s", e.Service, e.Message)
}

// permanentCodes are the errcodes that sending again does not cure:
// WeCom's 93000 (no such webhook); DingTalk's 300001 (no such robot) and
// 310000 (the robot's security settings refuse the message: a wrong
// signature, a missing keyword, an address not allowed).
var permanentCodes = map[Service]map[int]bool{
	WeCom:    {93000: true},
	DingTalk: {300001: true, 310000: true},
}

// throttledCodes are the errcodes of a robot held back for sending too
// much, with how long to wait: WeCom's 45009 (the minute's 20 are used);
// DingTalk's 130101 (held back for 10 minutes).
var throttledCodes = map[Service]map[int]time.Duration{
	WeCom:    {45009: time.Minute},
	DingTalk: {130101: 10 * time.Minute},
}

// Send posts a message through a robot, at now (DingTalk's signature is
// of the time). It returns a *SendError when the service refuses it or
// cannot be reached.
func (r Robots) Send(ctx context.Context, robot Robot, msg Message, now time.Time) error {
	r = r.withDefaults()
	var address string
	var payload any
	switch robot.Service {
	case WeCom:
		q := url.Values{"key": {robot.Key}}
		address = r.WeComURL + "?" + q.Encode()
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"content": TruncateUTF8(msg.Markdown, wecomMarkdownBytes),
		}}
	case DingTalk:
		q := url.Values{"access_token": {robot.Key}}
		if robot.Secret != "" {
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			q.Set("timestamp", ts)
			// url.Values.Encode is the urlEncode of DingTalk's recipe.
			q.Set("sign", DingTalkSign(robot.Secret, ts))
		}
		address = r.DingTalkURL + "?" + q.Encode()
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"title": TruncateUTF8(msg.Title, dingTalkTitleBytes),
			"text":  TruncateUTF8(msg.Markdown, dingTalkMarkdownBytes),
		}}
	default:
		return &SendError{Service: robot.Service, Message: "unknown service", Permanent: true}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, robotTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, address, bytes.NewReader(body))
	if err != nil {
		return &SendError{Service: robot.Service, Message: "bad robot address", Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := r.Client.Do(req)
	if err != nil {
		return &SendError{Service: robot.Service, Message: redact(redactTransport(err), robot)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, robotAnswerBytes))
	if err != nil {
		return &SendError{Service: robot.Service, Status: resp.StatusCode, Message: redact(redactTransport(err), robot)}
	}
	if resp.StatusCode != http.StatusOK {
		// A 4xx other than too many requests is the address refused:
		// trying again sends to the same wrong place.
		permanent := resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests
		return &SendError{Service: robot.Service, Status: resp.StatusCode, Permanent: permanent}
	}
	var result struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(answer, &result); err != nil || result.ErrCode == nil {
		return &SendError{Service: robot.Service, Status: resp.StatusCode, Message: "the answer is not the service's JSON"}
	}
	if code := *result.ErrCode; code != 0 {
		return &SendError{
			Service: robot.Service, Status: resp.StatusCode, Code: code,
			Message:    redact(TruncateUTF8(result.ErrMsg, 200), robot),
			Permanent:  permanentCodes[robot.Service][code],
			RetryAfter: throttledCodes[robot.Service][code],
		}
	}
	return nil
}

// DingTalkSign is the signature of a DingTalk robot's request at a
// timestamp (milliseconds, in decimal): base64 of the HMAC-SHA256, keyed
// with the secret, of the timestamp, a line feed and the secret. The URL
// carries it encoded as a query value.
func DingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// redactTransport describes a failed exchange without its address: an
// *url.Error's text quotes the whole URL, with the robot's key.
func redactTransport(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "no answer in time"
		}
		err = ue.Err
	}
	return err.Error()
}

// redact removes a robot's key and secret from a text, in case a service
// or a network error quotes them after all.
func redact(s string, robot Robot) string {
	for _, secret := range []string{robot.Key, robot.Secret, url.QueryEscape(robot.Key), url.QueryEscape(robot.Secret)} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "…")
		}
	}
	return s
}

// TruncateUTF8 cuts s to at most n bytes at a character boundary, ending
// with "…" when it was cut; invalid UTF-8 is replaced first, as the
// services want UTF-8.
func TruncateUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	room, tail := n-len(ellipsis), ellipsis
	if room < 0 {
		room, tail = n, ""
	}
	for room > 0 && !utf8.RuneStart(s[room]) {
		room--
	}
	return s[:room] + tail
}
