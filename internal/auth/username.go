package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Usernames are compared and stored in one form, so that the ways of
// writing a name that a reader cannot tell apart are one account, and the
// look-alikes that normalising leaves apart (Cyrillic а beside Latin a)
// are refused: "аdmin" and "ａｄｍｉｎ" cannot be added beside "admin".

// ErrUsernameScripts refuses a username whose letters come from scripts
// that are not written together; the error returned is a *ScriptsError.
var ErrUsernameScripts = errors.New("username mixes scripts")

// NormalizeUsername returns the form in which a username is stored and
// looked up: compatibility forms replaced by the plain letters they stand
// for (Unicode NFKC: full-width ａ is a, the ligature ﬁ is fi, ① is 1),
// case folded (Unicode full case folding: A is a, ß is ss, ς is σ), and
// spaces trimmed. "ＡＤＭＩＮ", "Admin " and "admin" are one account.
//
// NFKC and case folding are those of the Unicode standard, from
// golang.org/x/text. PRECIS's UsernameCaseMapped profile (RFC 8265) was
// not used: it normalises to NFC, so it refuses compatibility forms where
// they should sign in as the name they spell, it lower-cases rather than
// folds (straße and strasse would be two accounts), and it allows ASCII
// symbols that CheckUsername refuses.
//
// A name typed longer than maxTypedUsername bytes is returned only
// trimmed: it cannot normalize to a name CheckUsername accepts, and NFKC
// may make a text eighteen times longer (ﷺ), which anyone could otherwise
// make the sign-in page do with a megabyte.
func NormalizeUsername(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxTypedUsername {
		return s
	}
	s = cases.Fold().String(norm.NFKC.String(s))
	// Folding may leave a string that is not in NFKC (İ folds to i and a
	// combining dot above): normalise once more.
	return strings.TrimSpace(norm.NFKC.String(s))
}

// maxTypedUsername bounds the bytes of a username as typed that are
// normalized: MaxUsernameLength characters of four bytes, each with as
// many combining marks that NFKC may compose into it.
const maxTypedUsername = 4 * 4 * MaxUsernameLength

// CheckUsername checks a normalized username: 2 to 32 letters, digits, dots,
// hyphens or underscores that normalizing again leaves as they are, the
// letters and digits of one script (UTS #39's
// "highly restrictive" level: Latin may go with Han, and with Hiragana and
// Katakana, Bopomofo or Hangul as Japanese, Chinese and Korean are
// written). It returns ErrUsernameLength, ErrUsernameCharacters, or a
// *ScriptsError (which is ErrUsernameScripts).
func CheckUsername(s string) error {
	if n := utf8.RuneCountInString(s); n < MinUsernameLength || n > MaxUsernameLength {
		return ErrUsernameLength
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return ErrUsernameCharacters
		}
	}
	// A name must be found again by the name it is stored under. Case
	// folding in golang.org/x/text swaps the two cases of Cherokee instead
	// of settling on one, so no Cherokee name is.
	if NormalizeUsername(s) != s {
		return ErrUsernameCharacters
	}
	return checkScripts(s)
}

// CheckStoredUsername checks a username already stored: an account made
// before usernames were normalized as they are now may have one that
// NormalizeUsername changes, which no sign-in can reach, or one that
// CheckUsername refuses. It returns ErrUsernameNotNormalized or
// CheckUsername's error.
func CheckStoredUsername(s string) error {
	if NormalizeUsername(s) != s {
		return ErrUsernameNotNormalized
	}
	return CheckUsername(s)
}

// TakenError is ErrUsernameTaken for a name typed otherwise than the
// account in use has it: "ＡＤＭＩＮ" for admin. The message says which.
type TakenError struct {
	Typed    string // as typed, without the spaces around it
	Username string // the account's
}

func (e *TakenError) Error() string {
	return fmt.Sprintf("it is the same username as %q, which is in use", e.Username)
}

// Is makes a *TakenError ErrUsernameTaken.
func (e *TakenError) Is(target error) bool { return target == ErrUsernameTaken }

// UsernameTaken returns the error for a username in use, typed as typed:
// a *TakenError when it was typed otherwise than it is stored, else
// ErrUsernameTaken.
func UsernameTaken(typed string) error {
	typed = strings.TrimSpace(typed)
	if username := NormalizeUsername(typed); username != typed {
		return &TakenError{Typed: typed, Username: username}
	}
	return ErrUsernameTaken
}

// ErrUsernameNotNormalized is a stored username that is not in the form
// NormalizeUsername gives.
var ErrUsernameNotNormalized = errors.New("username not in its normalized form")

// ScriptsError refuses a username that mixes scripts.
type ScriptsError struct {
	// Script is the script of most of the letters: "Latin".
	Script string
	// Odd are the letters that do not go with it: the Cyrillic а of
	// "аdmin".
	Odd []rune
}

func (e *ScriptsError) Error() string {
	return fmt.Sprintf("its letters must come from one script (Chinese characters may go with Latin letters), and it has %s among %s letters", e.Letters(), e.Script)
}

// Is makes a *ScriptsError ErrUsernameScripts.
func (e *ScriptsError) Is(target error) bool { return target == ErrUsernameScripts }

// Letters names the odd letters for a person who cannot see the
// difference: “а” (U+0430, Cyrillic).
func (e *ScriptsError) Letters() string {
	names := make([]string, len(e.Odd))
	for i, r := range e.Odd {
		names[i] = fmt.Sprintf("“%c” (U+%04X, %s)", r, r, scriptOf(r))
	}
	return strings.Join(names, ", ")
}

// writtenTogether are the sets of scripts that UTS #39's "highly
// restrictive" level lets one identifier mix: Japanese, Chinese and
// Korean as they are written, with Latin.
var writtenTogether = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// maxOddLetters is how many odd letters a ScriptsError names.
const maxOddLetters = 3

// checkScripts returns a *ScriptsError unless the letters and digits of s
// are of one script or of scripts written together. Characters of every
// script (the Common and Inherited scripts: ASCII digits, the dot) go with
// any.
func checkScripts(s string) error {
	count := map[string]int{}
	var order []string // the scripts in the order they first appear
	for _, r := range s {
		script := scriptOf(r)
		if script == "Common" || script == "Inherited" {
			continue
		}
		if count[script] == 0 {
			order = append(order, script)
		}
		count[script]++
	}
	if len(order) <= 1 || slices.ContainsFunc(writtenTogether, func(set []string) bool {
		return !slices.ContainsFunc(order, func(script string) bool { return !slices.Contains(set, script) })
	}) {
		return nil
	}
	// The message names the letters that stand out: those of scripts not
	// written with the script of most letters, or, when each goes with it
	// but not all together, every letter of another script.
	base := order[0]
	for _, script := range order {
		if count[script] > count[base] {
			base = script
		}
	}
	together := func(a, b string) bool {
		return slices.ContainsFunc(writtenTogether, func(set []string) bool { return slices.Contains(set, a) && slices.Contains(set, b) })
	}
	odd := func(script string, strict bool) bool {
		return script != base && script != "Common" && script != "Inherited" && (!strict || !together(base, script))
	}
	e := &ScriptsError{Script: base}
	for _, strict := range []bool{true, false} {
		for _, r := range s {
			if odd(scriptOf(r), strict) && !slices.Contains(e.Odd, r) && len(e.Odd) < maxOddLetters {
				e.Odd = append(e.Odd, r)
			}
		}
		if len(e.Odd) > 0 {
			break
		}
	}
	return e
}

// scriptOf returns the Unicode script of r, as Go's unicode package names
// it ("Latin", "Cyrillic", "Han"), or "Common" for a character of none.
func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf && unicode.IsLetter(r):
		return "Latin"
	case r < utf8.RuneSelf:
		return "Common"
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return "Common"
}
