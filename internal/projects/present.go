package projects

import (
	"strconv"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/views"
)

// ProjectURL is the address of a project's public page.
func ProjectURL(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// yearPage builds the view of a year's targets, showing only one category
// when filter is set. Statuses are as of today; the date the data is as of is
// reckoned in loc.
//
// number is the page of the lists to show, from 1; past the last, the last.
func yearPage(y Year, history []views.ListEvent, filter Category, number int, today civil.Date, loc *time.Location, rule StatusRule) views.YearPage {
	targets, year := y.Targets, y.Year
	asOf := civil.DateOf(y.AsOf.In(loc))
	page := views.YearPage{
		Year:       year,
		Standing:   StandingOf(y.YearList, loc),
		History:    history,
		AsOf:       asOf,
		Unreported: Unreported(targets, asOf, today),
		CSVURL:     views.YearURL(year) + "/table.csv",
		JSONURL:    "/api/v1/years/" + strconv.Itoa(year),
		Filter:     views.CategoryFilter{Selected: string(filter), Total: len(targets)},
	}
	for _, tally := range rule.Tallies(targets, today) {
		page.Summary = append(page.Summary, views.ListSummary{
			List: string(tally.List), Total: tally.Total,
			Achieved: tally.Achieved, Partial: tally.Partial, Missed: tally.Missed, Overdue: tally.Overdue, AtRisk: tally.AtRisk,
		})
	}

	counts := map[Category]int{}
	for _, t := range targets {
		counts[t.Project.Category]++
	}
	for _, c := range Categories() {
		if counts[c] > 0 {
			page.Filter.Options = append(page.Filter.Options, views.CategoryOption{
				Category: string(c), Count: counts[c], URL: views.YearURL(year) + "?category=" + string(c),
			})
		}
	}

	// The rows of the page: a district's twenty targets are one page; a
	// city's thousands are YearPageSize rows a page, in the table's order.
	filtered := len(targets)
	if filter != "" {
		filtered = counts[filter]
	}
	var from, to int
	page.Pager, from, to = views.NewPager(filtered, number, YearPageSize, func(n int) string { return yearPageURL(year, filter, n) })
	shown := 0
	for _, list := range Lists() {
		section := views.YearList{List: string(list)}
		for _, t := range targets {
			if t.List != list {
				continue
			}
			section.Total++
			if filter != "" && t.Project.Category != filter {
				continue
			}
			section.Filtered++
			if shown >= from && shown < to {
				section.Rows = append(section.Rows, targetRow(t, rule.Status(t, t.Project.Milestones, today)))
			}
			shown++
		}
		page.Lists = append(page.Lists, section)
	}
	return page
}

// YearPageSize is how many rows of a year's lists a page shows.
const YearPageSize = 100

// pageCount is how many pages of size rows n rows take; one when empty.
func pageCount(n, size int) int { return max(1, (n+size-1)/size) }

// Row is target t, with its project, as a row of a year's table, its
// status by rule as of today: the rows search results show too.
func Row(t Target, rule StatusRule, today civil.Date) views.TargetRow {
	return targetRow(t, rule.Status(t, t.Project.Milestones, today))
}

func targetRow(t Target, status Status) views.TargetRow {
	link := func(l *Listing) *views.ListLink {
		if l == nil {
			return nil
		}
		return &views.ListLink{Year: l.Year, List: string(l.List), URL: views.YearURL(l.Year) + "#list-" + string(l.List)}
	}
	return views.TargetRow{
		CarriedTo:   link(t.CarriedTo),
		CarriedFrom: link(t.CarriedFrom),
		Number:      t.Number,
		Category:    string(t.Project.Category),
		Name:        t.ListedName,
		NameEn:      t.Project.NameEn,
		ProjectURL:  ProjectURL(t.ProjectID),
		List:        string(t.List),
		Deadline:    t.Deadline,
		NodeDate:    t.Deadline != civil.LastDayOfYear(t.Year),
		Status:      string(status),
		Progress:    t.Progress,
		Review:      string(t.Project.ReviewState),
	}
}

// projectPage builds the view of a project with its targets, in the order
// the store returns them: oldest year first.
func projectPage(p Project, today civil.Date, loc *time.Location, rule StatusRule) views.ProjectPage {
	page := views.ProjectPage{
		AsOf:        civil.DateOf(p.LastChanged().In(loc)),
		Name:        p.Name,
		NameEn:      p.NameEn,
		Category:    string(p.Category),
		Extent:      p.Extent,
		Unit:        p.Unit,
		Description: p.Description,
		State:       string(p.State()),
		Milestones: views.Milestones{
			PlannedStart:      p.PlannedStart,
			PlannedCompletion: p.PlannedCompletion,
			ActualStart:       p.ActualStart,
			ActualCompletion:  p.ActualCompletion,
		},
		Percent:    p.PercentComplete,
		JSONURL:    "/api/v1/projects/" + strconv.FormatInt(p.ID, 10),
		HistoryURL: ProjectURL(p.ID) + "/history",
	}
	if !p.OriginalPlannedStart.IsZero() || !p.OriginalPlannedCompletion.IsZero() {
		page.Rebaselined = true
		page.OriginalStart, page.OriginalCompletion = p.OriginalPlannedStart, p.OriginalPlannedCompletion
		page.SlipStart = slip(p.OriginalPlannedStart, p.PlannedStart)
		page.SlipCompletion = slip(p.OriginalPlannedCompletion, p.PlannedCompletion)
	}
	for _, t := range p.Targets {
		page.Targets = append(page.Targets, projectTarget(t, rule.Status(t, p.Milestones, today)))
	}
	return page
}

func projectTarget(t Target, status Status) views.ProjectTarget {
	return views.ProjectTarget{
		Year:       t.Year,
		YearURL:    views.YearURL(t.Year),
		Number:     t.Number,
		ListedName: t.ListedName,
		List:       string(t.List),
		Deadline:   t.Deadline,
		Status:     string(status),
		ByHand:     t.OutcomeByHand,
		Progress:   t.Progress,
	}
}

// historyPage builds the view of a project's history from its changes,
// newest first, with times in loc, leaving out the changes of the hidden
// targets. Staff also see who made each change, why, and which outcomes
// were recorded by hand.
func historyPage(p Project, changes []Change, hidden map[int64]bool, staff bool, loc *time.Location) views.HistoryPage {
	targets := map[int64]Target{}
	for _, t := range p.Targets {
		targets[t.ID] = t
	}
	page := views.HistoryPage{ProjectName: p.Name, ProjectNameEn: p.NameEn, ProjectURL: ProjectURL(p.ID), Staff: staff}
	for _, ch := range changes {
		if ch.TargetID != nil && hidden[*ch.TargetID] {
			continue // a change of a draft's target, which the reader may not see
		}
		entry := views.HistoryEntry{
			At: ch.At.In(loc), Field: ch.Field,
			Old: HistoryValueOf(ch.Old(), staff), New: HistoryValueOf(ch.New(), staff),
		}
		if ch.TargetID != nil {
			t := targets[*ch.TargetID]
			entry.TargetYear, entry.TargetList = t.Year, string(t.List)
		}
		if staff {
			entry.Who, entry.Reason = ch.UserName, ch.Reason
		}
		page.Entries = append(page.Entries, entry)
	}
	return page
}

// HistoryValueOf is a value of the history as its views show it: whether
// an outcome was recorded by hand is for staff.
func HistoryValueOf(v ChangeValue, staff bool) views.HistoryValue {
	return views.HistoryValue{
		Text: v.Text, Date: v.Date, Percent: v.Percent, Category: string(v.Category), Archived: v.Archived,
		Outcome: string(v.Outcome), ByHand: v.ByHand && staff, Year: v.Year, List: string(v.List),
		Amount: v.Amount, Month: v.Month,
	}
}

// StandingOf is where list y stands, as its pages say it, with days
// reckoned in loc.
func StandingOf(y YearList, loc *time.Location) views.Standing {
	st := views.Standing{State: string(y.State)}
	if y.PublishedAt != nil {
		st.PublishedOn = civil.DateOf(y.PublishedAt.In(loc))
	}
	if y.ClosedAt != nil {
		st.ClosedOn = civil.DateOf(y.ClosedAt.In(loc))
	}
	return st
}

// ListHistory is the view of a list's history, oldest first, with days
// in loc. Staff also see who made each change and why.
func ListHistory(events []YearEvent, staff bool, loc *time.Location) []views.ListEvent {
	out := make([]views.ListEvent, 0, len(events))
	for _, e := range events {
		le := views.ListEvent{On: civil.DateOf(e.At.In(loc)), Kind: string(e.Kind), Name: e.Name}
		if e.Number != nil {
			le.Number = *e.Number
		}
		if e.OldNumber != nil {
			le.OldNumber = *e.OldNumber
		}
		if staff {
			le.Who, le.Reason = e.UserName, e.Detail
		}
		out = append(out, le)
	}
	return out
}

// ChangeRows shows changes of project p as staff read them: each field,
// with its target's year and list, and its values before and after.
func ChangeRows(p Project, changes []Change) []views.ChangeRow {
	targets := map[int64]Target{}
	for _, t := range p.Targets {
		targets[t.ID] = t
	}
	rows := make([]views.ChangeRow, 0, len(changes))
	for _, ch := range changes {
		row := views.ChangeRow{Field: views.FieldName{Label: "history.field." + ch.Field},
			Old: HistoryValueOf(ch.Old(), true), New: HistoryValueOf(ch.New(), true)}
		if ch.TargetID != nil {
			t := targets[*ch.TargetID]
			row.Field.TargetYear, row.Field.TargetList = t.Year, string(t.List)
		}
		rows = append(rows, row)
	}
	return rows
}
