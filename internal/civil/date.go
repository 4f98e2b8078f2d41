// Package civil provides calendar dates without a time of day or time zone,
// as the milestones and deadlines of public works are recorded.
//
// A Date may be known to the day ("2023-06-30") or only to the year ("2022").
// The year-only form exists because the district's report states outcomes such
// as "started in 2022" without a day, and an honest record must not invent one.
// A year-only date means "no later than the end of that year".
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// MinYear and MaxYear bound the years a date may carry. They keep typing
// mistakes such as "20222" out of the record while allowing for projects
// planned long ago or far ahead.
const (
	MinYear = 1949
	MaxYear = 2100
)

// Date is a calendar date. The zero value is an unknown date. When Month is
// zero only the year is known (see the package comment).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrInvalidDate is wrapped by every error that Parse returns.
var ErrInvalidDate = errors.New("invalid date")

// DateOf returns the day on which t falls, in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// YearOnly returns a date of which only the year is known.
func YearOnly(year int) Date { return Date{Year: year} }

// LastDayOfYear returns 31 December of year, the default deadline of a target.
func LastDayOfYear(year int) Date { return Date{Year: year, Month: time.December, Day: 31} }

// Parse reads "YYYY-MM-DD" or "YYYY". The empty string is the unknown date.
// It returns an error wrapping ErrInvalidDate for anything else, for a day
// that does not exist (2023-02-29) and for a year outside MinYear..MaxYear.
func Parse(s string) (Date, error) {
	switch len(s) {
	case 0:
		return Date{}, nil
	case 4:
		y, err := strconv.Atoi(s)
		if err != nil || s[0] == '+' || s[0] == '-' {
			return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
		}
		d := YearOnly(y)
		return d, d.checkYear()
	case 10:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
		}
		d := DateOf(t)
		return d, d.checkYear()
	}
	return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
}

func (d Date) checkYear() error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("%w: year %d is outside %d to %d", ErrInvalidDate, d.Year, MinYear, MaxYear)
	}
	return nil
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// HasDay reports whether the date is known to the day.
func (d Date) HasDay() bool { return d.Year != 0 && d.Month != 0 }

// Earliest returns the first day the date can stand for: the date itself
// when the day is known, 1 January when only the year is. The result of an
// unknown date is unknown.
func (d Date) Earliest() Date {
	if d.IsZero() || d.HasDay() {
		return d
	}
	return Date{Year: d.Year, Month: time.January, Day: 1}
}

// Latest returns the last day the date can stand for: the date itself when
// the day is known, 31 December when only the year is.
func (d Date) Latest() Date {
	if d.IsZero() || d.HasDay() {
		return d
	}
	return LastDayOfYear(d.Year)
}

// AddDays returns the day n days after d (before, for a negative n). d must
// be known to the day.
func (d Date) AddDays(n int) Date {
	return DateOf(d.midnight().AddDate(0, 0, n))
}

// DaysUntil returns the number of days from d to e, negative when e is
// earlier. Both must be known to the day.
func (d Date) DaysUntil(e Date) int {
	return int(e.midnight().Sub(d.midnight()).Hours() / 24)
}

func (d Date) midnight() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e. Both must be
// known to the day; compare Earliest or Latest of a year-only date.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String returns "YYYY-MM-DD", "YYYY" for a year-only date, or "" when unknown.
// It is the form stored in the database and published in the open data.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case !d.HasDay():
		return fmt.Sprintf("%04d", d.Year)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Value stores the date as text, or NULL when unknown.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored by Value.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		parsed, err := Parse(v)
		*d = parsed
		return err
	case []byte:
		return d.Scan(string(v))
	case time.Time:
		*d = DateOf(v)
		return nil
	}
	return fmt.Errorf("civil: cannot scan %T into a Date", src)
}

// MarshalJSON publishes the date as a JSON string in the form String returns,
// or null when it is unknown.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidDate, b)
	}
	parsed, err := Parse(s)
	*d = parsed
	return err
}
