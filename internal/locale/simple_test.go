package locale

import (
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestSimpleMessagesSayWhatGoI18nSays fills every message that T writes out
// itself with the same values both ways: the text must be the same.
func TestSimpleMessagesSayWhatGoI18nSays(t *testing.T) {
	catalog, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	values := []any{"Year", 2022, "Count", 3, "Name", "海安路<&>", "Max", 200, "Date", "2022年12月31日", "Page", 7}
	checked := 0
	for _, tag := range catalog.Languages() {
		l := catalog.For(tag.String())
		if len(l.simple) < 100 {
			t.Fatalf("%s: only %d simple messages", tag, len(l.simple))
		}
		for id, m := range l.simple {
			args := append([]any(nil), values...)
			for _, name := range m.names {
				args = append(args, name, "«"+name+"»")
			}
			data := map[string]any{}
			for i := 0; i+1 < len(args); i += 2 {
				if _, set := data[args[i].(string)]; !set {
					data[args[i].(string)] = args[i+1]
				}
			}
			want, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: 3})
			if err != nil {
				t.Fatalf("%s %s: %v", tag, id, err)
			}
			if got := l.T(id, args...); got != want {
				t.Errorf("%s %s: %q, go-i18n says %q", tag, id, got, want)
			}
			checked++
		}
	}
	t.Logf("%d messages compared", checked)
}
