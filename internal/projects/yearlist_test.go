package projects_test

import (
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

func target(id int64, list projects.List, position int, category projects.Category) projects.Target {
	return projects.Target{ID: id, List: list, Position: position, Project: projects.Project{Category: category}}
}

func TestNumberGroupsADraftByCategoryAndKeepsAPublishedListsNumbers(t *testing.T) {
	// Table 10's order: the start list first, categories mixed.
	targets := []projects.Target{
		target(1, projects.StartList, 1, projects.Rail),
		target(2, projects.StartList, 2, projects.Road),
		target(3, projects.StartList, 3, projects.Water),
		target(4, projects.CompleteList, 4, projects.Road),
		target(5, projects.CompleteList, 5, projects.Power),
	}
	tests := []struct {
		state projects.ListState
		want  map[int64]int // id: number
		order []int64
	}{
		// A draft numbers down the year-end table: roads, rail, water, power.
		{projects.Draft, map[int64]int{2: 1, 4: 2, 1: 3, 3: 4, 5: 5}, []int64{2, 4, 1, 3, 5}},
		// A published list's numbers are its positions, gaps and all.
		{projects.Published, map[int64]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5}, []int64{1, 2, 3, 4, 5}},
		{projects.Closed, map[int64]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5}, []int64{1, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		got := projects.Number(targets, tt.state)
		for i, g := range got {
			if g.ID != tt.order[i] || g.Number != tt.want[g.ID] {
				t.Errorf("%s: place %d is target %d numbered %d, want target %d numbered %d",
					tt.state, i+1, g.ID, g.Number, tt.order[i], tt.want[tt.order[i]])
			}
		}
	}
	if targets[0].Number != 0 {
		t.Error("Number changed the targets it was given")
	}
}

func TestCheckCloseNamesEachUnfinishedTarget(t *testing.T) {
	targets := []projects.Target{
		{ID: 1, Outcome: projects.Achieved, Progress: "已开工"},
		{ID: 2, Outcome: projects.Pending, Progress: "正在施工"},
		{ID: 3, Outcome: projects.Partial, Progress: ""},
		{ID: 4, Outcome: projects.Missed, Progress: "因规划调整未开工"},
		{ID: 5, Outcome: projects.Pending},
	}
	got := projects.CheckClose(targets, false)
	want := map[int64]string{2: "lifecycle.close_pending", 3: "lifecycle.close_no_progress", 5: "lifecycle.close_pending"}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for id, msg := range want {
		if got[id].ID != msg {
			t.Errorf("target %d: %q, want %q", id, got[id].ID, msg)
		}
	}
	// Under review, a change the public has not been allowed to read
	// keeps the year open: the closed table would publish it.
	waiting := projects.Target{ID: 6, Outcome: projects.Achieved, Progress: "已竣工", Project: projects.Project{ReviewState: projects.AwaitingReview}}
	if got := projects.CheckClose([]projects.Target{waiting}, true); got[6].ID != "lifecycle.close_unreviewed" {
		t.Errorf("under review, a target awaiting review: %v", got)
	}
	if got := projects.CheckClose([]projects.Target{waiting}, false); len(got) != 0 {
		t.Errorf("without review: %v", got)
	}
	if len(projects.CheckPublish(nil)) == 0 || len(projects.CheckPublish(targets)) != 0 {
		t.Error("CheckPublish: an empty list must be refused, a list with targets taken")
	}
}

func TestAdoptionGivesExistingYearsTheirState(t *testing.T) {
	report := time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC)
	later := report.AddDate(0, 2, 0)
	today := civil.Date{Year: 2026, Month: time.December, Day: 1}
	answered := []projects.Target{{Outcome: projects.Achieved, CreatedAt: report}, {Outcome: projects.Partial, CreatedAt: later}}
	open := []projects.Target{{Outcome: projects.Pending, CreatedAt: later}, {Outcome: projects.Achieved, CreatedAt: report}}
	tests := []struct {
		name                  string
		year                  int
		targets               []projects.Target
		state                 projects.ListState
		published, closedWant time.Time
	}{
		{"every target answered: closed as of its last data", 2022, answered, projects.Closed, report, later},
		{"a past year still open: published as of its first target", 2023, open, projects.Published, report, time.Time{}},
		{"this year: published", 2026, open, projects.Published, report, time.Time{}},
		{"a year to come: a draft", 2027, open, projects.Draft, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		state, published, closed := projects.Adoption(tt.year, tt.targets, today)
		if state != tt.state || !published.Equal(tt.published) || !closed.Equal(tt.closedWant) {
			t.Errorf("%s: %s, %v, %v; want %s, %v, %v", tt.name, state, published, closed, tt.state, tt.published, tt.closedWant)
		}
	}
}

func TestACarriedTargetIsNeitherOverdueNorAtRisk(t *testing.T) {
	rule := projects.StatusRule{AtRiskDays: 30}
	next := int64(99)
	deadline := civil.Date{Year: 2023, Month: time.December, Day: 31}
	tests := []struct {
		outcome projects.Outcome
		carried bool
		asOf    civil.Date
		want    projects.Status
		overdue bool
	}{
		{projects.Pending, false, civil.Date{Year: 2024, Month: 2, Day: 1}, projects.StatusOverdue, true},
		{projects.Pending, true, civil.Date{Year: 2024, Month: 2, Day: 1}, projects.StatusCarriedOver, false},
		{projects.Pending, true, civil.Date{Year: 2023, Month: 12, Day: 20}, projects.StatusCarriedOver, false},
		// A partial target keeps its own outcome, and stops being open.
		{projects.Partial, false, civil.Date{Year: 2024, Month: 2, Day: 1}, projects.StatusPartial, true},
		{projects.Partial, true, civil.Date{Year: 2024, Month: 2, Day: 1}, projects.StatusPartial, false},
		{projects.Missed, true, civil.Date{Year: 2024, Month: 2, Day: 1}, projects.StatusMissed, false},
	}
	for _, tt := range tests {
		tg := projects.Target{List: projects.CompleteList, Deadline: deadline, Outcome: tt.outcome}
		if tt.carried {
			tg.CarriedToID = &next
		}
		if got := rule.Status(tg, projects.Milestones{}, tt.asOf); got != tt.want {
			t.Errorf("%s, carried %v, on %v: %s, want %s", tt.outcome, tt.carried, tt.asOf, got, tt.want)
		}
		if got := tg.Overdue(tt.asOf); got != tt.overdue {
			t.Errorf("%s, carried %v, on %v: overdue %v, want %v", tt.outcome, tt.carried, tt.asOf, got, tt.overdue)
		}
	}
}
