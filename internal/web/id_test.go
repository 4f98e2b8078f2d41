package web

import (
	"strconv"
	"testing"

	"shuangshi/internal/errkind"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"1", 1, true},
		{"12", 12, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"+1", 0, false},
		{"01", 0, false},
		{"0", 0, false},
		{"00", 0, false},
		{"-1", 0, false},
		{"-0", 0, false},
		{"1e3", 0, false},
		{"1.5", 0, false},
		{"0x1", 0, false},
		{"1_000", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1\n", 0, false},
		{"9223372036854775808", 0, false},
		{"99999999999999999999999", 0, false},
		{"", 0, false},
		{"１", 0, false}, // full-width digit one
		{"\u202e1", 0, false},
		{"1/x", 0, false},
		{"abc", 0, false},
	}
	for _, tc := range tests {
		t.Run(strconv.Quote(tc.in), func(t *testing.T) {
			got, err := ParseID(tc.in)
			if tc.wantOK {
				if err != nil || got != tc.want {
					t.Errorf("ParseID(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseID(%q) = %d, want an error", tc.in, got)
			}
			if kind := errkind.Of(err); kind != errkind.NotFound {
				t.Errorf("ParseID(%q): kind %v, want %v", tc.in, kind, errkind.NotFound)
			}
		})
	}
}
