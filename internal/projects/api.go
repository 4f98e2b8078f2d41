package projects

import (
	"strconv"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/views"
)

// The open-data documents of /api/v1. Their field names are a published
// contract: change them only with a new version of the API.

// yearDocument is a page of a year's list: GET /api/v1/years/{year}?page=N.
// A district's year is one page; Next is the address of the next page, if
// there is one.
type yearDocument struct {
	Year    int              `json:"year"`
	AsOf    time.Time        `json:"as_of"`
	Page    int              `json:"page"`
	Pages   int              `json:"pages"`
	Total   int              `json:"total"` // targets on every page
	Next    string           `json:"next,omitempty"`
	Targets []targetDocument `json:"targets"`
}

// targetFields are the fields of a target in every document that lists one.
type targetFields struct {
	List List `json:"list"`
	// Number is the target's 序号, the one every page and export shows.
	Number int `json:"number"`
	// Position is the same number, under the name the first documents
	// of v1 gave it.
	Position int `json:"position"`
	// PositionInList is the target's place within its own list (the
	// third of the start list is 3), on a year's page of the API only.
	PositionInList int        `json:"position_in_list,omitempty"`
	Name           string     `json:"name"` // as the year's table listed it
	Outcome        Outcome    `json:"outcome"`
	Overdue        bool       `json:"overdue"`
	Progress       string     `json:"progress"`
	Deadline       civil.Date `json:"deadline"`
}

func newTargetFields(t Target, today civil.Date) targetFields {
	return targetFields{
		List: t.List, Number: t.Number, Position: t.Number, Name: t.ListedName, Outcome: t.Outcome,
		Overdue: t.Overdue(today), Progress: t.Progress, Deadline: t.Deadline,
	}
}

type targetDocument struct {
	targetFields
	Project projectReference `json:"project"`
	// Investment is the project's investment in the year (see
	// api_investment.go); null on a project's second target of the year,
	// whose first carries it.
	Investment *yearInvestmentDocument `json:"investment"`
}

type projectReference struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	NameEn   string   `json:"name_en"`
	Category Category `json:"category"`
	Extent   string   `json:"extent"`
	// TotalInvestment is 总投资 in 万元, null while not given.
	TotalInvestment *string `json:"total_investment"`
}

// newYearDocument makes page number (from 1, no further than the last)
// of a year's targets, YearPageSize a page, with the investment of its
// projects in the year.
func newYearDocument(y Year, number int, today civil.Date, investment map[int64]YearInvestment) yearDocument {
	targets, year := y.Targets, y.Year
	doc := yearDocument{
		Year: year, AsOf: y.AsOf.UTC(),
		Page: number, Pages: pageCount(len(targets), YearPageSize), Total: len(targets),
	}
	pager, from, to := views.NewPager(len(targets), number, YearPageSize, func(n int) string {
		return "/api/v1/years/" + strconv.Itoa(year) + "?page=" + strconv.Itoa(n)
	})
	doc.Next = pager.NextURL
	doc.Targets = make([]targetDocument, 0, to-from)
	inList := map[List]int{}
	seen := map[int64]bool{}
	for i, t := range targets {
		inList[t.List]++
		first := !seen[t.ProjectID]
		seen[t.ProjectID] = true
		if i < from || i >= to {
			continue
		}
		fields := newTargetFields(t, today)
		fields.PositionInList = inList[t.List]
		target := targetDocument{
			targetFields: fields,
			Project: projectReference{
				ID: t.Project.ID, Name: t.Project.Name, NameEn: t.Project.NameEn, Category: t.Project.Category, Extent: t.Project.Extent,
				TotalInvestment: amountDocument(t.Project.TotalInvestment),
			},
		}
		if first {
			inv := investment[t.ProjectID]
			inv.Year = year
			target.Investment = newYearInvestmentDocument(inv)
		}
		doc.Targets = append(doc.Targets, target)
	}
	return doc
}

// projectDocument is one project: GET /api/v1/projects/{id}. Milestone dates
// are "YYYY-MM-DD", "YYYY" when only the year is recorded, or null.
type projectDocument struct {
	ID          int64                   `json:"id"`
	Name        string                  `json:"name"`
	NameEn      string                  `json:"name_en"`
	Category    Category                `json:"category"`
	Extent      string                  `json:"extent"`
	Unit        string                  `json:"unit"`
	Description string                  `json:"description"`
	State       State                   `json:"state"`
	Milestones  milestonesDocument      `json:"milestones"`
	Targets     []projectTargetDocument `json:"targets"`
	// TotalInvestment is 总投资 in 万元, null while not given; Investment
	// the plan, completed and light of each year the project is listed
	// or has a plan for (see api_investment.go).
	TotalInvestment *string                  `json:"total_investment"`
	Investment      []yearInvestmentDocument `json:"investment"`
	AsOf            time.Time                `json:"as_of"`
}

type milestonesDocument struct {
	PlannedStart      civil.Date `json:"planned_start"`
	PlannedCompletion civil.Date `json:"planned_completion"`
	ActualStart       civil.Date `json:"actual_start"`
	ActualCompletion  civil.Date `json:"actual_completion"`
}

type projectTargetDocument struct {
	Year int `json:"year"`
	targetFields
}

func newProjectDocument(p Project, today civil.Date, investment []yearInvestmentDocument) projectDocument {
	if investment == nil {
		investment = []yearInvestmentDocument{}
	}
	doc := projectDocument{
		TotalInvestment: amountDocument(p.TotalInvestment), Investment: investment,
		ID: p.ID, Name: p.Name, NameEn: p.NameEn, Category: p.Category, Extent: p.Extent, Unit: p.Unit,
		Description: p.Description, State: p.State(),
		Milestones: milestonesDocument{
			PlannedStart: p.PlannedStart, PlannedCompletion: p.PlannedCompletion,
			ActualStart: p.ActualStart, ActualCompletion: p.ActualCompletion,
		},
		Targets: make([]projectTargetDocument, 0, len(p.Targets)),
		AsOf:    p.LastChanged().UTC(),
	}
	for _, t := range p.Targets {
		doc.Targets = append(doc.Targets, projectTargetDocument{Year: t.Year, targetFields: newTargetFields(t, today)})
	}
	return doc
}
