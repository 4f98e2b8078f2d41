package projects

import (
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

func TestElapsed(t *testing.T) {
	months := map[int]int64{0: 0, 1: 83, 6: 500, 10: 833, 12: 1000, 13: 1000}
	for m, want := range months {
		if got := ElapsedThroughMonth(m); got != want {
			t.Errorf("after month %d: %d, want %d", m, got, want)
		}
	}
	days := []struct {
		day  civil.Date
		want int64
	}{
		{civil.Date{Year: 2023, Month: time.January, Day: 1}, 3}, // 1 of 365 days
		{civil.Date{Year: 2023, Month: time.July, Day: 2}, 501},  // 183 of 365
		{civil.Date{Year: 2024, Month: time.July, Day: 1}, 500},  // 183 of 366: a leap year has a day more
		{civil.Date{Year: 2023, Month: time.December, Day: 31}, 1000},
	}
	for _, tc := range days {
		if got := ElapsedOn(tc.day); got != tc.want {
			t.Errorf("on %s: %d, want %d", tc.day, got, tc.want)
		}
	}
}

func TestPaceRule(t *testing.T) {
	wan := money.Wan
	tests := []struct {
		name               string
		planned, completed money.Amount
		elapsed            int64
		want               Pace
		ok                 bool
	}{
		// The city's report: 647.4 亿 planned, 629.0 亿 by October: 97.2%,
		// ahead of the 83.3% of the year gone by.
		{"ahead", wan(6_474_000), wan(6_290_000), 833, Pace{Done: 972, Elapsed: 833, Lag: -139, Light: LightGreen}, true},
		{"just behind", wan(100), wan(41), 500, Pace{Done: 410, Elapsed: 500, Lag: 90, Light: LightGreen}, true},
		{"ten points behind is yellow", wan(100), wan(40), 500, Pace{Done: 400, Elapsed: 500, Lag: 100, Light: LightYellow}, true},
		{"thirty points behind is still yellow", wan(100), wan(20), 500, Pace{Done: 200, Elapsed: 500, Lag: 300, Light: LightYellow}, true},
		{"beyond thirty is red", wan(1000), wan(199), 500, Pace{Done: 199, Elapsed: 500, Lag: 301, Light: LightRed}, true},
		{"nothing done by year end", wan(100), 0, 1000, Pace{Done: 0, Elapsed: 1000, Lag: 1000, Light: LightRed}, true},
		{"nothing planned", 0, wan(5), 500, Pace{}, false},
	}
	for _, tc := range tests {
		got, ok := DefaultPaceRule().Of(tc.planned, tc.completed, tc.elapsed)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	// Thresholds are a setting.
	strict := PaceRule{YellowPoints: 5, RedPoints: 15}
	if got, _ := strict.Of(wan(100), wan(40), 500); got.Light != LightYellow {
		t.Errorf("10 behind under 5/15 is %s", got.Light)
	}
	if got, _ := strict.Of(wan(100), wan(30), 500); got.Light != LightRed {
		t.Errorf("20 behind under 5/15 is %s", got.Light)
	}
}
