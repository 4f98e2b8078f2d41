package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Amount
		wantErr error
	}{
		{"647.4", 6_474_000, nil},
		{"1,234.56", 12_345_600, nil},
		{"１，２３４．５", 12_345_000, nil}, // full-width, as a Chinese keyboard types
		{" 12 ", 120_000, nil},
		{"0.01", 100, nil},
		{"0.001", 0, ErrTooSmall}, // three decimals of 万元: a slip, refused
		{".5", 5_000, nil},
		{"5.", 50_000, nil},
		{"0", 0, nil},
		{"1.2300", 12_300, nil}, // trailing zeros are not precision
		{"12.345", 0, ErrTooSmall},
		{"-1", 0, ErrNegative},
		{"", 0, ErrInvalid},
		{".", 0, ErrInvalid},
		{"1.2.3", 0, ErrInvalid},
		{"1e3", 0, ErrInvalid},
		{"12万", 0, ErrInvalid},
		{"NaN", 0, ErrInvalid},
		{"1000000000", 10_000_000_000_000, nil}, // Max
		{"1000000000.01", 0, ErrTooLarge},
		{"99999999999999999999", 0, ErrTooLarge},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q): %v does not wrap ErrInvalid", tc.in, err)
		}
	}
}

func TestStringReadsBackAsTheSameAmount(t *testing.T) {
	for _, a := range []Amount{0, 100, 6_474_000, 12_345_600, Wan(246_210), Max} {
		back, err := Parse(a.String())
		if err != nil || back != a {
			t.Errorf("%d writes %q, which reads back as %d, %v", a, a.String(), back, err)
		}
	}
	if got := Amount(6_474_000).String(); got != "647.4" {
		t.Errorf("647.4 万元 writes %q", got)
	}
	if got := Amount(-5).String(); got != "-0.0005" {
		t.Errorf("a negative amount writes %q", got)
	}
}

// The city's report: 年度投资计划 647.4 亿, 1–10 月完成 629.0 亿, 占 97.2%.
func TestPercent(t *testing.T) {
	tests := []struct {
		part, whole Amount
		want        int64
		ok          bool
	}{
		{Wan(6_290_000), Wan(6_474_000), 972, true},
		{Wan(1), Wan(3), 333, true},
		{Wan(2), Wan(3), 667, true}, // half away from zero
		{Wan(1), Wan(8), 125, true},
		{0, Wan(5), 0, true},
		{Wan(5), 0, 0, false},
		{Wan(7), Wan(5), 1400, true}, // more than planned
	}
	for _, tc := range tests {
		got, ok := Percent(tc.part, tc.whole)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Percent(%v, %v) = %d, %v; want %d, %v", tc.part, tc.whole, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSumIsExact(t *testing.T) {
	// 0.1 + 0.2 万元 is 0.3 万元, which floating point does not give.
	a, _ := Parse("0.1")
	b, _ := Parse("0.2")
	if got := Sum(a, b).String(); got != "0.3" {
		t.Errorf("0.1 + 0.2 = %s", got)
	}
}

func TestScan(t *testing.T) {
	var a Amount
	if err := a.Scan(int64(6_474_000)); err != nil || a != 6_474_000 {
		t.Errorf("Scan = %d, %v", a, err)
	}
	if err := a.Scan(nil); err != nil || a != 0 {
		t.Errorf("Scan(nil) = %d, %v", a, err)
	}
	if err := a.Scan(647.4); err == nil {
		t.Error("a float is read as an amount")
	}
}

// FuzzParse: whatever is typed, Parse answers without panicking, and what
// it accepts writes back as a text that reads as the same amount, within
// the bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"647.4", "１，２３４．５", "0.01", "0.001", "-1", "1e3", "99999999999999999999", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if a < 0 || a > Max {
			t.Fatalf("Parse(%q) = %d, out of bounds", s, a)
		}
		if back, err := Parse(a.String()); err != nil || back != a {
			t.Fatalf("Parse(%q) = %d writes %q, which reads %d, %v", s, a, a.String(), back, err)
		}
	})
}

func TestPercentText(t *testing.T) {
	for n, want := range map[int64]string{972: "97.2", 0: "0.0", 5: "0.5", -167: "-16.7", 1000: "100.0"} {
		if got := PercentText(n); got != want {
			t.Errorf("PercentText(%d) = %q, want %q", n, got, want)
		}
	}
}
