package lists

import (
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

func TestCarryOverProposesTheUnfinishedWork(t *testing.T) {
	year := func(y int) civil.Date { return civil.YearOnly(y) }
	started := projects.Project{ID: 1, Milestones: projects.Milestones{ActualStart: year(2022)}}
	completed := projects.Project{ID: 2, Milestones: projects.Milestones{ActualStart: year(2021), ActualCompletion: year(2022)}}
	notStarted := projects.Project{ID: 3}
	partly := projects.Project{ID: 4, Milestones: projects.Milestones{ActualStart: year(2021)}}
	archivedAt := time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC)
	archived := projects.Project{ID: 5, ArchivedAt: &archivedAt}
	both := projects.Project{ID: 6, Milestones: projects.Milestones{ActualStart: year(2022)}}
	target := func(p projects.Project, list projects.List, outcome projects.Outcome) projects.Target {
		return projects.Target{Year: 2022, ProjectID: p.ID, Project: p, List: list, Outcome: outcome}
	}
	this := []projects.Target{
		target(started, projects.StartList, projects.Achieved),      // → complete 2023 (started)
		target(completed, projects.CompleteList, projects.Achieved), // nothing
		target(notStarted, projects.StartList, projects.Pending),    // → start 2023 (unfinished)
		target(partly, projects.CompleteList, projects.Partial),     // → complete 2023 (unfinished)
		target(archived, projects.StartList, projects.Missed),       // nothing: archived
		target(both, projects.StartList, projects.Achieved),         // → complete 2023 (started) …
		target(both, projects.CompleteList, projects.Missed),        // … once
	}
	next := []projects.Target{{Year: 2023, ProjectID: 4, List: projects.CompleteList}}

	got := CarryOver(this, next)
	want := []struct {
		project int64
		list    projects.List
		why     string
		listed  bool
	}{
		{1, projects.CompleteList, WhyStarted, false},
		{3, projects.StartList, WhyUnfinished, false},
		{4, projects.CompleteList, WhyUnfinished, true},
		{6, projects.CompleteList, WhyStarted, false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d proposals, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Project.ID != w.project || g.List != w.list || g.Why != w.why || g.Listed != w.listed {
			t.Errorf("proposal %d: project %d %s %s listed=%v; want project %d %s %s listed=%v",
				i, g.Project.ID, g.List, g.Why, g.Listed, w.project, w.list, w.why, w.listed)
		}
	}
}
