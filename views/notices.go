package views

import (
	"context"
	"time"
)

// ChannelsPage lists the group robots the site sends notices through.
type ChannelsPage struct {
	Nav      Nav
	Channels []ChannelRow
	// Mailing says whether the notices are e-mailed too; the digests go
	// to the chats from Hour o'clock.
	Mailing bool
	Hour    int
}

// ChannelRow is one channel in the list. KeyHint is all it shows of the
// robot's key ("…x7Qa").
type ChannelRow struct {
	URL     string
	Name    string
	Service string // wecom, dingtalk
	Scope   string // site, unit, user
	Of      string // the unit's name, or the user's, for those scopes
	KeyHint string
	Digest  bool
	Notices bool
	// LastSent and LastFailed are zero when nothing was sent, or nothing
	// failed; Problem is why the last failure failed.
	LastSent   time.Time
	LastFailed time.Time
	Problem    string
	Waiting    int64
}

// Choice is one option of a select whose label is data (a unit, a
// person), not a message.
type Choice struct {
	Value string
	Label string
}

// ChannelForm is the form of a new channel or of one to change. The
// webhook and the secret are never filled in: KeyHint and SecretHint
// show the stored ones' last characters, and a blank field keeps them.
type ChannelForm struct {
	Nav        Nav
	Action     string
	New        bool
	Name       string
	Service    string
	Scope      string
	Unit       string
	UserID     string
	Language   string
	Digest     bool
	Notices    bool
	KeyHint    string
	SecretHint string
	Services   []string
	Scopes     []string
	Languages  []string
	Units      []string
	Users      []Choice
	Errors     FieldErrors
	// TestURL and DeleteURL act on a stored channel; TestResult says how
	// the last test message went.
	TestURL    string
	DeleteURL  string
	TestResult string
}

func channelTitle(ctx context.Context, p ChannelForm) string {
	if p.New {
		return t(ctx, "channels.new")
	}
	return t(ctx, "channels.edit_title", "Name", p.Name)
}

func webhookHint(p ChannelForm) string {
	if p.KeyHint != "" {
		return "channels.webhook_kept"
	}
	return "channels.webhook_hint"
}

func secretHint(p ChannelForm) string {
	if p.SecretHint != "" {
		return "channels.secret_kept"
	}
	return "channels.secret_hint"
}

func serviceOptions(codes []string) []Option {
	var o []Option
	for _, c := range codes {
		o = append(o, Option{Value: c, Label: "channels.service." + c})
	}
	return o
}

func scopeOptions(codes []string) []Option {
	var o []Option
	for _, c := range codes {
		o = append(o, Option{Value: c, Label: "channels.scope." + c})
	}
	return o
}

func languageOptions(codes []string) []Option {
	var o []Option
	for _, c := range codes {
		o = append(o, Option{Value: c, Label: "channels.language." + c})
	}
	return o
}
