// Package money provides exact amounts of investment in 万元 (ten thousand
// yuan), as the district's plans and reports state them.
//
// An Amount is a whole number of yuan, so that nothing is ever a float:
// 647.4 万元 is 6,474,000 yuan, and every total adds up exactly to its
// rows. People type 万元 with at most two decimals (hundreds of yuan), as
// plans and reports state them; a third decimal is a slip of the finger,
// refused rather than rounded.
package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount is an amount of money in yuan. Its zero value is nothing.
type Amount int64

// yuanPerWan is how many yuan one 万元 is.
const yuanPerWan = 10_000

// typedDecimals is how many decimals of 万元 an amount may be typed with.
const typedDecimals = 2

// Max bounds an amount as typed: 10 trillion yuan (10 亿万元), far beyond
// any district's project, and far from the int64 limit, so that the sum of
// any number of rows a page shows cannot overflow.
const Max Amount = 10_000_000_000_000

// Errors of Parse; each wraps ErrInvalid.
var (
	ErrInvalid  = errors.New("invalid amount")
	ErrTooSmall = fmt.Errorf("%w: more than two decimals", ErrInvalid)
	ErrTooLarge = fmt.Errorf("%w: too large", ErrInvalid)
	ErrNegative = fmt.Errorf("%w: negative", ErrInvalid)
)

// Wan returns an amount of whole 万元.
func Wan(n int64) Amount { return Amount(n * yuanPerWan) }

// Parse reads an amount in 万元 as people type it: "647.4", "1,234.56",
// "1，234.5" with a full-width comma, full-width digits, spaces around. At
// most two decimals (a hundred yuan), not negative, at most Max. An empty text
// is an error: the caller decides whether an amount may be left out.
func Parse(s string) (Amount, error) { return parse(s, typedDecimals) }

// Read reads an amount as String writes it, to the yuan: what a page or
// the history wrote back, never what a person typed.
func Read(s string) (Amount, error) { return parse(s, 4) }

func parse(s string, decimals int) (Amount, error) {
	s = strings.TrimSpace(normalize(s))
	// Thousands separators and spaces are dropped (strings.Map returns s
	// itself when there are none).
	s = strings.Map(func(r rune) rune {
		if r == ',' || r == ' ' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, ErrInvalid
	}
	if strings.HasPrefix(s, "-") {
		return 0, ErrNegative
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, ErrInvalid
	}
	if !digits(whole) || !digits(frac) {
		return 0, ErrInvalid
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > decimals {
		return 0, ErrTooSmall
	}
	whole = strings.TrimLeft(whole, "0")
	// Max in 万元 has 10 digits; more cannot be in range.
	if len(whole) > 10 {
		return 0, ErrTooLarge
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, ErrInvalid
		}
	}
	f := int64(0)
	if frac != "" {
		n, err := strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
		if err != nil {
			return 0, ErrInvalid
		}
		f = n
	}
	a := Amount(w*yuanPerWan + f)
	if a > Max {
		return 0, ErrTooLarge
	}
	return a, nil
}

// normalize turns full-width digits, the full-width point and comma and
// the ideographic space into their ASCII forms, as a Chinese keyboard
// may type them.
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．' || r == '。':
			return '.'
		case r == '，':
			return ','
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String writes the amount in 万元 with as many decimals as it needs (at
// most four) and no grouping: "647.4", "0.0001", "12".
func (a Amount) String() string {
	sign := ""
	n := int64(a)
	if n < 0 {
		if n == math.MinInt64 {
			return "-922337203685.4775808"
		}
		sign, n = "-", -n
	}
	whole, frac := n/yuanPerWan, n%yuanPerWan
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	return sign + strconv.FormatInt(whole, 10) + "." + strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
}

// Grouped writes the amount in 万元 as String does, with its thousands
// grouped by commas: "1,234.56".
func (a Amount) Grouped() string {
	whole, frac, _ := strings.Cut(a.String(), ".")
	out := group(whole)
	if frac != "" {
		out += "." + frac
	}
	return out
}

// GroupedYuan writes the amount in whole yuan, grouped: "6,474,000".
func (a Amount) GroupedYuan() string { return group(strconv.FormatInt(int64(a), 10)) }

// group puts commas between the thousands of a whole number's digits.
func group(digits string) string {
	digits, negative := strings.CutPrefix(digits, "-")
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Sum adds amounts exactly.
func Sum(amounts ...Amount) Amount {
	var total Amount
	for _, a := range amounts {
		total += a
	}
	return total
}

// Percent returns part as a share of whole in tenths of a percentage point,
// rounded half away from zero (972 for 97.2%), and false when whole is
// nothing: the share of a plan of nothing is not a number.
func Percent(part, whole Amount) (int64, bool) {
	if whole == 0 {
		return 0, false
	}
	num, den := int64(part)*1000, int64(whole)
	q, r := num/den, num%den
	if 2*abs(r) >= abs(den) {
		if (num < 0) != (den < 0) {
			q--
		} else {
			q++
		}
	}
	return q, true
}

// PercentText writes a share in tenths of a point, as Percent returns it,
// with its one decimal: 972 is "97.2".
func PercentText(tenths int64) string {
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	return sign + strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Value stores an amount as its whole yuan.
func (a Amount) Value() (driver.Value, error) { return int64(a), nil }

// Scan reads an amount stored by Value.
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*a = Amount(v)
	case nil:
		*a = 0
	default:
		return fmt.Errorf("money: cannot read %T as an amount", src)
	}
	return nil
}
