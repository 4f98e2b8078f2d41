package search_test

import (
	"slices"
	"strings"
	"testing"

	"shuangshi/internal/search"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		terms []string
		years []int
		text  string
		cut   bool
	}{
		{name: "empty", raw: "", text: ""},
		{name: "spaces only", raw: " \t\u3000 ", text: ""},
		{name: "two Chinese characters", raw: "大道", terms: []string{"大道"}, text: "大道"},
		{name: "punctuation separates words", raw: "军工路（军工路-共青路）", terms: []string{"军工路", "共青路"}, text: "军工路(军工路-共青路)"},
		{name: "any dash separates", raw: "龙口路—平凉路", terms: []string{"龙口路", "平凉路"}, text: "龙口路—平凉路"},
		{name: "a word inside another is dropped", raw: "军工 军工路", terms: []string{"军工路"}, text: "军工 军工路"},
		{name: "repeated words once", raw: "海安路 海安路", terms: []string{"海安路"}, text: "海安路 海安路"},
		{name: "English is lower-cased", raw: "Shunping ROAD", terms: []string{"shunping", "road"}, text: "Shunping ROAD"},
		{name: "full-width letters and digits narrowed", raw: "Ｓｈｕｎｐｉｎｇ　２０２２", terms: []string{"shunping"}, years: []int{2022}, text: "Shunping 2022"},
		{name: "a year", raw: "2023", years: []int{2023}, text: "2023"},
		{name: "a year with 年", raw: "2022年 海安路", terms: []string{"海安路"}, years: []int{2022}, text: "2022年 海安路"},
		{name: "years sorted and once", raw: "2023 2022 2023", years: []int{2022, 2023}, text: "2023 2022 2023"},
		{name: "not a year: out of range", raw: "1234", terms: []string{"1234"}, text: "1234"},
		{name: "not a year: other digits", raw: "110千伏", terms: []string{"110千伏"}, text: "110千伏"},
		{name: "LIKE wildcards are separators", raw: "%_", text: "%_"},
		{name: "invalid UTF-8", raw: "军\xff工", terms: []string{"军", "工"}, text: "军 工"},
		{name: "too many words", raw: "a1 b2 c3 d4 e5 f6 g7 h8 i9", terms: []string{"a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"}, text: "a1 b2 c3 d4 e5 f6 g7 h8 i9", cut: true},
		{name: "too long", raw: strings.Repeat("路", 150), terms: []string{strings.Repeat("路", 100)}, text: strings.Repeat("路", 100), cut: true},
		{name: "far too long", raw: strings.Repeat("x", 1<<20), terms: []string{strings.Repeat("x", 100)}, text: strings.Repeat("x", 100), cut: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := search.ParseQuery(tc.raw)
			if !slices.Equal(q.Terms, tc.terms) {
				t.Errorf("terms: got %q, want %q", q.Terms, tc.terms)
			}
			if !slices.Equal(q.Years, tc.years) {
				t.Errorf("years: got %v, want %v", q.Years, tc.years)
			}
			if q.Text != tc.text {
				t.Errorf("text: got %q, want %q", q.Text, tc.text)
			}
			if q.Cut != tc.cut {
				t.Errorf("cut: got %v, want %v", q.Cut, tc.cut)
			}
			if q.Empty() != (len(tc.terms) == 0 && len(tc.years) == 0) {
				t.Errorf("empty: got %v", q.Empty())
			}
		})
	}
}

func TestGramQuery(t *testing.T) {
	tests := []struct {
		terms []string
		want  string
	}{
		{[]string{"大道"}, `"E5A4A7E98193"`},
		{[]string{"黄兴路"}, `"E9BB84E585B4 E585B4E8B7AF"`},
		{[]string{"路"}, `E8B7AF*`},
		{[]string{"ab", "路"}, `"6162" E8B7AF*`},
	}
	for _, tc := range tests {
		if got := search.GramQuery(tc.terms); got != tc.want {
			t.Errorf("GramQuery(%q): got %s, want %s", tc.terms, got, tc.want)
		}
	}
}
