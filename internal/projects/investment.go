package projects

import (
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"slices"
	"strconv"
	"strings"

	"shuangshi/internal/money"
)

// Investment (投资): what a project costs in all (总投资, on the project) and
// what it plans to spend in each year it is listed (年度计划投资, an
// InvestmentPlan). Both are public, reviewed before publication like the
// milestones, and kept in the history. The spending itself is reported
// month by month (see monthly.go).

// InvestmentPlan is a project's planned investment for one year.
type InvestmentPlan struct {
	ProjectID int64 `gorm:"primaryKey;autoIncrement:false"`
	Year      int   `gorm:"primaryKey;autoIncrement:false"`
	Planned   money.Amount
	// OriginalPlanned is the first planned amount, kept when the plan was
	// changed after the year's list was made public: a re-baseline of
	// money, like one of the planned dates. Nil while never changed so.
	OriginalPlanned *money.Amount
}

// TableName is the plans' table.
func (InvestmentPlan) TableName() string { return "investment_plans" }

// The fields of the history for investment.
const (
	FieldTotalInvestment   = "total_investment"
	FieldPlannedInvestment = "planned_investment"
)

// PlanFor returns the project's planned investment for year, and false
// when it has none: a plan is never assumed to be zero.
func (p Project) PlanFor(year int) (InvestmentPlan, bool) {
	for _, plan := range p.Plans {
		if plan.Year == year {
			return plan, true
		}
	}
	return InvestmentPlan{}, false
}

// PlanYears are the years a project has or may have a plan for: those of
// its lists, oldest first, and any it has a plan for besides.
func (p Project) PlanYears() []int {
	var years []int
	for _, t := range p.Targets {
		if !slices.Contains(years, t.Year) {
			years = append(years, t.Year)
		}
	}
	for _, plan := range p.Plans {
		if !slices.Contains(years, plan.Year) {
			years = append(years, plan.Year)
		}
	}
	slices.Sort(years)
	return years
}

// yearClosed reports whether one of the project's targets of year is of a
// closed list: its plan stays as the year was answered.
func (p Project) yearClosed(year int) bool {
	for _, t := range p.Targets {
		if t.Year == year && t.Closed {
			return true
		}
	}
	return false
}

// PlanForm is the planned investment of one year on the edit page.
type PlanForm struct {
	Year    int
	Planned string
}

// planField is the edit page's field of a year's plan.
func planField(year int) string { return "planned_investment-" + strconv.Itoa(year) }

// PlanField is the name of the edit page's field of a year's plan.
func PlanField(year int) string { return planField(year) }

// amountText is how a form and the history write an amount in 万元, "" for
// none.
func amountText(a *money.Amount) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// planText is how the history writes a year's plan: "2026 647.4", or ""
// for none.
func planText(year int, a *money.Amount) string {
	if a == nil {
		return ""
	}
	return strconv.Itoa(year) + " " + a.String()
}

// readPlanText reads planText back.
func readPlanText(stored string) (int, money.Amount, bool) {
	year, amount, ok := strings.Cut(stored, " ")
	y, err := strconv.Atoi(year)
	if !ok || err != nil || y <= 0 {
		return 0, 0, false
	}
	a, err := money.Read(amount)
	if err != nil {
		return 0, 0, false
	}
	return y, a, true
}

// amountProblem is the message of an amount that does not read.
func amountProblem(err error) Problem {
	switch {
	case errors.Is(err, money.ErrNegative):
		return Problem{ID: "edit.amount_negative"}
	case errors.Is(err, money.ErrTooSmall):
		return Problem{ID: "edit.amount_decimals"}
	case errors.Is(err, money.ErrTooLarge):
		return Problem{ID: "edit.amount_too_large"}
	}
	return Problem{ID: "edit.amount_invalid"}
}

// parseAmount reads an amount typed in 万元 that may be left empty.
func parseAmount(s string) (*money.Amount, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	a, err := money.Parse(s)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// checkInvestment applies the form's total investment and plans to next
// (the project as it will be, p as stored), adding to problems what is
// wrong, and reports whether a plan of a public list was changed: a
// re-baseline, which needs the re-baseline reason.
//
// The rules: amounts are in 万元, not negative, with at most two decimals;
// a year's plan may be left empty only while it was; a closed year's plan
// does not change; a plan of a year whose list is public keeps its first
// amount as the original when changed.
func (next *Project) checkInvestment(f EditForm, p Project, problems Problems) (rebaselined bool) {
	if total, err := parseAmount(f.TotalInvestment); err != nil {
		problems[FieldTotalInvestment] = amountProblem(err)
	} else {
		next.TotalInvestment = total
	}
	next.Plans = slices.Clone(p.Plans)
	for _, pf := range f.Plans {
		field := planField(pf.Year)
		stored, had := p.PlanFor(pf.Year)
		typed, err := parseAmount(pf.Planned)
		switch {
		case err != nil:
			problems[field] = amountProblem(err)
			continue
		case typed == nil && had:
			problems[field] = Problem{ID: "edit.plan_required"}
			continue
		case typed == nil || (had && *typed == stored.Planned):
			continue
		case p.yearClosed(pf.Year):
			problems[field] = Problem{ID: "lifecycle.year_closed", Args: []any{"Year", pf.Year}}
			continue
		}
		plan := InvestmentPlan{ProjectID: p.ID, Year: pf.Year, Planned: *typed}
		if had {
			plan.OriginalPlanned = stored.OriginalPlanned
			if p.yearPublic(pf.Year) {
				rebaselined = true
				if plan.OriginalPlanned == nil {
					first := stored.Planned
					plan.OriginalPlanned = &first
				}
			}
		}
		next.setPlan(plan)
	}
	return rebaselined
}

// yearPublic reports whether one of the project's targets of year is on a
// list the public reads (published or closed).
func (p Project) yearPublic(year int) bool {
	for _, t := range p.Targets {
		if t.Year == year && t.Public {
			return true
		}
	}
	return false
}

// setPlan puts plan in place of the project's plan of its year.
func (p *Project) setPlan(plan InvestmentPlan) {
	for i := range p.Plans {
		if p.Plans[i].Year == plan.Year {
			p.Plans[i] = plan
			return
		}
	}
	p.Plans = append(p.Plans, plan)
	slices.SortFunc(p.Plans, func(a, b InvestmentPlan) int { return a.Year - b.Year })
}

// investmentChanges lists what differs in investment between a project as
// stored and as it will be saved, for the history.
func investmentChanges(before, after Project, rebaselineReason string) []Change {
	var changes []Change
	if o, n := amountText(before.TotalInvestment), amountText(after.TotalInvestment); o != n {
		changes = append(changes, Change{ProjectID: before.ID, Field: FieldTotalInvestment, OldValue: o, NewValue: n, Public: true})
	}
	for _, plan := range after.Plans {
		var old *money.Amount
		if stored, ok := before.PlanFor(plan.Year); ok {
			old = &stored.Planned
		}
		planned := plan.Planned
		o, n := planText(plan.Year, old), planText(plan.Year, &planned)
		if o == n {
			continue
		}
		reason := ""
		if old != nil && before.yearPublic(plan.Year) {
			reason = rebaselineReason
		}
		changes = append(changes, Change{ProjectID: before.ID, Field: FieldPlannedInvestment, OldValue: o, NewValue: n, Reason: reason, Public: true})
	}
	return changes
}

// savePlans writes the plans of after that differ from before's, within
// the transaction of the edit's save.
func savePlans(tx *gorm.DB, before, after Project) error {
	for _, plan := range after.Plans {
		if stored, ok := before.PlanFor(plan.Year); ok && stored == plan {
			continue
		}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "project_id"}, {Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"planned", "original_planned"}),
		}).Create(&plan).Error
		if err != nil {
			return err
		}
	}
	return nil
}
