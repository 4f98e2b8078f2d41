package projects

import (
	"context"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// YearInvestment is a project's investment in one year as a reader reads
// it: what the year-end table, the dashboard and the open data show beside
// a target.
type YearInvestment struct {
	Year int
	// Total is the project's 总投资; nil while nobody has given it.
	Total *money.Amount
	// Planned is the year's 年度计划投资; nil while not given: a plan is
	// never taken to be zero.
	Planned *money.Amount
	// Completed is the year's investment completed to the end of AsOf
	// (本年累计完成), from the newest month reported that has ended; nil
	// while no such month is reported.
	Completed *money.Amount
	AsOf      Month
	// Pace is the 序时进度 light; nil without a plan, or before any month
	// of the year is due or reported.
	Pace *Paced
}

// Rate is the year's 完成率: Completed as a share of Planned, in tenths of
// a point, and false unless both are given and the plan is more than
// nothing.
func (i YearInvestment) Rate() (int64, bool) {
	if i.Planned == nil || i.Completed == nil {
		return 0, false
	}
	return money.Percent(*i.Completed, *i.Planned)
}

// InvestmentOfYear returns the investment in year y of each project on its
// list, by project id, as audience reads it, as of today under the
// settings: the public reads, under review before publication, the
// approved plans and totals (y's projects are already read as the public
// reads them) and the approved monthly reports only; staff read every
// plan and each month's newest filing.
//
// A closed year's figures come from the record as well: they cannot change
// once the year is closed (a closed year's plan is refused by the edit,
// and no month of a closed year can be reported), so they are the figures
// of the close. Only the total, which is the project's and not the year's,
// is as it stands today.
func (s *Store) InvestmentOfYear(ctx context.Context, y Year, audience Audience, settings Settings, today civil.Date) (map[int64]YearInvestment, error) {
	plans, err := s.PlansOfYear(ctx, y.Year)
	if err != nil {
		return nil, err
	}
	publicOnly := audience == ThePublic && s.ReviewBeforePublication
	reports, err := s.ReportFiguresOfYear(ctx, y.Year, publicOnly)
	if err != nil {
		return nil, err
	}
	out := map[int64]YearInvestment{}
	for _, t := range y.Targets {
		if _, done := out[t.ProjectID]; done {
			continue
		}
		var planned *money.Amount
		if plan, ok := plans[t.ProjectID]; ok {
			if planned, err = plannedAs(t.Project, plan, publicOnly); err != nil {
				return nil, err
			}
		}
		out[t.ProjectID] = yearInvestment(t.Project.TotalInvestment, planned, reports[t.ProjectID], y.Year, settings, today)
	}
	return out, nil
}

// ProjectInvestment returns project p's investment in each year it has or
// may have a plan for (PlanYears), oldest first, as audience reads it: p
// as the audience reads it (its plans approved for the public under
// review), and the monthly reports the audience may read.
func (s *Store) ProjectInvestment(ctx context.Context, p Project, audience Audience, settings Settings, today civil.Date) ([]YearInvestment, error) {
	reports, err := s.ProjectReports(ctx, p.ID, audience == ThePublic && s.ReviewBeforePublication)
	if err != nil {
		return nil, err
	}
	byYear := map[int][]MonthlyReport{}
	for _, r := range reports {
		byYear[r.Year] = append(byYear[r.Year], r)
	}
	var out []YearInvestment
	for _, year := range p.PlanYears() {
		var planned *money.Amount
		if plan, ok := p.PlanFor(year); ok {
			amount := plan.Planned
			planned = &amount
		}
		out = append(out, yearInvestment(p.TotalInvestment, planned, byYear[year], year, settings, today))
	}
	return out, nil
}

// yearInvestment is a project's investment in year from its total, the
// year's plan and its reports of the year.
func yearInvestment(total, planned *money.Amount, reports []MonthlyReport, year int, settings Settings, today civil.Date) YearInvestment {
	inv := YearInvestment{Year: year, Total: total, Planned: planned}
	if m, completed, ok := completedBy(reports, year, today); ok {
		inv.Completed, inv.AsOf = &completed, m
	}
	if paced, ok := settings.Pace.PaceAsOf(planned, reports, year, today, settings.ReportDay); ok {
		inv.Pace = &paced
	}
	return inv
}

// plannedAs is a year's plan of project p as the public reads it when
// publicOnly (the approved amount, or none while the first plan waits for
// review), else as stored.
func plannedAs(p Project, plan InvestmentPlan, publicOnly bool) (*money.Amount, error) {
	if publicOnly {
		p.Plans = []InvestmentPlan{plan}
		public, err := p.Public()
		if err != nil {
			return nil, err
		}
		approved, ok := public.PlanFor(plan.Year)
		if !ok {
			return nil, nil
		}
		plan = approved
	}
	planned := plan.Planned
	return &planned, nil
}

// completedBy is a year's completed investment as of today: the figure of
// the newest month reported that has ended (a report filed early for the
// month in progress waits for its month's end, as the light does).
func completedBy(reports []MonthlyReport, year int, today civil.Date) (Month, money.Amount, bool) {
	ended := MonthToReport(today)
	var newest MonthlyReport
	found := false
	for _, r := range reports {
		if r.Year != year || ended.Before(r.Of()) {
			continue
		}
		if !found || newest.Of().Before(r.Of()) {
			newest, found = r, true
		}
	}
	return newest.Of(), newest.Completed, found
}

// InvestmentTotals are the sums of a year's investment over its projects,
// each project counted once, and its lights counted.
type InvestmentTotals struct {
	// Planned and Completed are the sums of the plans and the completed
	// amounts given; nil when none was given.
	Planned   *money.Amount
	Completed *money.Amount
	// Lights counts the projects by light; NoLight those without one.
	Lights  map[Light]int
	NoLight int
}

// Rate is the totals' 完成率: the completed sum as a share of the planned
// sum, in tenths of a point, false unless both are given.
func (t InvestmentTotals) Rate() (int64, bool) {
	return YearInvestment{Planned: t.Planned, Completed: t.Completed}.Rate()
}

// SumInvestment adds the investment of projects exactly (money.Sum):
// each project's figures once, whatever the number of its targets.
func SumInvestment(each []YearInvestment) InvestmentTotals {
	totals := InvestmentTotals{Lights: map[Light]int{}}
	var planned, completed []money.Amount
	for _, i := range each {
		if i.Planned != nil {
			planned = append(planned, *i.Planned)
		}
		if i.Completed != nil {
			completed = append(completed, *i.Completed)
		}
		if i.Pace != nil {
			totals.Lights[i.Pace.Light]++
		} else {
			totals.NoLight++
		}
	}
	if len(planned) > 0 {
		sum := money.Sum(planned...)
		totals.Planned = &sum
	}
	if len(completed) > 0 {
		sum := money.Sum(completed...)
		totals.Completed = &sum
	}
	return totals
}

// Lights are the lights in their order: green, yellow, red.
func Lights() []Light { return []Light{LightGreen, LightYellow, LightRed} }
