// Package lists is the administrators' side of each year's 双十 list:
// setting a year's list up, ordering it, setting node dates, taking a
// target off with a reason, and carrying the unfinished work over to the
// next year.
package lists

import "shuangshi/internal/projects"

// Why a project is proposed for next year's list.
const (
	// WhyStarted: the project started this year and is not complete; next
	// year it is to be completed.
	WhyStarted = "started"
	// WhyUnfinished: the project's target of this year was not achieved;
	// next year it is on the same list again.
	WhyUnfinished = "unfinished"
)

// Proposal is a project proposed for a list of the next year.
type Proposal struct {
	Project projects.Project
	List    projects.List
	Why     string
	From    projects.Target // the target of this year it follows from
	// Listed: the project is already on that list of the next year, so
	// there is nothing to add.
	Listed bool
}

// CarryOver proposes next year's list from this year's targets (each with
// its project) and next year's targets so far: every project this year
// started and did not complete goes to next year's completion list, and
// every target not achieved goes to the same list of next year. A project
// completed, or archived, is proposed for nothing; a project is proposed
// once per list. The proposals follow this year's order.
func CarryOver(this, next []projects.Target) []Proposal {
	type key struct {
		project int64
		list    projects.List
	}
	listed := map[key]bool{}
	for _, t := range next {
		listed[key{t.ProjectID, t.List}] = true
	}
	seen := map[key]bool{}
	var out []Proposal
	propose := func(t projects.Target, list projects.List, why string) {
		k := key{t.ProjectID, list}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Proposal{Project: t.Project, List: list, Why: why, From: t, Listed: listed[k]})
	}
	for _, t := range this {
		p := t.Project
		if p.ArchivedAt != nil || p.State() == projects.Completed {
			continue
		}
		if t.List == projects.StartList && p.State() == projects.Started {
			propose(t, projects.CompleteList, WhyStarted)
		}
		if t.Outcome != projects.Achieved {
			propose(t, t.List, WhyUnfinished)
		}
	}
	return out
}
