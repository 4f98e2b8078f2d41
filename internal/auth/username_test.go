package auth

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeUsername(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"case", "Li.Gong", "li.gong"},
		{"spaces", "  wang ", "wang"},
		{"ideographic spaces", "\u3000wang\u3000", "wang"},
		{"full-width", "ａｄｍｉｎ", "admin"},
		{"full-width capitals", "ＡＤＭＩＮ", "admin"},
		{"ligature", "ﬁnance", "finance"},
		{"sharp s", "Straße", "strasse"},
		{"Kelvin sign", "\u212Aing", "king"},
		{"Greek capitals and final sigma", "ΟΔΟΣ", "οδοσ"},
		{"full-width digits and stop", "ｗａｎｇ．２", "wang.2"},
		{"Cyrillic а is left as it is", "\u0430dmin", "\u0430dmin"},
		{"Han", "张工", "张工"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeUsername(tc.in); got != tc.want {
				t.Errorf("NormalizeUsername(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
		})
	}
}

// TestALongUsernameIsNotNormalized: NFKC makes ﷺ eighteen letters, so a
// megabyte of it typed as a username would be normalized into 18 MB; it
// is refused as too long without being normalized.
func TestALongUsernameIsNotNormalized(t *testing.T) {
	typed := strings.Repeat("\uFDFA", 1<<20/3)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := NormalizeUsername(typed)
	runtime.ReadMemStats(&after)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("normalizing a 1 MB username allocated %d MB", allocated>>20)
	}
	if err := CheckUsername(got); !errors.Is(err, ErrUsernameLength) {
		t.Errorf("CheckUsername of it: %v, want ErrUsernameLength", err)
	}
	// Within the bound, a name is normalized as any other.
	if got := NormalizeUsername(" " + strings.Repeat("ａ", MaxUsernameLength) + " "); got != strings.Repeat("a", MaxUsernameLength) {
		t.Errorf("a full-width name of %d letters: %q", MaxUsernameLength, got)
	}
}

// TestEveryAcceptedNameIsFoundAgain: a name CheckUsername accepts is the
// name NormalizeUsername gives for it, for every character, so that the
// account stored under it is found by it.
func TestEveryAcceptedNameIsFoundAgain(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		once := NormalizeUsername("a" + string(r))
		if twice := NormalizeUsername(once); twice != once && CheckUsername(once) == nil {
			t.Errorf("U+%04X: normalized once %+q, twice %+q, and accepted", r, once, twice)
		}
	}
}

func TestCheckUsername(t *testing.T) {
	cases := []struct {
		name, in string
		want     error
		odd      string // the letters a *ScriptsError names
	}{
		{"Latin", "li.gong", nil, ""},
		{"Latin with digits and marks", "wang_2-b", nil, ""},
		{"Han", "张工", nil, ""},
		{"Han with Latin, as Chinese is written", "li工", nil, ""},
		{"Han with Bopomofo", "ㄅㄆ王", nil, ""},
		{"Hiragana with Han, as Japanese is written", "たなか太郎", nil, ""},
		{"Katakana with Latin", "tanakaタナカ", nil, ""},
		{"Hangul with Latin", "김민준kim", nil, ""},
		{"Cyrillic alone", "иван", nil, ""},
		{"Cyrillic with digits", "иван2", nil, ""},
		{"Greek alone", "οδοσ", nil, ""},
		{"Cyrillic а among Latin", "\u0430dmin", ErrUsernameScripts, "\u0430"},
		{"Greek omicron among Latin", "r\u03bfot", ErrUsernameScripts, "\u03bf"},
		{"Latin o among Cyrillic", "ив\u006fн", ErrUsernameScripts, "o"},
		{"two Cyrillic letters among Latin", "\u0440\u0430ypal", ErrUsernameScripts, "\u0440\u0430"},
		{"Arabic-Indic digit among Latin", "li\u0663", ErrUsernameScripts, "\u0663"},
		{"Cyrillic among Han and Latin", "li工\u0430", ErrUsernameScripts, "\u0430"},
		{"Hangul with Hiragana", "한글ひら", ErrUsernameScripts, "ひら"},
		{"a combining mark", "a\u0301b", ErrUsernameCharacters, ""},
		{"a space", "li gong", ErrUsernameCharacters, ""},
		{"a symbol", "li@gong", ErrUsernameCharacters, ""},
		{"markup", "<b>", ErrUsernameCharacters, ""},
		{"a zero-width space", "ad\u200bmin", ErrUsernameCharacters, ""},
		{"Cherokee, whose case folding does not settle", "\uab70\uab71", ErrUsernameCharacters, ""},
		{"not normalized", "Admin", ErrUsernameCharacters, ""},
		{"too short", "a", ErrUsernameLength, ""},
		{"too long", "abcdefghijklmnopqrstuvwxyzabcdefg", ErrUsernameLength, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckUsername(tc.in)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckUsername(%+q) = %v, want %v", tc.in, err, tc.want)
			}
			var scripts *ScriptsError
			if errors.As(err, &scripts) {
				if got := string(scripts.Odd); got != tc.odd {
					t.Errorf("CheckUsername(%+q) names %+q as odd, want %+q", tc.in, got, tc.odd)
				}
			}
		})
	}
}

// TestLookAlikesAreOneNameOrRefused: every way of writing admin that a
// reader cannot tell from it is either admin once normalized or refused.
func TestLookAlikesAreOneNameOrRefused(t *testing.T) {
	for _, in := range []string{"admin", "ADMIN", "Admin", "ａｄｍｉｎ", "ＡＤＭＩＮ", " admin ", "\u0430dmin", "adm\u0456n", "\u0391DMIN"} {
		name := NormalizeUsername(in)
		if name != "admin" && CheckUsername(name) == nil {
			t.Errorf("%+q is stored as %+q, a second admin", in, name)
		}
	}
}

func TestCheckStoredUsername(t *testing.T) {
	for in, want := range map[string]error{
		"admin": nil, "ａｄｍｉｎ": ErrUsernameNotNormalized, "Admin": ErrUsernameNotNormalized,
		"\u0430dmin": ErrUsernameScripts, "straße": ErrUsernameNotNormalized,
	} {
		if err := CheckStoredUsername(in); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("CheckStoredUsername(%+q) = %v, want %v", in, err, want)
		}
	}
}
