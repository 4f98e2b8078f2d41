package civil

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "", want: Date{}},
		{in: "2022", want: Date{Year: 2022}},
		{in: "2022-12-31", want: Date{2022, time.December, 31}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2023-02-29", wantErr: true},
		{in: "20222", wantErr: true},
		{in: "20222-01-01", wantErr: true},
		{in: "1900", wantErr: true},
		{in: "2101-01-01", wantErr: true},
		{in: "+202", wantErr: true},
		{in: "-202", wantErr: true},
		{in: "2022/12/31", wantErr: true},
		{in: "31.12.2022", wantErr: true},
		{in: "abcd", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("Parse(%q) error = %v, want ErrInvalidDate", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Parse(%q) = %#v, want %#v", tc.in, got, tc.want)
			}
			if got.String() != tc.in {
				t.Fatalf("String() = %q, want the input %q back", got.String(), tc.in)
			}
		})
	}
}

func TestRangeOfAYearOnlyDate(t *testing.T) {
	tests := []struct{ in, earliest, latest Date }{
		{Date{}, Date{}, Date{}},
		{YearOnly(2022), Date{2022, time.January, 1}, LastDayOfYear(2022)},
		{Date{2022, time.March, 5}, Date{2022, time.March, 5}, Date{2022, time.March, 5}},
	}
	for _, tc := range tests {
		if got := tc.in.Earliest(); got != tc.earliest {
			t.Errorf("%v.Earliest() = %v, want %v", tc.in, got, tc.earliest)
		}
		if got := tc.in.Latest(); got != tc.latest {
			t.Errorf("%v.Latest() = %v, want %v", tc.in, got, tc.latest)
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	tests := []struct {
		from Date
		days int
		to   Date
	}{
		{Date{2024, time.February, 28}, 1, Date{2024, time.February, 29}},
		{Date{2023, time.February, 28}, 1, Date{2023, time.March, 1}},
		{LastDayOfYear(2022), 1, Date{2023, time.January, 1}},
		{Date{2024, time.March, 1}, -1, Date{2024, time.February, 29}},
		{Date{2023, time.December, 1}, 30, LastDayOfYear(2023)},
	}
	for _, tc := range tests {
		if got := tc.from.AddDays(tc.days); got != tc.to {
			t.Errorf("%v + %d days = %v, want %v", tc.from, tc.days, got, tc.to)
		}
		if got := tc.from.DaysUntil(tc.to); got != tc.days {
			t.Errorf("days from %v to %v = %d, want %d", tc.from, tc.to, got, tc.days)
		}
	}
}

func TestCompare(t *testing.T) {
	a := Date{2024, time.February, 28}
	b := Date{2024, time.March, 1}
	if !a.Before(b) || b.Before(a) || a.After(b) || !b.After(a) {
		t.Fatalf("ordering of %v and %v is wrong", a, b)
	}
	if a.Compare(a) != 0 {
		t.Fatalf("%v.Compare(itself) = %d, want 0", a, a.Compare(a))
	}
	if !LastDayOfYear(2022).Before(Date{2023, time.January, 1}) {
		t.Fatal("31 December 2022 is not before 1 January 2023")
	}
}

func TestStorageRoundTrip(t *testing.T) {
	for _, d := range []Date{{}, YearOnly(2022), {2023, time.June, 30}} {
		v, err := d.Value()
		if err != nil {
			t.Fatal(err)
		}
		var back Date
		if err := back.Scan(v); err != nil {
			t.Fatalf("Scan(%v): %v", v, err)
		}
		if back != d {
			t.Fatalf("round trip of %#v gave %#v", d, back)
		}
	}
	var d Date
	if err := d.Scan("2022-13-01"); err == nil {
		t.Fatal("Scan accepted month 13")
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B, C Date
	}{Date{}, YearOnly(2022), LastDayOfYear(2023)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"A":null,"B":"2022","C":"2023-12-31"}`; got != want {
		t.Fatalf("json = %s, want %s", got, want)
	}
	var back struct{ A, B, C Date }
	if err := json.Unmarshal(b, &back); err != nil || back.A != (Date{}) || back.B != YearOnly(2022) || back.C != LastDayOfYear(2023) {
		t.Fatalf("read back %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"2022-02-30"}`), &back); !errors.Is(err, ErrInvalidDate) {
		t.Fatalf("an impossible day read as %v, want ErrInvalidDate", err)
	}
}
