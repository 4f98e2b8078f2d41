package civil

import "testing"

// FuzzParse: any text is either refused or read as a date that writes
// back as the same text and reads again as the same date.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "2022", "2022-12-31", "2024-02-29", "2023-02-29", "0000", "9999-99-99", "２０２２", "2022-1-1", "+202", "2022-12-31\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.IsZero() {
			if s != "" {
				t.Fatalf("%q read as no date", s)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("%q read as %v, which writes as %q", s, d, d.String())
		}
		again, err := Parse(d.String())
		if err != nil || again != d {
			t.Fatalf("%q: %v reads back as %v (%v)", s, d, again, err)
		}
	})
}
