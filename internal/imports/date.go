package imports

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"shuangshi/internal/civil"
)

var (
	// dayPattern is a date to the day with its parts separated by -, / or .
	// (2023-06-30, 2023/6/30, 2023.6.30) or written 2023年6月30日.
	dayPattern = regexp.MustCompile(`^(\d{4})\s*([-/.]|年)\s*(\d{1,2})\s*([-/.]|月)\s*(\d{1,2})\s*(日|号)?$`)
	// timeOfDay is what a spreadsheet appends to a date with a time
	// ("2023/6/30 0:00"); a deadline is a day, so the time is dropped.
	timeOfDay   = regexp.MustCompile(`\s+\d{1,2}:\d{2}(:\d{2})?$`)
	yearPattern = regexp.MustCompile(`^(\d{4})\s*年?$`)
	compact     = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// ParseDate reads a date as people type it in a spreadsheet: 2023-06-30,
// 2023/6/30, 2023.6.30, 2023年6月30日, 20230630, a year alone (2023 or
// 2023年, a date known only to the year), or an Excel date serial number
// such as 45107. Full-width digits are accepted and a time of day is
// dropped. The empty string is the unknown date.
//
// It returns an error wrapping civil.ErrInvalidDate for anything else: a
// month without a day (2023年6月: civil dates have no month precision), a
// day that does not exist (2023-02-29), a year outside civil.MinYear to
// civil.MaxYear.
func ParseDate(s string) (civil.Date, error) {
	s = width.Fold.String(trim(s))
	s = timeOfDay.ReplaceAllString(s, "")
	if s == "" {
		return civil.Date{}, nil
	}
	if m := yearPattern.FindStringSubmatch(s); m != nil {
		return civil.Parse(m[1])
	}
	if m := compact.FindStringSubmatch(s); m != nil {
		return civil.Parse(m[1] + "-" + m[2] + "-" + m[3])
	}
	if m := dayPattern.FindStringSubmatch(s); m != nil {
		// The separators must agree: 年 goes with 月, and a dash with a
		// dash; 日 ends only the 年月 form.
		chinese := m[2] == "年" && m[4] == "月"
		if chinese || (m[2] == m[4] && m[6] == "") {
			month, _ := strconv.Atoi(m[3])
			day, _ := strconv.Atoi(m[5])
			return civil.Parse(fmt.Sprintf("%s-%02d-%02d", m[1], month, day))
		}
	}
	if d, ok := excelSerial(s, false); ok && !strings.ContainsAny(s, "-/") {
		return d, nil
	}
	return civil.Date{}, fmt.Errorf("%w: %q", civil.ErrInvalidDate, s)
}
