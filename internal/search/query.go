// Package search finds projects across every year's lists, for the
// public and for staff: by the words of a project's name, English name,
// extent (its streets), unit and location, and by year. It also serves
// the public index of every project. What a reader may read is decided as
// the year and project pages decide it (projects.Audience, and the
// approved version under review).
package search

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"shuangshi/internal/civil"
)

// Bounds of what a search reads: a query longer than MaxRunes is cut
// there, and no more than MaxTerms of its words are looked for, so that
// nothing a reader sends makes the search cost more than these.
const (
	MaxRunes = 100
	MaxTerms = 8
)

// Query is what a reader asked for, made into what the store looks for.
type Query struct {
	// Text is the query as searched: cut to MaxRunes, full-width letters
	// and digits made ASCII; it goes back into the search box.
	Text string
	// Terms are the words to find, each somewhere in a project's text
	// (all of them): lower-cased, without the punctuation and spaces
	// that separate them, none repeated or contained in another.
	Terms []string
	// Years are the years asked for ("2023" or "2023年"); a target of any
	// of them is shown.
	Years []int
	// Cut reports that the query was longer than MaxRunes or had more
	// than MaxTerms words, and only the first were searched.
	Cut bool
}

// Empty reports whether there is nothing to look for.
func (q Query) Empty() bool { return len(q.Terms) == 0 && len(q.Years) == 0 }

// ParseQuery makes what a reader typed into a Query. Words are separated
// by spaces and by punctuation (军工路-共青路 is two words, whichever dash
// the list printed), so that a query finds a name however its brackets
// and dashes were written; a word of four digits that is a plausible year,
// alone or followed by 年, asks for that year.
func ParseQuery(raw string) Query {
	var q Query
	// No more bytes than MaxRunes characters can take are even read.
	if len(raw) > MaxRunes*utf8.UTFMax {
		raw, q.Cut = raw[:MaxRunes*utf8.UTFMax], true
	}
	raw = strings.ToValidUTF8(raw, " ")
	if utf8.RuneCountInString(raw) > MaxRunes {
		raw, q.Cut = string([]rune(raw)[:MaxRunes]), true
	}
	raw = strings.Map(narrow, raw)
	q.Text = strings.Join(strings.Fields(raw), " ")
	words := strings.FieldsFunc(asciiLower(raw), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	var terms []string
	for _, w := range words {
		if year, ok := yearWord(w); ok {
			if !slices.Contains(q.Years, year) {
				q.Years = append(q.Years, year)
			}
			continue
		}
		terms = append(terms, w)
	}
	// A word inside another finds nothing the longer one does not.
	for _, w := range terms {
		if slices.ContainsFunc(terms, func(o string) bool { return o != w && strings.Contains(o, w) }) ||
			slices.Contains(q.Terms, w) {
			continue
		}
		if len(q.Terms) == MaxTerms {
			q.Cut = true
			break
		}
		q.Terms = append(q.Terms, w)
	}
	slices.Sort(q.Years)
	return q
}

// narrow makes full-width ASCII (ＡＢＣ，２０２３) and the ideographic
// space what a keyboard in English mode types, as a reader with a Chinese
// input method often sends them; the record keeps its own punctuation,
// which the query's words do not include.
func narrow(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// asciiLower lower-cases ASCII letters only: the databases fold the text
// searched the same way (SQLite's lower() knows no other letters), and
// Chinese has no case.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// yearWord reads "2023" or "2023年" as a year the record could hold.
func yearWord(w string) (int, bool) {
	w = strings.TrimSuffix(w, "年")
	if len(w) != 4 {
		return 0, false
	}
	year, err := strconv.Atoi(w)
	if err != nil || year < civil.MinYear || year > civil.MaxYear {
		return 0, false
	}
	return year, true
}
