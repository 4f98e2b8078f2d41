package console

import (
	"errors"
	"net/url"
	"testing"

	"shuangshi/internal/civil"
	"shuangshi/internal/web"
)

// FuzzFilterQuery: any query string is refused as a bad request (400) or
// read as a filter within its bounds; nothing else.
func FuzzFilterQuery(f *testing.F) {
	for _, q := range []string{"", "year=2022&list=start&category=road&unit=区建管中心&engineer=3",
		"year=99999", "year=-1", "engineer=0", "engineer=9223372036854775808", "list=%00", "category=路桥", "unit=%E4%BD%A0&unit=x"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // echo hands such a query over as far as it parsed; the handler sees values
		}
		filter, _, err := parseFilter(q)
		if err != nil {
			var bad *web.Error
			if !errors.As(err, &bad) || bad.Status != 400 {
				t.Fatalf("%q: %v, want a 400", raw, err)
			}
			return
		}
		if filter.Year != 0 && (filter.Year < civil.MinYear || filter.Year > civil.MaxYear) {
			t.Fatalf("%q: year %d", raw, filter.Year)
		}
		if filter.EngineerID < 0 {
			t.Fatalf("%q: engineer %d", raw, filter.EngineerID)
		}
	})
}
