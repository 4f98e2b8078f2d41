package locale

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"shuangshi/internal/civil"
)

func TestTranslateAndFormat(t *testing.T) {
	catalog, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		preferences []string
		want        string
	}{
		{nil, "zh-CN"},
		{[]string{""}, "zh-CN"},
		{[]string{"zh-CN"}, "zh-CN"},
		{[]string{"zh"}, "zh-CN"},
		{[]string{"en-US,en;q=0.9"}, "en"},
		{[]string{"en-GB"}, "en"},
		{[]string{"fr-FR,fr;q=0.9"}, "zh-CN"},
		{[]string{"fr,en;q=0.5"}, "en"},
		{[]string{"garbage;;q=x"}, "zh-CN"},
		{[]string{"en", "zh-CN"}, "en"},       // a cookie's choice before the browser's
		{[]string{"", "en-US"}, "en"},         // no cookie
		{[]string{"xx", "zh-CN,zh"}, "zh-CN"}, // a cookie of no known language
	} {
		if got := catalog.For(tc.preferences...).Lang(); got != tc.want {
			t.Errorf("For(%q) = %q, want %q", tc.preferences, got, tc.want)
		}
	}
	ctx := WithLocale(context.Background(), catalog.For())
	tests := []struct{ got, want string }{
		{T(ctx, "year.title", "Year", 2022), "2022年区“双十”项目"},
		{T(ctx, "no.such.message"), "[no.such.message]"},
		{Date(ctx, civil.Date{Year: 2022, Month: time.December, Day: 31}), "2022年12月31日"},
		{Date(ctx, civil.Date{Year: 2023, Month: time.January, Day: 4}), "2023年1月4日"},
		{Date(ctx, civil.YearOnly(2022)), "不晚于2022年"},
		{Date(ctx, civil.Date{}), "未记录"},
		{T(context.Background(), "year.title"), "[year.title]"},
	}
	en := WithLocale(context.Background(), catalog.For("en"))
	tests = append(tests, []struct{ got, want string }{
		{Date(en, civil.Date{Year: 2022, Month: time.December, Day: 31}), "31 Dec 2022"},
		{Date(en, civil.Date{Year: 2024, Month: time.February, Day: 29}), "29 Feb 2024"},
		{Date(en, civil.YearOnly(2022)), "by 2022"},
		{T(en, "overdue.days", "Count", 1), "1 day"},
		{T(en, "overdue.days", "Count", 45), "45 days"},
		{T(ctx, "overdue.days", "Count", 45), "45 天"},
	}...)
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestBothLanguagesHaveEveryMessage fails when a message is missing in
// either language, or has placeholders the other does not.
func TestBothLanguagesHaveEveryMessage(t *testing.T) {
	placeholders := regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)
	load := func(name string) map[string]string {
		buf, err := messageFiles.ReadFile("messages/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := toml.Unmarshal(buf, &raw); err != nil {
			t.Fatal(err)
		}
		flat := map[string]string{}
		for id, v := range raw {
			switch v := v.(type) {
			case string:
				flat[id] = v
			case map[string]any:
				for _, form := range v {
					flat[id] += fmt.Sprint(form)
				}
			}
		}
		return flat
	}
	zh, en := load("zh-CN.toml"), load("en.toml")
	names := func(s string) string {
		var found []string
		for _, m := range placeholders.FindAllStringSubmatch(s, -1) {
			if m[1] != "MonthShort" && m[1] != "Month" && m[1] != "Wan" && m[1] != "Yuan" {
				found = append(found, m[1])
			}
		}
		sort.Strings(found)
		return strings.Join(slices.Compact(found), ",")
	}
	for id, text := range zh {
		other, ok := en[id]
		if !ok {
			t.Errorf("%s is missing in English", id)
			continue
		}
		if names(text) != names(other) {
			t.Errorf("%s: Chinese uses {%s}, English {%s}", id, names(text), names(other))
		}
	}
	for id := range en {
		if _, ok := zh[id]; !ok {
			t.Errorf("%s is missing in Chinese", id)
		}
	}
}

// messageLiteral finds the string literals in the source that name messages
// ("year.title") or families of messages built at run time ("status.").
var messageLiteral = regexp.MustCompile(`"([a-z0-9_]+\.(?:[a-z0-9_-]+\.?)*)"`)

// TestEveryMessageIsDefinedAndUsed fails when the source asks for a message
// that no message file defines, or a message file defines one that nothing
// asks for.
func TestEveryMessageIsDefinedAndUsed(t *testing.T) {
	defined := map[string]bool{}
	files, _ := fs.Glob(messageFiles, "messages/*.toml")
	for _, name := range files {
		buf, _ := messageFiles.ReadFile(name)
		var messages map[string]any
		if err := toml.Unmarshal(buf, &messages); err != nil {
			t.Fatal(err)
		}
		for id := range messages {
			defined[id] = true
		}
	}

	namespaces := map[string]bool{}
	for id := range defined {
		namespaces[strings.SplitN(id, ".", 2)[0]] = true
	}
	literals := map[string]bool{}
	prefixes := map[string]bool{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		source := strings.HasSuffix(path, ".templ") ||
			(strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_templ.go") && !strings.HasSuffix(path, "_test.go"))
		if !source {
			return nil
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range messageLiteral.FindAllStringSubmatch(string(buf), -1) {
			id := m[1]
			if !namespaces[strings.SplitN(id, ".", 2)[0]] {
				continue // a file name or a package path, not a message
			}
			switch filepath.Ext(id) {
			case ".css", ".js", ".svg", ".xlsx", ".csv":
				continue // a static file (site.css) or an uploaded one (list.xlsx)
			}
			if strings.HasSuffix(id, ".") || strings.HasSuffix(id, "_") {
				prefixes[id] = true
			} else {
				literals[id] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	var missing, unused []string
	for id := range literals {
		if !defined[id] {
			missing = append(missing, id)
		}
	}
	for id := range defined {
		used := literals[id]
		for prefix := range prefixes {
			used = used || strings.HasPrefix(id, prefix)
		}
		if !used {
			unused = append(unused, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing) > 0 {
		t.Errorf("messages used but not defined: %v", missing)
	}
	if len(unused) > 0 {
		t.Errorf("messages defined but not used: %v", unused)
	}
}
