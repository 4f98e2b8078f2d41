// Package locale turns message ids into the words of the reader's language
// and formats dates for them. Every user-visible string of the site goes
// through T, with its text in the message files under messages/.
package locale

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

//go:embed messages/*.toml
var messageFiles embed.FS

// Default is the language of a reader who asks for none the site has. It
// must be the tag of a message file's name (messages/zh-CN.toml).
var Default = language.MustParse("zh-CN")

// Catalog holds the messages of every language the site speaks.
type Catalog struct {
	bundle  *i18n.Bundle
	tags    []language.Tag // the default first
	matcher language.Matcher
	locales map[language.Tag]*Locale
}

// NewCatalog loads the embedded message files.
func NewCatalog() (*Catalog, error) {
	bundle := i18n.NewBundle(Default)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(messageFiles, "messages/*.toml")
	if err != nil {
		return nil, err
	}
	simple := map[language.Tag]map[string]simpleMessage{}
	for _, name := range files {
		buf, err := messageFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		file, err := bundle.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("message file %s: %w", name, err)
		}
		if simple[file.Tag], err = simpleMessages(buf); err != nil {
			return nil, fmt.Errorf("message file %s: %w", name, err)
		}
	}
	tags := []language.Tag{Default}
	for _, t := range bundle.LanguageTags() {
		if t != Default {
			tags = append(tags, t)
		}
	}
	c := &Catalog{bundle: bundle, tags: tags, matcher: language.NewMatcher(tags), locales: map[language.Tag]*Locale{}}
	for _, tag := range tags {
		c.locales[tag] = &Locale{tag: tag, localizer: i18n.NewLocalizer(bundle, tag.String()), simple: simple[tag]}
	}
	return c, nil
}

// Languages returns the tags of the languages the site speaks, the default
// first.
func (c *Catalog) Languages() []language.Tag { return c.tags }

// Locale is one reader's language.
type Locale struct {
	tag       language.Tag
	localizer *i18n.Localizer
	// simple are the messages without plural forms whose only template
	// actions are {{.Name}}: most of them, and T writes them out itself,
	// twenty times faster than go-i18n's template (a console page says a
	// thousand of them).
	simple map[string]simpleMessage
}

// For returns the locale of the first preference the site can serve. Each
// preference is a language tag or an Accept-Language header (a cookie's
// choice first, then the browser's). A language the site does not speak
// (French, say) gets the default, Chinese, not the nearest foreign one.
func (c *Catalog) For(preferences ...string) *Locale {
	tag := Default
	for _, p := range preferences {
		wanted, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(wanted) == 0 {
			continue
		}
		if _, i, confidence := c.matcher.Match(wanted...); confidence > language.No {
			tag = c.tags[i]
			break
		}
	}
	return c.locales[tag]
}

// Lang returns the BCP 47 tag of the locale, for the lang attribute.
func (l *Locale) Lang() string { return l.tag.String() }

// T returns the message with the given id. Arguments are pairs of a name and a
// value for the message's template: T("year.title", "Year", 2022). A "Count"
// argument also chooses the plural form. A missing message comes back as its
// id in brackets, so that it shows and a test can find it.
func (l *Locale) T(id string, args ...any) string {
	if m, ok := l.simple[id]; ok {
		return m.fill(args)
	}
	config := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name := fmt.Sprint(args[i])
			data[name] = args[i+1]
			if name == "Count" {
				config.PluralCount = args[i+1]
			}
		}
		config.TemplateData = data
	}
	s, err := l.localizer.Localize(config)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

// Date formats a date for the reader: 2022年12月31日, or for a date known only
// to its year, "no later than 2022" in the reader's words.
func (l *Locale) Date(d civil.Date) string {
	switch {
	case d.IsZero():
		return l.T("date.unknown")
	case !d.HasDay():
		return l.T("date.year_only", "Year", strconv.Itoa(d.Year))
	}
	return l.T("date.day", "Year", strconv.Itoa(d.Year), "Month", strconv.Itoa(int(d.Month)),
		"MonthShort", l.T("date.month_short."+strconv.Itoa(int(d.Month))), "Day", strconv.Itoa(d.Day))
}

// Money writes an amount for the reader: in 万元, the unit the district's
// plans and reports use, in Chinese ("647.4 万元"); in yuan in English
// ("¥6,474,000"), which an English reader knows. Both are exact.
func (l *Locale) Money(a money.Amount) string {
	return l.T("money.amount", "Wan", a.Grouped(), "Yuan", a.GroupedYuan())
}

type contextKey struct{}

// WithLocale returns a context that carries the locale.
func WithLocale(ctx context.Context, l *Locale) context.Context {
	return context.WithValue(ctx, contextKey{}, l)
}

// FromContext returns the locale of the request. It returns nil when the
// request passed no locale middleware, which is a wiring mistake.
func FromContext(ctx context.Context) *Locale {
	l, _ := ctx.Value(contextKey{}).(*Locale)
	return l
}

// T translates with the locale of the context; see Locale.T. Without a locale
// it returns the id in brackets.
func T(ctx context.Context, id string, args ...any) string {
	if l := FromContext(ctx); l != nil {
		return l.T(id, args...)
	}
	return "[" + id + "]"
}

// Date formats a date with the locale of the context; see Locale.Date.
func Date(ctx context.Context, d civil.Date) string {
	if l := FromContext(ctx); l != nil {
		return l.Date(d)
	}
	return d.String()
}

// Money writes an amount with the locale of the context; see Locale.Money.
func Money(ctx context.Context, a money.Amount) string {
	if l := FromContext(ctx); l != nil {
		return l.Money(a)
	}
	return a.String()
}

// Lang returns the language tag of the context's locale.
func Lang(ctx context.Context) string {
	if l := FromContext(ctx); l != nil {
		return l.Lang()
	}
	return Default.String()
}

// Name is a project's name for a text in the reader's language: the
// English name in English when there is one, else the name as listed. A
// link beside it should lead to the page with both.
func (l *Locale) Name(name, nameEn string) string {
	if l.Lang() == "en" && nameEn != "" {
		return nameEn
	}
	return name
}

// OrNone is s, or the word that says there is none (无) for an empty s.
func (l *Locale) OrNone(s string) string {
	if s == "" {
		return l.T("feed.none")
	}
	return s
}
