package projects

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"shuangshi/internal/money"
)

// Review before publication (信息公开审核, 先审查、后公开): when the site
// requires it, what the public reads of a project (its milestones, how
// far along it is, each target's progress text and outcome) is the version
// a supervisor or an administrator last approved. Staff read the newest.
// Internal fields (delay reasons, notes) are never public, so never
// reviewed.

// ReviewState is where a project's newest public fields stand in review.
type ReviewState string

// The review states of a project.
const (
	// Reviewed: the public reads what staff read; nothing waits.
	Reviewed ReviewState = ""
	// AwaitingReview: a change to the public fields waits in the queue.
	AwaitingReview ReviewState = "pending"
	// Returned: the reviewer sent the change back with a comment; it
	// leaves the queue until the engineer changes the project again.
	Returned ReviewState = "returned"
)

// The history's fields of a review: the approval of a version, with the
// public changes it published beside it, and a return, with the
// reviewer's comment.
const (
	FieldApproved = "review_approved"
	FieldReturned = "review_returned"
)

// Approved is what the public reads of a project under review: its public
// fields as last approved.
type Approved struct {
	Milestones Milestones `json:"milestones"`
	Percent    *int       `json:"percent,omitempty"`
	// Total and Plans are the total investment and the plans of each
	// year, in yuan.
	Total   *money.Amount          `json:"total_investment,omitempty"`
	Plans   map[int]money.Amount   `json:"plans,omitempty"`
	Targets map[int64]ApprovedText `json:"targets"`
	// At is when the public began to read this version: its approval, or
	// the last change before the first one under review. While a newer
	// change waits, the public pages are as of then, not of that change.
	At time.Time `json:"at"`
}

// ApprovedText is what the public reads of a target under review.
type ApprovedText struct {
	Progress string  `json:"progress"`
	Outcome  Outcome `json:"outcome"`
	ByHand   bool    `json:"by_hand,omitempty"`
}

// ApprovedOf is the public fields of p as they stand, which the public
// reads from at on: what approving p publishes.
func ApprovedOf(p Project, at time.Time) Approved {
	a := Approved{Milestones: p.Milestones, Percent: p.PercentComplete, Total: p.TotalInvestment, Targets: map[int64]ApprovedText{}, At: at}
	for _, plan := range p.Plans {
		if a.Plans == nil {
			a.Plans = map[int]money.Amount{}
		}
		a.Plans[plan.Year] = plan.Planned
	}
	for _, t := range p.Targets {
		a.Targets[t.ID] = ApprovedText{Progress: t.Progress, Outcome: t.Outcome, ByHand: t.OutcomeByHand}
	}
	return a
}

// Public returns p as the public reads it under review: its public fields
// as approved. A target listed since the approval is as a new target is:
// no progress yet, pending. A project never changed under review
// (ApprovedJSON empty) is read as it is.
func (p Project) Public() (Project, error) {
	if p.ApprovedJSON == "" {
		return p, nil
	}
	var a Approved
	if err := json.Unmarshal([]byte(p.ApprovedJSON), &a); err != nil {
		return Project{}, fmt.Errorf("the approved version of project %d: %w", p.ID, err)
	}
	waiting := p.ReviewState != Reviewed
	p.Milestones, p.PercentComplete, p.ReviewState = a.Milestones, a.Percent, Reviewed
	p.TotalInvestment, p.Plans = a.Total, a.plans(p.Plans)
	if waiting && !a.At.IsZero() {
		p.UpdatedAt = a.At
	}
	p.Targets = slices.Clone(p.Targets)
	for i, t := range p.Targets {
		p.Targets[i] = a.apply(t, waiting)
	}
	return p, nil
}

// plans returns the approved plans, each with what stored says of its
// original.
func (a Approved) plans(stored []InvestmentPlan) []InvestmentPlan {
	var out []InvestmentPlan
	for _, plan := range stored {
		if planned, ok := a.Plans[plan.Year]; ok {
			plan.Planned = planned
			if plan.OriginalPlanned != nil && *plan.OriginalPlanned == planned {
				plan.OriginalPlanned = nil
			}
			out = append(out, plan)
		}
	}
	return out
}

// apply gives target t its approved public fields; while a change waits,
// it is as of the approval.
func (a Approved) apply(t Target, waiting bool) Target {
	if waiting && !a.At.IsZero() && t.UpdatedAt.After(a.At) {
		t.UpdatedAt = a.At
	}
	approved := a.Targets[t.ID]
	t.Progress, t.OutcomeByHand = approved.Progress, approved.ByHand
	t.Outcome = approved.Outcome
	if t.Outcome == "" {
		t.Outcome = Pending
	}
	return t
}

// publicTarget returns target t, with its project, as the public reads
// them under review (see Project.Public).
func publicTarget(t Target) (Target, error) {
	if t.Project.ApprovedJSON == "" { // as Public reads it, without the copies
		t.Project.Targets = nil
		return t, nil
	}
	p := t.Project
	p.Targets = []Target{t}
	public, err := p.Public()
	if err != nil {
		return Target{}, err
	}
	t = public.Targets[0]
	public.Targets = nil
	t.Project = public
	return t, nil
}

// PublicChanges are the changes approving project p, as stored now,
// publishes: its public fields as the public reads them, then as p has
// them. Nothing internal is among them.
func PublicChanges(p Project) ([]Change, error) {
	public, err := p.Public()
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, c := range append(diff(public, p, ""), investmentChanges(public, p, "")...) {
		if c.Public {
			changes = append(changes, c)
		}
	}
	return changes, nil
}
