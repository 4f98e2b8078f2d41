package projects

import "shuangshi/internal/civil"

// Status is what a status badge says about a target.
type Status string

// The statuses a target can show.
const (
	StatusAchieved Status = "achieved"
	StatusPartial  Status = "partial"
	StatusMissed   Status = "missed"
	StatusOverdue  Status = "overdue"
	StatusAtRisk   Status = "at-risk"
	StatusOnTrack  Status = "on-track"
	// StatusCarriedOver: the target, not achieved, was carried into next
	// year's list, where it counts from then on.
	StatusCarriedOver Status = "carried-over"
)

// DefaultAtRiskDays is how close a deadline makes a target at risk.
const DefaultAtRiskDays = 30

// StatusRule is the one rule that says where a target stands. Every status
// badge of the site comes from it.
type StatusRule struct {
	// AtRiskDays: a target whose deadline is this many days away, or fewer,
	// is at risk.
	AtRiskDays int
}

// Status returns where target t, of a project with milestones m, stands as
// of the given day. The first that holds:
//
//  1. achieved: the outcome is achieved;
//  2. partial, missed: the outcome is recorded as partly met (by hand) or
//     missed (by hand, or a milestone reached after the deadline);
//  3. carried over: the target went on to next year's list;
//  4. overdue: the deadline has passed;
//  5. at risk: the deadline is at most AtRiskDays away, or the planned date
//     of the target's milestone (the planned start of a start target, the
//     planned completion of a completion target) has passed;
//  6. on track.
func (r StatusRule) Status(t Target, m Milestones, asOf civil.Date) Status {
	switch t.Outcome {
	case Achieved:
		return StatusAchieved
	case Partial:
		return StatusPartial
	case Missed:
		return StatusMissed
	}
	if t.CarriedToID != nil {
		return StatusCarriedOver
	}
	if t.Overdue(asOf) {
		return StatusOverdue
	}
	planned := m.PlannedStart
	if t.List == CompleteList {
		planned = m.PlannedCompletion
	}
	if asOf.DaysUntil(t.Deadline) <= r.AtRiskDays || (!planned.IsZero() && asOf.After(planned.Latest())) {
		return StatusAtRisk
	}
	return StatusOnTrack
}

// Overdue reports whether, as of the given day, the target's deadline has
// passed while the target is still open: not achieved, not closed as
// missed, and not carried into next year's list (where the new target
// counts). A partly achieved target stays open: part of its works remain.
// The deadline day itself is not overdue.
func (t Target) Overdue(asOf civil.Date) bool {
	return (t.Outcome == Pending || t.Outcome == Partial) && t.CarriedToID == nil && asOf.After(t.Deadline)
}

// DeriveOutcome returns the outcome that target t's milestone gives it: the
// actual start of a start target, the actual completion of a completion
// target, on or before the deadline is achieved; after it, missed; not yet
// there, pending. An outcome recorded by hand stays as recorded. A date
// known only to its year counts as achieved when the whole year is on or
// before the deadline, and stays pending when the year straddles it (the
// engineer then gives the day, or records the outcome by hand).
func DeriveOutcome(t Target, m Milestones) Outcome {
	if t.OutcomeByHand {
		return t.Outcome
	}
	actual := m.ActualStart
	if t.List == CompleteList {
		actual = m.ActualCompletion
	}
	switch {
	case actual.IsZero():
		return Pending
	case !actual.Latest().After(t.Deadline):
		return Achieved
	case actual.Earliest().After(t.Deadline):
		return Missed
	}
	return Pending
}
