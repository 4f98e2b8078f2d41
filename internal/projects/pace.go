package projects

import (
	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// 序时进度 (time-elapsed progress): a project's completed investment for
// the year, as a share of the year's planned investment, against the share
// of the year gone by. Supervisors light a project green, yellow or red by
// how far it lags.

// Light is how a project's investment stands against the year's time.
type Light string

// The lights.
const (
	LightGreen  Light = "green"  // on pace, ahead, or behind by less than the yellow threshold
	LightYellow Light = "yellow" // behind by the yellow threshold up to the red one
	LightRed    Light = "red"    // behind by more than the red threshold: a 督办 is due
)

// PaceRule holds the thresholds, in percentage points behind the share of
// the year gone by.
type PaceRule struct {
	YellowPoints int // behind by at least this many points is yellow
	RedPoints    int // behind by more than this many points is red
}

// DefaultPaceRule is the rule city platforms use: yellow from 10 points
// behind, red beyond 30.
func DefaultPaceRule() PaceRule { return PaceRule{YellowPoints: 10, RedPoints: 30} }

// Pace is a project's standing against the year's time, in tenths of a
// percentage point: Done the share of the planned investment completed,
// Elapsed the share of the year gone by, Lag how far Done is behind
// Elapsed (negative: ahead).
type Pace struct {
	Done    int64
	Elapsed int64
	Lag     int64
	Light   Light
}

// ElapsedThroughMonth is the share of a year gone by at the end of a
// month (1 to 12), in tenths of a point: 833 after October. The monthly
// report (月报) is as of a month's end, so the share is reckoned by whole
// months, as the city's reports do.
func ElapsedThroughMonth(month int) int64 {
	month = max(0, min(month, 12))
	return (int64(month)*1000 + 6) / 12
}

// ElapsedOn is the share of a year gone by at the end of a day, in tenths
// of a point: the days passed over the days of the year.
func ElapsedOn(day civil.Date) int64 {
	first := civil.Date{Year: day.Year, Month: 1, Day: 1}
	days := int64(first.DaysUntil(civil.Date{Year: day.Year + 1, Month: 1, Day: 1}))
	passed := int64(first.DaysUntil(day)) + 1
	return (passed*1000 + days/2) / days
}

// Of returns a project's pace from the year's planned investment, what it
// completed this year and the share of the year gone by (tenths of a
// point), and false when nothing is planned for the year: no share of a
// plan of nothing lights anything.
func (r PaceRule) Of(planned, completed money.Amount, elapsed int64) (Pace, bool) {
	done, ok := money.Percent(completed, planned)
	if !ok {
		return Pace{}, false
	}
	p := Pace{Done: done, Elapsed: elapsed, Lag: elapsed - done}
	switch {
	case p.Lag > int64(r.RedPoints)*10:
		p.Light = LightRed
	case p.Lag >= int64(r.YellowPoints)*10:
		p.Light = LightYellow
	default:
		p.Light = LightGreen
	}
	return p, true
}
