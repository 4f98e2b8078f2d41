package notify

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"shuangshi/internal/errkind"
)

// Scope is whom a channel's group reads for.
type Scope string

// The scopes of a channel.
const (
	// ScopeSite is the district's group, read by the supervisors: it gets
	// the supervisors' digest (every project) and what supervisors are
	// told at once (an answer to a 督办, an escalation).
	ScopeSite Scope = "site"
	// ScopeUnit is a unit's (建设单位) group: it gets the digest of the
	// unit's projects and every notice about one of them.
	ScopeUnit Scope = "unit"
	// ScopeUser is one person's robot (a group of their own, or their
	// team's): it gets that user's digest and the notices told to them.
	ScopeUser Scope = "user"
)

// Scopes returns the scopes, in the order the forms offer them.
func Scopes() []Scope { return []Scope{ScopeSite, ScopeUnit, ScopeUser} }

// Channel is a group robot an administrator set up. SealedKey and
// SealedSecret are as stored (see Sealer); KeyHint and SecretHint, their
// last characters, are all a page ever shows of them.
type Channel struct {
	ID           int64
	Name         string
	Service      Service
	Scope        Scope
	Unit         string // the unit, for ScopeUnit
	UserID       *int64 // the user, for ScopeUser
	SealedKey    string
	KeyHint      string
	SealedSecret string
	SecretHint   string
	// Language is the language of the group's messages (a BCP 47 tag); a
	// user's channel speaks the user's language when they have one.
	Language string
	// Digest and Notices say what the channel gets: the daily digest, the
	// notices sent at once.
	Digest    bool
	Notices   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is the channels' table.
func (Channel) TableName() string { return "notice_channels" }

// Destination is the channel as a delivery's destination.
func (ch Channel) Destination() string { return channelDestination(ch.ID) }

// hintLength is how many of a secret's last characters are shown, so that
// an administrator can tell two robots apart.
const hintLength = 4

// Hint is a secret's last characters after an ellipsis, "…x7Qa", or "" for
// no secret. A short secret shows none of itself.
func Hint(secret string) string {
	if secret == "" {
		return ""
	}
	if utf8.RuneCountInString(secret) < 3*hintLength {
		return "…"
	}
	r := []rune(secret)
	return "…" + string(r[len(r)-hintLength:])
}

// The reasons a channel's field is refused; the form shows each beside
// its field.
var (
	ErrChannelName     = errkind.New(errkind.Invalid, "channel name")
	ErrWebhookMissing  = errkind.New(errkind.Invalid, "webhook missing")
	ErrWebhookAddress  = errkind.New(errkind.Invalid, "not the service's webhook address")
	ErrSecretMissing   = errkind.New(errkind.Invalid, "signing secret missing")
	ErrSecretForm      = errkind.New(errkind.Invalid, "signing secret form")
	ErrScopeUnknown    = errkind.New(errkind.Invalid, "unknown scope")
	ErrServiceUnknown  = errkind.New(errkind.Invalid, "unknown service")
	ErrUnitMissing     = errkind.New(errkind.Invalid, "unit missing")
	ErrUserMissing     = errkind.New(errkind.Invalid, "user missing")
	ErrLanguageUnknown = errkind.New(errkind.Invalid, "unknown language")
)

// MaxChannelName limits a channel's name.
const MaxChannelName = 64

// robotKey is what a robot's key or access token is made of: WeCom's are
// UUIDs, DingTalk's hexadecimal; nothing that would change the address.
var robotKey = regexp.MustCompile(`^[A-Za-z0-9_-]{8,128}$`)

// dingTalkSecret is a DingTalk signing secret: SEC and letters and digits.
var dingTalkSecret = regexp.MustCompile(`^SEC[A-Za-z0-9]{16,125}$`)

// ParseWebhook takes the webhook address an administrator copied from the
// robot's settings and returns its key (WeCom's key, DingTalk's
// access_token). The address must be the service's own: the site posts
// only to the services, never to an address someone typed (which could
// reach the servers inside the district's network). It returns
// ErrWebhookAddress otherwise.
func ParseWebhook(service Service, address string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || u.User != nil || u.Fragment != "" {
		return "", ErrWebhookAddress
	}
	var want, param string
	switch service {
	case WeCom:
		want, param = WeComURL, "key"
	case DingTalk:
		want, param = DingTalkURL, "access_token"
	default:
		return "", ErrServiceUnknown
	}
	if u.Scheme+"://"+u.Host+u.Path != want {
		return "", ErrWebhookAddress
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(q) != 1 || len(q[param]) != 1 || !robotKey.MatchString(q.Get(param)) {
		return "", ErrWebhookAddress
	}
	return q.Get(param), nil
}

// CheckSecret checks a DingTalk signing secret.
func CheckSecret(secret string) error {
	if !dingTalkSecret.MatchString(secret) {
		return ErrSecretForm
	}
	return nil
}

// CheckChannelName checks a channel's name: some text, not too long.
func CheckChannelName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxChannelName || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' }) {
		return ErrChannelName
	}
	return nil
}

// ParseService accepts a service's code.
func ParseService(s string) (Service, error) {
	for _, v := range Services() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", ErrServiceUnknown
}

// ParseScope accepts a scope's code.
func ParseScope(s string) (Scope, error) {
	for _, v := range Scopes() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", ErrScopeUnknown
}

// ChannelLanguages are the languages a channel may speak.
func ChannelLanguages() []string { return []string{"zh-CN", "en"} }
