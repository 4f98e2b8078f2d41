package dashboard

import (
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

// PlotMinWidth is the narrowest, in CSS px, the timeline's plot is ever
// drawn: static/site.css gives the plot's column this minimum, and a phone
// scrolls to see it all. The tick labels are laid out for it, so that they
// never run into each other at any wider width either.
const PlotMinWidth = 640

// The least room, in CSS px at PlotMinWidth, between the starts of two
// tick labels: a month's number ("12") and a year ("2023年", "2023") at the
// chart's 12 px, with a gap.
const (
	monthLabelRoom = 24
	yearLabelRoom  = 48
)

// rowBaseline is what the timeline draws of a project's baseline (its
// planned dates) and of how the baseline moved.
type rowBaseline struct {
	Planned    views.Span // the planned works, when both ends are known
	PlannedEnd civil.Date // the planned completion, marked alone when there is no bar to end
	Original   views.Span // the first baseline's bar, when it moved and has both ends
	Moved      views.Move // the planned completion, first and now, when it moved
}

// baselineOf decides what the timeline draws of m's baseline. A moved
// planned completion is always drawn, as a move from the first date to the
// current one: a bar of the first baseline needs a start, which a project
// planned only by its completion does not have, and its move must show
// all the same.
func baselineOf(m projects.Milestones) rowBaseline {
	b := rowBaseline{Planned: span(m.PlannedStart, m.PlannedCompletion, civil.Date{})}
	if b.Planned.From.IsZero() && !m.PlannedCompletion.IsZero() {
		b.PlannedEnd = m.PlannedCompletion
	}
	b.Original = originalSpan(m)
	if first := m.OriginalPlannedCompletion; !first.IsZero() && first != m.PlannedCompletion {
		b.Moved = views.Move{First: first, Now: m.PlannedCompletion}
	}
	return b
}

// originalSpan is the bar of the first baseline, when either of its dates
// was moved: a date never moved is its own original.
func originalSpan(m projects.Milestones) views.Span {
	if m.OriginalPlannedStart.IsZero() && m.OriginalPlannedCompletion.IsZero() {
		return views.Span{}
	}
	start, end := m.OriginalPlannedStart, m.OriginalPlannedCompletion
	if start.IsZero() {
		start = m.PlannedStart
	}
	if end.IsZero() {
		end = m.PlannedCompletion
	}
	return span(start, end, civil.Date{})
}

// span is the bar of a start and an end date. Without an end, the works are
// under way until today (the planned bars need both ends).
func span(start, end, today civil.Date) views.Span {
	if start.IsZero() {
		return views.Span{}
	}
	s := views.Span{Start: start, End: end, From: start.Earliest(), Approx: !start.HasDay() || (!end.IsZero() && !end.HasDay())}
	switch {
	case !end.IsZero():
		s.To = end.Latest()
	case !today.IsZero():
		s.To = today
	default:
		return views.Span{}
	}
	if s.To.Before(s.From) {
		s.To = s.From
	}
	return s
}

// drawnDays are the days a row puts on the chart: both ends of its bars,
// its lone marks and its deadlines. A date known only to the year counts
// as the whole year.
func drawnDays(r views.TimelineRow) []civil.Date {
	var days []civil.Date
	for _, s := range []views.Span{r.Planned, r.Original, r.Actual} {
		if !s.From.IsZero() {
			days = append(days, s.From, s.To)
		}
	}
	for _, d := range []civil.Date{r.PlannedEnd, r.Moved.First, r.Moved.Now} {
		if !d.IsZero() {
			days = append(days, d.Earliest(), d.Latest())
		}
	}
	for _, m := range r.Deadlines {
		days = append(days, m.Date.Earliest(), m.Date.Latest())
	}
	return days
}

// axisSpan is the first and the last day the timeline draws: whole years,
// from the earliest to the latest of the list's year, today and every day
// a row draws, so that no bar is cut and today's line always shows.
func axisSpan(year int, today civil.Date, days []civil.Date) (from, to civil.Date) {
	first, last := year, year
	for _, d := range append(days, today) {
		if d.IsZero() {
			continue
		}
		first, last = min(first, d.Year), max(last, d.Year)
	}
	return civil.Date{Year: first, Month: time.January, Day: 1}, civil.LastDayOfYear(last)
}

// axisTicks lays out the ticks of an axis drawn width CSS px wide: a grid
// line and perhaps a label at the first of some months. Months are
// labelled every 1, 2, 3 or 6 months, years every 1, 2, 5, 10… years, the
// smallest steps whose labels have room; a step of a year or more labels
// no months, only years, and draws a line a year.
func axisTicks(from, to civil.Date, width int) []views.TimelineTick {
	months := (to.Year-from.Year)*12 + int(to.Month-from.Month) + 1
	if months <= 0 || width <= 0 {
		return nil
	}
	perMonth := float64(width) / float64(months)
	monthStep := 12
	for _, step := range []int{1, 2, 3, 6} {
		if float64(step)*perMonth >= monthLabelRoom {
			monthStep = step
			break
		}
	}
	yearStep := 0
	for _, step := range []int{1, 2, 5, 10, 20, 50, 100} {
		if float64(12*step)*perMonth >= yearLabelRoom {
			yearStep = step
			break
		}
	}
	var ticks []views.TimelineTick
	d := civil.Date{Year: from.Year, Month: from.Month, Day: 1}
	for i := 0; i < months; i++ {
		monthIndex := int(d.Month - time.January)
		yearLabel := d.Month == time.January && yearStep > 0 && (d.Year-from.Year)%yearStep == 0
		monthLabel := monthStep < 12 && monthIndex%monthStep == 0
		if monthLabel || yearLabel || (monthStep >= 12 && d.Month == time.January) {
			ticks = append(ticks, views.TimelineTick{Date: d, YearLabel: yearLabel, MonthLabel: monthLabel})
		}
		d = nextMonth(d)
	}
	return ticks
}

func nextMonth(d civil.Date) civil.Date {
	if d.Month == time.December {
		return civil.Date{Year: d.Year + 1, Month: time.January, Day: 1}
	}
	return civil.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
}
