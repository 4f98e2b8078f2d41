package projects

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"shuangshi/internal/civil"
)

// The limits of what an engineer may type.
const (
	MaxProgressLength = 500  // 推进情况 of one target, as the year-end table prints it
	MaxReasonLength   = 500  // a delay or re-baseline reason
	MaxNoteLength     = 2000 // the internal note
)

// EditForm is the edit page of a project, as typed: what a rejected form
// shows again, to the character.
type EditForm struct {
	// Base holds the values the page was loaded with, sent back with the
	// form, so that an edit made from an older version can be merged with
	// what others saved since (see Merge). Nil when the form did not carry
	// them.
	Base              map[string]string
	Version           string
	PlannedStart      string
	PlannedCompletion string
	ActualStart       string
	ActualCompletion  string
	RebaselineReason  string
	Percent           string
	DelayReason       string
	InternalNote      string
	// TotalInvestment and Plans are amounts in 万元, as typed.
	TotalInvestment string
	Plans           []PlanForm
	Targets         []TargetForm
}

// TargetForm is the part of the edit page for one target.
type TargetForm struct {
	ID       int64
	Progress string
	// Outcome is "auto" (from the milestones), or an outcome recorded by
	// hand: "achieved", "partial" or "missed".
	Outcome string
}

// OutcomeAuto is the outcome choice that lets the milestones decide.
const OutcomeAuto = "auto"

// FormOf returns the edit form filled with a project's stored values.
func FormOf(p Project) EditForm {
	f := EditForm{
		Version:           strconv.FormatInt(p.Version, 10),
		PlannedStart:      p.PlannedStart.String(),
		PlannedCompletion: p.PlannedCompletion.String(),
		ActualStart:       p.ActualStart.String(),
		ActualCompletion:  p.ActualCompletion.String(),
		DelayReason:       p.DelayReason,
		InternalNote:      p.InternalNote,
	}
	if p.PercentComplete != nil {
		f.Percent = strconv.Itoa(*p.PercentComplete)
	}
	f.TotalInvestment = amountText(p.TotalInvestment)
	for _, year := range p.PlanYears() {
		pf := PlanForm{Year: year}
		if plan, ok := p.PlanFor(year); ok {
			pf.Planned = plan.Planned.String()
		}
		f.Plans = append(f.Plans, pf)
	}
	for _, t := range p.Targets {
		f.Targets = append(f.Targets, TargetForm{ID: t.ID, Progress: t.Progress, Outcome: outcomeChoice(t)})
	}
	return f
}

// outcomeChoice is how the edit form shows a target's outcome: the one
// recorded by hand, or OutcomeAuto for the one the milestones derive.
func outcomeChoice(t Target) string {
	if t.OutcomeByHand {
		return string(t.Outcome)
	}
	return OutcomeAuto
}

// ParseEditForm reads a posted edit form for project p. Each of p's targets
// reads its fields progress-ID and outcome-ID. A field missing from the post
// altogether keeps its stored value (a browser sends every field, empty or
// not; only a hand-made request leaves some out), and fields of no target
// of p are ignored.
func ParseEditForm(values url.Values, p Project) EditForm {
	stored := FormOf(p)
	f := stored
	f.Targets = append([]TargetForm(nil), stored.Targets...)
	f.Plans = append([]PlanForm(nil), stored.Plans...)
	f.Version = values.Get("version")
	f.each(func(key string, v *string) {
		if values.Has(key) {
			*v = cleanField(key, values.Get(key))
		}
	})
	if values.Has("base-version") {
		// A field posted without its base was not on the page: it counts as
		// untouched, so its base is the value it keeps.
		f.Base = f.fields()
		for key := range f.Base {
			if values.Has("base-" + key) {
				f.Base[key] = cleanField(key, values.Get("base-"+key))
			}
		}
	}
	return f
}

// cleanField tidies a typed value: text fields keep their line breaks,
// the others are single words.
func cleanField(key, v string) string {
	switch {
	case key == "rebaseline_reason", key == "delay_reason", key == "internal_note", strings.HasPrefix(key, "progress-"):
		return cleanText(v)
	}
	return strings.TrimSpace(strings.ToValidUTF8(v, ""))
}

// each visits every field of the form by the name it has on the page.
func (f *EditForm) each(visit func(key string, v *string)) {
	visit("planned_start", &f.PlannedStart)
	visit("planned_completion", &f.PlannedCompletion)
	visit("actual_start", &f.ActualStart)
	visit("actual_completion", &f.ActualCompletion)
	visit("rebaseline_reason", &f.RebaselineReason)
	visit("percent", &f.Percent)
	visit("delay_reason", &f.DelayReason)
	visit("internal_note", &f.InternalNote)
	visit(FieldTotalInvestment, &f.TotalInvestment)
	for i := range f.Plans {
		visit(planField(f.Plans[i].Year), &f.Plans[i].Planned)
	}
	for i := range f.Targets {
		id := strconv.FormatInt(f.Targets[i].ID, 10)
		visit("progress-"+id, &f.Targets[i].Progress)
		visit("outcome-"+id, &f.Targets[i].Outcome)
	}
}

// fields returns every field of the form by its name on the page.
func (f EditForm) fields() map[string]string {
	m := map[string]string{}
	f.each(func(key string, v *string) { m[key] = *v })
	return m
}

// Fields returns every field of the form by its name on the page. The edit
// page carries them in hidden fields as the base that Merge compares a
// save with.
func (f EditForm) Fields() map[string]string { return f.fields() }

// Merge brings an edit made from an older version of a project up to the
// stored one: a field the user left as they found it (equal to its base)
// takes the stored value, so nobody else's change is undone; a field the
// user changed keeps the user's value. It returns the merged form, on the
// current version with current as its base, the fields the user and someone
// else both changed to different values (clashes), and the fields taken
// from the stored version. Without a base every differing field clashes.
func Merge(yours, current EditForm) (merged EditForm, clashes, taken []string) {
	merged = yours
	merged.Targets = append([]TargetForm(nil), yours.Targets...)
	merged.Plans = append([]PlanForm(nil), yours.Plans...)
	stored := current.fields()
	merged.each(func(key string, v *string) {
		now, ok := stored[key]
		if !ok || *v == now || key == "rebaseline_reason" {
			return
		}
		base, known := yours.Base[key]
		switch {
		case known && *v == base:
			*v = now
			taken = append(taken, key)
		case !known || now != base:
			clashes = append(clashes, key)
		}
	})
	merged.Version, merged.Base = current.Version, stored
	return merged, clashes, taken
}

// cleanText makes typed text fit to keep: valid UTF-8, Unix line ends, no
// control characters but line breaks and tabs, no space around it.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Problem is why a field of a form was refused: a message id and its
// arguments (name and value pairs).
type Problem struct {
	ID   string
	Args []any
	// NeedsDelayReason marks the refusal of a form that lacks a delay
	// reason (a target is overdue, or a planned date moved later): a form
	// without that field, such as the quick update, cannot take one.
	NeedsDelayReason bool
}

// Problems are the problems of a form, by field name.
type Problems map[string]Problem

// Edit is a checked form: the project as it will be saved, with its
// targets, and the changes that make it so, for the history.
type Edit struct {
	Project Project
	Changes []Change
	// Before is the project as stored when the form was checked: what
	// the public reads until a review approves the edit.
	Before Project
}

// The fields of a project and its targets, as the history names them.
const (
	FieldPlannedStart      = "planned_start"
	FieldPlannedCompletion = "planned_completion"
	FieldActualStart       = "actual_start"
	FieldActualCompletion  = "actual_completion"
	FieldPercent           = "percent_complete"
	FieldDelayReason       = "delay_reason"
	FieldInternalNote      = "internal_note"
	FieldProgress          = "progress"
	FieldOutcome           = "outcome"
)

// publicField reports whether the public history shows the changes of an
// edit's field: it does the dates, how far along the works are, the
// progress text and the outcome; the internal note and the delay reason
// stay with the staff (as does who made a change, which the public
// history never shows).
func publicField(field string) bool {
	switch field {
	case FieldDelayReason, FieldInternalNote:
		return false
	}
	return true
}

// FinishedTargets says whether a form may change the targets that are
// finished: an engineer keeps a project current, and a target that has its
// answer (achieved, missed, carried into next year's list) is part of the
// record, not of the work in hand; an administrator may correct it. Nobody
// changes a closed year's targets through the form: the year is reopened
// first (see Store.Reopen).
type FinishedTargets int

const (
	// FinishedKept: a finished target stays as recorded, and so does the
	// outcome its milestone gave it. The assigned engineer's form.
	FinishedKept FinishedTargets = iota
	// FinishedCorrectable: a finished target of an open year may be
	// corrected like a pending one. An administrator's form.
	FinishedCorrectable
)

// Finished reports whether target t has its answer: its year is closed,
// or the status rule puts it past the work (achieved, missed, carried over
// into next year's list). A partly achieved target is not finished: part of
// its works remain, and it stays overdue.
func (t Target) Finished() bool {
	return t.Closed || t.Outcome == Achieved || t.Outcome == Missed || t.CarriedToID != nil
}

// Editable reports whether a form under these rights may change target t's
// progress text and outcome.
func (k FinishedTargets) Editable(t Target) bool {
	switch {
	case t.Closed:
		return false
	case t.Finished():
		return k == FinishedCorrectable
	}
	return true
}

// Check is CheckAs for the assigned engineer: finished targets kept.
func (f EditForm) Check(p Project, today civil.Date) (Edit, Problems) {
	return f.CheckAs(p, today, FinishedKept)
}

// CheckAs validates the form against project p as stored, as of today, and
// returns the edit, or every problem of the form by field: all are found in
// one pass, so that a refused form is fixed in one round. Nothing is to be
// saved when there is any problem.
//
// The rules: dates are YYYY-MM-DD (or a year alone); an actual date is not
// in the future; a completion is not before its start; an actual completion
// needs an actual start; changing a baseline date that is set is a
// re-baseline and needs a reason; percent is a whole number from 0 to 100;
// texts are within their limits; a partial outcome needs the progress text
// that explains it; a target the rights do not let the form change
// (Editable) keeps its progress and outcome, and under FinishedKept a
// finished target's outcome does not change through its milestone either;
// and a delay reason is needed when a target of the project is overdue or
// a planned date moves later.
//
// An actual date refused counts as its stored value for the rules that
// follow from it (outcomes, overdue, the delay reason), so that the
// problems the form would still have once the date is fixed are named now.
func (f EditForm) CheckAs(p Project, today civil.Date, finished FinishedTargets) (Edit, Problems) {
	problems := Problems{}
	next := p
	next.Targets = append([]Target(nil), p.Targets...)
	parsed := map[string]bool{}
	for _, d := range []struct {
		field string
		raw   string
		into  *civil.Date
	}{
		{FieldPlannedStart, f.PlannedStart, &next.PlannedStart},
		{FieldPlannedCompletion, f.PlannedCompletion, &next.PlannedCompletion},
		{FieldActualStart, f.ActualStart, &next.ActualStart},
		{FieldActualCompletion, f.ActualCompletion, &next.ActualCompletion},
	} {
		v, err := civil.Parse(d.raw)
		if err != nil {
			problems[d.field] = Problem{ID: "edit.date_invalid", Args: []any{"Min", civil.MinYear, "Max", civil.MaxYear}}
		}
		*d.into, parsed[d.field] = v, err == nil
	}
	for _, field := range []string{FieldActualStart, FieldActualCompletion} {
		if d := next.dateField(field); parsed[field] && !d.IsZero() && d.Earliest().After(today) {
			problems[field] = Problem{ID: "edit.date_future"}
		}
	}
	for _, pair := range [][2]string{{FieldPlannedStart, FieldPlannedCompletion}, {FieldActualStart, FieldActualCompletion}} {
		start, completion := next.dateField(pair[0]), next.dateField(pair[1])
		if parsed[pair[0]] && parsed[pair[1]] && !start.IsZero() && !completion.IsZero() && completion.Latest().Before(start.Earliest()) {
			if _, refused := problems[pair[1]]; !refused {
				problems[pair[1]] = Problem{ID: "edit.completion_before_start"}
			}
		}
	}
	if parsed[FieldActualStart] && !next.ActualCompletion.IsZero() && next.ActualStart.IsZero() {
		problems[FieldActualStart] = Problem{ID: "edit.completion_without_start"}
	}

	// A baseline date that is set and changed is a re-baseline, even one
	// refused for its order; one that does not read as a date may be the
	// same date mistyped, and asks for nothing more until it reads.
	rebaselined, slipped := false, false
	for _, field := range []string{FieldPlannedStart, FieldPlannedCompletion} {
		before, after := p.dateField(field), next.dateField(field)
		if before.IsZero() || !parsed[field] || before == after {
			continue
		}
		rebaselined = true
		if after.IsZero() || after.Latest().After(before.Latest()) {
			slipped = true
		}
		// Each date's first value is kept the first time it is changed.
		if field == FieldPlannedStart && next.OriginalPlannedStart.IsZero() {
			next.OriginalPlannedStart = before
		}
		if field == FieldPlannedCompletion && next.OriginalPlannedCompletion.IsZero() {
			next.OriginalPlannedCompletion = before
		}
	}
	if next.checkInvestment(f, p, problems) {
		rebaselined = true
	}
	if rebaselined && f.RebaselineReason == "" {
		problems["rebaseline_reason"] = Problem{ID: "edit.rebaseline_reason_required"}
	}

	next.PercentComplete = nil
	if f.Percent != "" {
		n, err := strconv.Atoi(f.Percent)
		if err != nil || n < 0 || n > 100 {
			problems["percent"] = Problem{ID: "edit.percent_range"}
		} else {
			next.PercentComplete = &n
		}
	}
	next.DelayReason, next.InternalNote = f.DelayReason, f.InternalNote
	for _, text := range []struct {
		field, value string
		limit        int
	}{
		{"delay_reason", f.DelayReason, MaxReasonLength},
		{"rebaseline_reason", f.RebaselineReason, MaxReasonLength},
		{"internal_note", f.InternalNote, MaxNoteLength},
	} {
		if utf8.RuneCountInString(text.value) > text.limit {
			problems[text.field] = Problem{ID: "edit.too_long", Args: []any{"Max", text.limit}}
		}
	}

	// The outcomes follow the milestones as they will be once the refused
	// dates are fixed; until then, as stored.
	facts := next.Milestones
	for _, field := range []string{FieldActualStart, FieldActualCompletion} {
		if _, refused := problems[field]; refused {
			facts.setDateField(field, p.dateField(field))
		}
	}
	overdue := next.checkTargets(f, p, facts, today, finished, problems)
	if (overdue || slipped) && f.DelayReason == "" {
		id := "edit.delay_reason_overdue"
		if slipped {
			id = "edit.delay_reason_slipped"
		}
		problems["delay_reason"] = Problem{ID: id, NeedsDelayReason: true}
	}
	if len(problems) > 0 {
		return Edit{}, problems
	}
	changes := append(diff(p, next, f.RebaselineReason), investmentChanges(p, next, f.RebaselineReason)...)
	return Edit{Project: next, Changes: changes, Before: p}, nil
}

// checkTargets applies the form's progress and outcome of each target to
// next (the project as it will be, p as stored), with the outcomes the
// milestones m give them, adding to problems what is wrong. It reports
// whether a target will still be overdue as of today.
func (next *Project) checkTargets(f EditForm, p Project, m Milestones, today civil.Date, finished FinishedTargets, problems Problems) (overdue bool) {
	byID := map[int64]TargetForm{}
	for _, tf := range f.Targets {
		byID[tf.ID] = tf
	}
	for i, t := range next.Targets {
		tf, ok := byID[t.ID]
		if !ok {
			continue
		}
		key := strconv.FormatInt(t.ID, 10)
		if !finished.Editable(t) {
			// Typed into (a page loaded before the target was finished, or
			// a hand-made request), it is refused by the field.
			refusal := Problem{ID: "edit.target_finished", Args: []any{"Year", t.Year, "List", string(t.List)}}
			if t.Closed {
				refusal = Problem{ID: "lifecycle.year_closed", Args: []any{"Year", t.Year}}
			}
			if tf.Progress != t.Progress {
				problems["progress-"+key] = refusal
			}
			if tf.Outcome != outcomeChoice(t) {
				problems["outcome-"+key] = refusal
			}
			if t.Closed {
				// As the year was answered: the milestones do not derive
				// it again either.
				continue
			}
			// A new actual date must not quietly undo an answer: an
			// achieved target turned missed is for an administrator. An
			// answer its date does not give (recorded before the date
			// was, or imported so) stays as recorded while the date does.
			derived := DeriveOutcome(t, m)
			if (t.Outcome == Achieved || t.Outcome == Missed) && derived != t.Outcome {
				field := FieldActualStart
				if t.List == CompleteList {
					field = FieldActualCompletion
				}
				if m.dateField(field) != p.dateField(field) {
					problems[field] = Problem{ID: "edit.finished_outcome_kept", Args: []any{"Year", t.Year, "List", string(t.List), "Outcome", string(t.Outcome)}}
				}
				continue
			}
			t.Outcome = derived
			next.Targets[i] = t
			continue
		}
		if utf8.RuneCountInString(tf.Progress) > MaxProgressLength {
			problems["progress-"+key] = Problem{ID: "edit.too_long", Args: []any{"Max", MaxProgressLength}}
		}
		t.Progress = tf.Progress
		switch tf.Outcome {
		case OutcomeAuto, "":
			t.OutcomeByHand = false
		case string(Achieved), string(Partial), string(Missed):
			t.OutcomeByHand, t.Outcome = true, Outcome(tf.Outcome)
			if t.Outcome == Partial && tf.Progress == "" {
				if _, refused := problems["progress-"+key]; !refused {
					problems["progress-"+key] = Problem{ID: "edit.partial_needs_explanation"}
				}
			}
		default:
			problems["outcome-"+key] = Problem{ID: "edit.outcome_unknown"}
		}
		t.Outcome = DeriveOutcome(t, m)
		overdue = overdue || t.Overdue(today)
		next.Targets[i] = t
	}
	return overdue
}

// dateField returns the milestone a field name names.
func (m Milestones) dateField(field string) civil.Date {
	switch field {
	case FieldPlannedStart:
		return m.PlannedStart
	case FieldPlannedCompletion:
		return m.PlannedCompletion
	case FieldActualStart:
		return m.ActualStart
	case FieldActualCompletion:
		return m.ActualCompletion
	}
	return civil.Date{}
}

// setDateField sets the milestone a field name names.
func (m *Milestones) setDateField(field string, d civil.Date) {
	switch field {
	case FieldPlannedStart:
		m.PlannedStart = d
	case FieldPlannedCompletion:
		m.PlannedCompletion = d
	case FieldActualStart:
		m.ActualStart = d
	case FieldActualCompletion:
		m.ActualCompletion = d
	}
}

// diff lists what differs between a project as stored and as it will be
// saved, field by field, for the history. A re-baseline reason goes with
// the planned dates it explains.
func diff(before, after Project, rebaselineReason string) []Change {
	var changes []Change
	add := func(targetID *int64, field, old, new, reason string) {
		if old != new {
			changes = append(changes, Change{
				ProjectID: before.ID, TargetID: targetID, Field: field,
				OldValue: old, NewValue: new, Reason: reason, Public: publicField(field),
			})
		}
	}
	for _, field := range []string{FieldPlannedStart, FieldPlannedCompletion} {
		add(nil, field, before.dateField(field).String(), after.dateField(field).String(), rebaselineReason)
	}
	for _, field := range []string{FieldActualStart, FieldActualCompletion} {
		add(nil, field, before.dateField(field).String(), after.dateField(field).String(), "")
	}
	add(nil, FieldPercent, percentText(before.PercentComplete), percentText(after.PercentComplete), "")
	add(nil, FieldDelayReason, before.DelayReason, after.DelayReason, "")
	add(nil, FieldInternalNote, before.InternalNote, after.InternalNote, "")
	for i, t := range after.Targets {
		old := before.Targets[i]
		id := t.ID
		add(&id, FieldProgress, old.Progress, t.Progress, "")
		add(&id, FieldOutcome, outcomeText(old), outcomeText(t), "")
	}
	return changes
}

// Change is one entry of a project's history.
type Change struct {
	ID        int64
	ProjectID int64
	TargetID  *int64
	At        time.Time
	UserID    *int64
	UserName  string
	Field     string
	OldValue  string
	NewValue  string
	Reason    string
	Public    bool
}
