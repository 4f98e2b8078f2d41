package notify

import (
	"slices"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

func TestBuildDigestCoversWhatConcernsEachUser(t *testing.T) {
	day := func(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }
	at := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, time.UTC) }
	road := projects.Project{ID: 1, Name: "甲路", ReportedAt: at(day(2023, time.November, 20))}
	river := projects.Project{ID: 2, Name: "乙河", ReportedAt: at(day(2023, time.September, 1))} // stale on 1 December
	targets := []projects.Target{
		{ID: 11, Year: 2023, List: projects.StartList, ProjectID: 1, Project: road, Deadline: day(2023, time.June, 30), Outcome: projects.Pending},        // overdue
		{ID: 12, Year: 2023, List: projects.CompleteList, ProjectID: 1, Project: road, Deadline: day(2023, time.December, 31), Outcome: projects.Pending}, // at risk
		{ID: 21, Year: 2024, List: projects.StartList, ProjectID: 2, Project: river, Deadline: day(2024, time.June, 30), Outcome: projects.Pending},       // on track
	}
	li := auth.User{ID: 7, Username: "li", Role: auth.Engineer, Active: true}
	engineers := map[int64][]auth.User{1: {li}}
	today, now := day(2023, time.December, 1), at(day(2023, time.December, 1))

	tests := []struct {
		name                   string
		user                   auth.User
		overdue, atRisk, stale []int64 // target ids; project ids for stale
	}{
		{"the assigned engineer", li, []int64{11}, []int64{12}, nil},
		{"an engineer with no projects", auth.User{ID: 8, Role: auth.Engineer, Active: true}, nil, nil, nil},
		{"a supervisor", auth.User{ID: 9, Role: auth.Supervisor, Active: true}, []int64{11}, []int64{12}, []int64{2}},
		{"an administrator", auth.User{ID: 10, Role: auth.Admin, Active: true}, []int64{11}, []int64{12}, []int64{2}},
		{"a disabled supervisor", auth.User{ID: 11, Role: auth.Supervisor}, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := BuildDigest(tc.user, targets, engineers, projects.StatusRule{AtRiskDays: 30}, today, now, 30)
			var overdue, atRisk, stale []int64
			for _, r := range d.Overdue {
				overdue = append(overdue, r.Target.ID)
			}
			for _, r := range d.AtRisk {
				atRisk = append(atRisk, r.Target.ID)
			}
			for _, p := range d.Stale {
				stale = append(stale, p.ID)
			}
			if !slices.Equal(overdue, tc.overdue) || !slices.Equal(atRisk, tc.atRisk) || !slices.Equal(stale, tc.stale) {
				t.Errorf("overdue %v, at risk %v, stale %v; want %v, %v, %v", overdue, atRisk, stale, tc.overdue, tc.atRisk, tc.stale)
			}
			if d.Empty() != (len(tc.overdue)+len(tc.atRisk)+len(tc.stale) == 0) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

func TestDigestCasesConcernEachUser(t *testing.T) {
	today := civil.Date{Year: 2023, Month: time.December, Day: 1}
	road := projects.Project{ID: 1, Name: "甲路"}
	river := projects.Project{ID: 2, Name: "乙河"}
	open := openCases{
		cases: []projects.Comment{
			{ID: 1, TargetID: 11, State: projects.CaseOpen, DueOn: today.AddDays(3)},      // waiting, in time
			{ID: 2, TargetID: 11, State: projects.CaseOpen, DueOn: today.AddDays(-1)},     // waiting, late
			{ID: 3, TargetID: 21, State: projects.CaseAnswered, DueOn: today.AddDays(-9)}, // answered: the supervisor's to close
			{ID: 4, TargetID: 99, State: projects.CaseOpen},                               // its target is gone
		},
		targets: map[int64]projects.Target{
			11: {ID: 11, ProjectID: 1, Project: road},
			21: {ID: 21, ProjectID: 2, Project: river},
		},
	}
	li := auth.User{ID: 7, Role: auth.Engineer, Active: true}
	open.engineers = map[int64][]auth.User{1: {li}, 2: {{ID: 8, Role: auth.Engineer, Active: true}}}
	ids := func(lines []CaseLine) []int64 {
		var out []int64
		for _, l := range lines {
			out = append(out, l.Case.ID)
		}
		return out
	}
	tests := []struct {
		name             string
		user             auth.User
		waiting, answers []int64
	}{
		{"the engineer of 甲路", li, []int64{1, 2}, nil},
		{"an engineer of nothing", auth.User{ID: 9, Role: auth.Engineer, Active: true}, nil, nil},
		{"a supervisor", auth.User{ID: 10, Role: auth.Supervisor, Active: true}, []int64{2}, []int64{3}},
	}
	for _, tc := range tests {
		d := Digest{Day: today}.WithCases(tc.user, open, today)
		if !slices.Equal(ids(d.Waiting), tc.waiting) || !slices.Equal(ids(d.Answers), tc.answers) {
			t.Errorf("%s: waiting %v, answers %v; want %v, %v", tc.name, ids(d.Waiting), ids(d.Answers), tc.waiting, tc.answers)
		}
		if d.Empty() != (len(tc.waiting)+len(tc.answers) == 0) {
			t.Errorf("%s: Empty() = %v", tc.name, d.Empty())
		}
	}
}
