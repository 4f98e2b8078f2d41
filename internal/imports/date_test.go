package imports

import (
	"errors"
	"testing"
	"time"

	"shuangshi/internal/civil"
)

func TestParseDate(t *testing.T) {
	june30 := civil.Date{Year: 2023, Month: time.June, Day: 30}
	tests := []struct {
		in   string
		want civil.Date
	}{
		{"", civil.Date{}},
		{"  ", civil.Date{}},
		{"2023-06-30", june30},
		{"2023-6-30", june30},
		{"2023/6/30", june30},
		{"2023/06/30", june30},
		{"2023.6.30", june30},
		{"2023年6月30日", june30},
		{"2023年6月30号", june30},
		{"2023 年 6 月 30 日", june30},
		{"２０２３年６月３０日", june30}, // full-width digits
		{"20230630", june30},
		{"2023/6/30 0:00", june30},      // a date-time cell saved as CSV
		{"2023-06-30 17:30:00", june30}, // the time of day is dropped
		{"45107", june30},               // an Excel date serial
		{"45107.5", june30},
		{"2023", civil.YearOnly(2023)},
		{"2023年", civil.YearOnly(2023)},
		{" 2022 ", civil.YearOnly(2022)},
		{"2024-02-29", civil.Date{Year: 2024, Month: time.February, Day: 29}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, in := range []string{
		"2023-02-29",  // no such day
		"2023-13-01",  // no such month
		"2023年6月",     // a month without a day: civil dates have no month precision
		"2023-6",      // the same
		"6/30/2023",   // month first
		"30.6.2023",   // day first
		"23-6-30",     // a two-digit year
		"2023/6-30",   // mixed separators
		"2023-06-30日", // 日 ends only the 年月 form
		"1900",        // before civil.MinYear
		"2200",        // after civil.MaxYear
		"100",         // a serial number before 1949
		"99999",       // a serial number after 2100
		"六月底",         // words
		"2023年底",
		"TBD",
	} {
		t.Run(in, func(t *testing.T) {
			if got, err := ParseDate(in); !errors.Is(err, civil.ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) = %v, %v; want an error wrapping civil.ErrInvalidDate", in, got, err)
			}
		})
	}
}
