package projects

import (
	"encoding/json"
	"testing"
	"time"

	"shuangshi/internal/money"
)

// invested is editable() with a total investment and a plan for 2023,
// whose list is public.
func invested() Project {
	p := editable()
	total := money.Wan(12_000)
	p.TotalInvestment = &total
	p.Targets[0].Public = true
	p.Plans = []InvestmentPlan{{ProjectID: p.ID, Year: 2023, Planned: money.Wan(3_000)}}
	return p
}

func TestInvestmentRules(t *testing.T) {
	tests := []struct {
		name      string
		project   func() Project
		change    func(f *EditForm)
		wantField string // "" for no problem
		wantID    string
	}{
		{"a total with two decimals", invested, func(f *EditForm) { f.TotalInvestment = "647.45" }, "", ""},
		{"a total typed on a Chinese keyboard", invested, func(f *EditForm) { f.TotalInvestment = "１２，０００．５" }, "", ""},
		{"three decimals of 万元", invested, func(f *EditForm) { f.TotalInvestment = "647.451" }, FieldTotalInvestment, "edit.amount_decimals"},
		{"a negative total", invested, func(f *EditForm) { f.TotalInvestment = "-5" }, FieldTotalInvestment, "edit.amount_negative"},
		{"not an amount", invested, func(f *EditForm) { f.TotalInvestment = "六百万" }, FieldTotalInvestment, "edit.amount_invalid"},
		{"too large", invested, func(f *EditForm) { f.TotalInvestment = "10000000000" }, FieldTotalInvestment, "edit.amount_too_large"},
		{"the total emptied", invested, func(f *EditForm) { f.TotalInvestment = "" }, "", ""},
		{"a public plan changed without a reason", invested, func(f *EditForm) { f.Plans[0].Planned = "2500" }, "rebaseline_reason", "edit.rebaseline_reason_required"},
		{"a public plan changed with a reason", invested, func(f *EditForm) {
			f.Plans[0].Planned = "2500"
			f.RebaselineReason = "征收延后"
		}, "", ""},
		{"a public plan emptied", invested, func(f *EditForm) { f.Plans[0].Planned = "" }, planField(2023), "edit.plan_required"},
		{"a public plan with three decimals", invested, func(f *EditForm) { f.Plans[0].Planned = "1.001" }, planField(2023), "edit.amount_decimals"},
		{"a draft's plan changed freely", func() Project {
			p := invested()
			p.Targets[0].Public = false
			return p
		}, func(f *EditForm) { f.Plans[0].Planned = "2500" }, "", ""},
		{"a first plan needs no reason", editable, func(f *EditForm) {
			f.Plans = []PlanForm{{Year: 2023, Planned: "3000"}}
		}, "", ""},
		{"a closed year's plan", func() Project {
			p := invested()
			p.Targets[0].Closed = true
			return p
		}, func(f *EditForm) {
			f.Plans[0].Planned = "2500"
			f.RebaselineReason = "x"
		}, planField(2023), "lifecycle.year_closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.project()
			f := FormOf(p)
			tc.change(&f)
			_, problems := f.CheckAs(p, midYear, FinishedCorrectable)
			if tc.wantField == "" {
				if len(problems) != 0 {
					t.Fatalf("problems %v, want none", problems)
				}
				return
			}
			if got := problems[tc.wantField].ID; got != tc.wantID {
				t.Fatalf("problem of %s = %q, want %q (all: %v)", tc.wantField, got, tc.wantID, problems)
			}
		})
	}
}

func TestARebaselinedPlanKeepsItsFirstAmount(t *testing.T) {
	p := invested()
	f := FormOf(p)
	f.Plans[0].Planned = "2,500.5"
	f.RebaselineReason = "征收延后"
	edit, problems := f.Check(p, midYear)
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	plan, _ := edit.Project.PlanFor(2023)
	if plan.Planned != money.Amount(25_005_000) || plan.OriginalPlanned == nil || *plan.OriginalPlanned != money.Wan(3_000) {
		t.Fatalf("plan %+v, want 2500.5 with 3000 kept as the original", plan)
	}
	var change *Change
	for i, c := range edit.Changes {
		if c.Field == FieldPlannedInvestment {
			change = &edit.Changes[i]
		}
	}
	if change == nil || change.Reason != "征收延后" || !change.Public {
		t.Fatalf("history %+v, want the plan's change with its reason, public", edit.Changes)
	}
	old, new := change.Old(), change.New()
	if old.Year != 2023 || old.Amount == nil || *old.Amount != money.Wan(3_000) || new.Amount == nil || *new.Amount != money.Amount(25_005_000) {
		t.Fatalf("the history reads back %+v → %+v", old, new)
	}

	// Changed again: the first plan is still the original.
	edit.Project.Targets = p.Targets
	f = FormOf(edit.Project)
	f.Plans[0].Planned = "2000"
	f.RebaselineReason = "再次调整"
	again, problems := f.Check(edit.Project, midYear)
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if plan, _ := again.Project.PlanFor(2023); *plan.OriginalPlanned != money.Wan(3_000) {
		t.Fatalf("the original became %s", plan.OriginalPlanned)
	}
}

func TestTheApprovedVersionKeepsItsAmounts(t *testing.T) {
	p := invested()
	before := p
	approved := ApprovedOf(before, time.Date(2023, time.June, 1, 0, 0, 0, 0, time.UTC))
	p.Plans = []InvestmentPlan{{ProjectID: p.ID, Year: 2023, Planned: money.Wan(2_000), OriginalPlanned: new(money.Wan(3_000))}}
	newTotal := money.Wan(15_000)
	p.TotalInvestment = &newTotal
	p.ReviewState = AwaitingReview
	p.ApprovedJSON = mustJSON(t, approved)
	public, err := p.Public()
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := public.PlanFor(2023)
	if *public.TotalInvestment != money.Wan(12_000) || plan.Planned != money.Wan(3_000) || plan.OriginalPlanned != nil {
		t.Fatalf("the public reads total %s, plan %+v; want what was approved", public.TotalInvestment, plan)
	}
	changes, err := PublicChanges(p)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, c := range changes {
		fields[c.Field] = true
	}
	if !fields[FieldTotalInvestment] || !fields[FieldPlannedInvestment] {
		t.Fatalf("the review shows %v, want both amounts", changes)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
