package projects

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/civil"
)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

// editable is a project with a start target due in 2023, as of mid-2023.
func editable() Project {
	return Project{
		ID: 7, Version: 3, Name: "甲路",
		Milestones: Milestones{PlannedStart: day(2023, time.March, 1), PlannedCompletion: day(2024, time.June, 30)},
		Targets: []Target{
			{ID: 70, Year: 2023, List: StartList, Deadline: civil.LastDayOfYear(2023), Outcome: Pending, Progress: "前期工作"},
		},
	}
}

var midYear = day(2023, time.June, 15)

func TestEditFormRoundTrip(t *testing.T) {
	p := editable()
	values := url.Values{}
	f := FormOf(p)
	values.Set("version", f.Version)
	values.Set("planned_start", f.PlannedStart)
	values.Set("planned_completion", f.PlannedCompletion)
	values.Set("progress-70", " 前期工作\r\n ")
	values.Set("outcome-70", "auto")
	got := ParseEditForm(values, p)
	if got.Version != "3" || got.PlannedStart != "2023-03-01" || got.Targets[0].Progress != "前期工作" {
		t.Fatalf("parsed %+v", got)
	}
	edit, problems := got.Check(p, midYear)
	if len(problems) != 0 || len(edit.Changes) != 0 {
		t.Fatalf("an unchanged form: problems %v, changes %v", problems, edit.Changes)
	}
}

func TestEditRules(t *testing.T) {
	tests := []struct {
		name      string
		change    func(f *EditForm)
		wantField string // "" for no problem
		wantID    string
	}{
		{"actual start today", func(f *EditForm) { f.ActualStart = "2023-06-15" }, "", ""},
		{"actual start tomorrow", func(f *EditForm) { f.ActualStart = "2023-06-16" }, "actual_start", "edit.date_future"},
		{"actual start next year (year only)", func(f *EditForm) { f.ActualStart = "2024" }, "actual_start", "edit.date_future"},
		{"actual start this year (year only)", func(f *EditForm) { f.ActualStart = "2023" }, "", ""},
		{"a date that does not exist", func(f *EditForm) { f.ActualStart = "2023-02-29" }, "actual_start", "edit.date_invalid"},
		{"year 20222", func(f *EditForm) { f.PlannedCompletion = "20222-01-01" }, "planned_completion", "edit.date_invalid"},
		{"slashes", func(f *EditForm) { f.ActualStart = "2023/06/01" }, "actual_start", "edit.date_invalid"},
		{"completion without start", func(f *EditForm) { f.ActualCompletion = "2023-06-01" }, "actual_start", "edit.completion_without_start"},
		{"actual completion before start", func(f *EditForm) { f.ActualStart, f.ActualCompletion = "2023-06-01", "2023-05-31" }, "actual_completion", "edit.completion_before_start"},
		{"actual completion on the start day", func(f *EditForm) { f.ActualStart, f.ActualCompletion = "2023-06-01", "2023-06-01" }, "", ""},
		{"planned completion before planned start, a re-baseline", func(f *EditForm) {
			f.PlannedCompletion, f.RebaselineReason, f.DelayReason = "2023-02-01", "图纸调整", "x"
		}, "planned_completion", "edit.completion_before_start"},
		{"re-baseline without a reason", func(f *EditForm) { f.PlannedStart, f.DelayReason = "2023-04-01", "拆迁" }, "rebaseline_reason", "edit.rebaseline_reason_required"},
		{"re-baseline later without a delay reason", func(f *EditForm) { f.PlannedStart, f.RebaselineReason = "2023-04-01", "拆迁延后" }, "delay_reason", "edit.delay_reason_slipped"},
		{"re-baseline earlier needs no delay reason", func(f *EditForm) { f.PlannedStart, f.RebaselineReason = "2023-02-01", "提前进场" }, "", ""},
		{"clearing a baseline date is a re-baseline", func(f *EditForm) { f.PlannedStart, f.DelayReason = "", "待定" }, "rebaseline_reason", "edit.rebaseline_reason_required"},
		{"percent 0", func(f *EditForm) { f.Percent = "0" }, "", ""},
		{"percent 100", func(f *EditForm) { f.Percent = "100" }, "", ""},
		{"percent 101", func(f *EditForm) { f.Percent = "101" }, "percent", "edit.percent_range"},
		{"percent -1", func(f *EditForm) { f.Percent = "-1" }, "percent", "edit.percent_range"},
		{"percent 50.5", func(f *EditForm) { f.Percent = "50.5" }, "percent", "edit.percent_range"},
		{"percent text", func(f *EditForm) { f.Percent = "一半" }, "percent", "edit.percent_range"},
		{"progress at the limit", func(f *EditForm) { f.Targets[0].Progress = strings.Repeat("字", MaxProgressLength) }, "", ""},
		{"progress over the limit", func(f *EditForm) { f.Targets[0].Progress = strings.Repeat("字", MaxProgressLength+1) }, "progress-70", "edit.too_long"},
		{"internal note over the limit", func(f *EditForm) { f.InternalNote = strings.Repeat("x", MaxNoteLength+1) }, "internal_note", "edit.too_long"},
		{"delay reason over the limit", func(f *EditForm) { f.DelayReason = strings.Repeat("x", MaxReasonLength+1) }, "delay_reason", "edit.too_long"},
		{"partial without an explanation", func(f *EditForm) { f.Targets[0].Outcome, f.Targets[0].Progress = "partial", "" }, "progress-70", "edit.partial_needs_explanation"},
		{"an unknown outcome", func(f *EditForm) { f.Targets[0].Outcome = "done" }, "outcome-70", "edit.outcome_unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FormOf(editable())
			tc.change(&f)
			_, problems := f.Check(editable(), midYear)
			if tc.wantField == "" {
				if len(problems) != 0 {
					t.Fatalf("problems %v, want none", problems)
				}
				return
			}
			if got := problems[tc.wantField].ID; got != tc.wantID {
				t.Fatalf("problem of %s = %q (all: %v), want %q", tc.wantField, got, problems, tc.wantID)
			}
		})
	}
}

func TestDelayReasonIsNeededForAnOverdueTarget(t *testing.T) {
	p := editable()
	afterDeadline := day(2024, time.January, 2)
	f := FormOf(p)
	f.Percent = "40"
	if _, problems := f.Check(p, afterDeadline); problems["delay_reason"].ID != "edit.delay_reason_overdue" || !problems["delay_reason"].NeedsDelayReason {
		t.Fatalf("an overdue project saved without a delay reason: %v", problems)
	}
	// Starting the works on time makes the target achieved: no reason needed.
	f.ActualStart = "2023-12-20"
	edit, problems := f.Check(p, afterDeadline)
	if len(problems) != 0 {
		t.Fatalf("problems %v", problems)
	}
	if edit.Project.Targets[0].Outcome != Achieved {
		t.Fatalf("outcome %s after an actual start before the deadline, want achieved", edit.Project.Targets[0].Outcome)
	}
}

func TestCheckRecordsEveryChange(t *testing.T) {
	p := editable()
	f := FormOf(p)
	f.PlannedCompletion, f.RebaselineReason, f.DelayReason = "2024-09-30", "管线搬迁", "管线搬迁延后"
	f.ActualStart = "2023-05-20"
	f.Percent = "15"
	f.InternalNote = "与区水务局协调中"
	f.Targets[0].Progress = "已开工"
	edit, problems := f.Check(p, midYear)
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	type entry struct{ field, old, new, reason string }
	var got []entry
	public := map[string]bool{}
	for _, c := range edit.Changes {
		got = append(got, entry{c.Field, c.OldValue, c.NewValue, c.Reason})
		public[c.Field] = c.Public
		if c.ProjectID != 7 {
			t.Errorf("change of %s names project %d", c.Field, c.ProjectID)
		}
	}
	want := []entry{
		{FieldPlannedCompletion, "2024-06-30", "2024-09-30", "管线搬迁"},
		{FieldActualStart, "", "2023-05-20", ""},
		{FieldPercent, "", "15", ""},
		{FieldDelayReason, "", "管线搬迁延后", ""},
		{FieldInternalNote, "", "与区水务局协调中", ""},
		{FieldProgress, "前期工作", "已开工", ""},
		{FieldOutcome, "pending", "achieved", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d = %v, want %v", i, got[i], want[i])
		}
	}
	if public[FieldInternalNote] || public[FieldDelayReason] || !public[FieldProgress] || !public[FieldActualStart] || !public[FieldOutcome] {
		t.Errorf("public flags wrong: %v", public)
	}
	// The first value of the changed date is kept; the other date has none.
	if edit.Project.OriginalPlannedCompletion != day(2024, time.June, 30) || !edit.Project.OriginalPlannedStart.IsZero() {
		t.Errorf("original baseline %v / %v", edit.Project.OriginalPlannedStart, edit.Project.OriginalPlannedCompletion)
	}
	again := edit.Project
	f2 := FormOf(again)
	f2.PlannedCompletion, f2.RebaselineReason = "2024-12-31", "再次调整"
	edit2, problems := f2.Check(again, midYear)
	if len(problems) != 0 || edit2.Project.OriginalPlannedCompletion != day(2024, time.June, 30) {
		t.Fatalf("a second re-baseline replaced the original: %v %v", edit2.Project.OriginalPlannedCompletion, problems)
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"  已开工 ":             "已开工",
		"一\r\n二":             "一\n二",
		"a\x00b\x1bc":        "abc",
		"tab\tkept":          "tab\tkept",
		"bad \xff utf8":      "bad \uFFFD utf8",
		"<script>x</script>": "<script>x</script>",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEachBaselineDateKeepsItsOwnOriginal follows a project whose planned
// completion is changed first and whose planned start is set and changed
// later: each date's first value is kept.
func TestEachBaselineDateKeepsItsOwnOriginal(t *testing.T) {
	p := editable()
	p.PlannedStart = civil.Date{}
	steps := []func(f *EditForm){
		func(f *EditForm) {
			f.PlannedCompletion, f.RebaselineReason, f.DelayReason = "2024-08-31", "设计变更", "设计变更"
		},
		func(f *EditForm) { f.PlannedStart = "2023-04-01" }, // set for the first time: no re-baseline
		func(f *EditForm) { f.PlannedStart, f.RebaselineReason = "2023-05-01", "拆迁" },
	}
	for i, step := range steps {
		f := FormOf(p)
		step(&f)
		edit, problems := f.Check(p, midYear)
		if len(problems) != 0 {
			t.Fatalf("step %d: %v", i+1, problems)
		}
		p = edit.Project
	}
	if p.OriginalPlannedStart != day(2023, time.April, 1) || p.OriginalPlannedCompletion != day(2024, time.June, 30) {
		t.Fatalf("originals %v and %v, want 2023-04-01 and 2024-06-30", p.OriginalPlannedStart, p.OriginalPlannedCompletion)
	}
}

func TestAMistypedDateIsOneProblem(t *testing.T) {
	f := FormOf(editable())
	f.PlannedStart = "2023-3-1"
	_, problems := f.Check(editable(), midYear)
	if len(problems) != 1 || problems["planned_start"].ID != "edit.date_invalid" {
		t.Fatalf("problems %v, want only the invalid date", problems)
	}
}

func TestPartialAndMissedTargetsAreNotOverdueWork(t *testing.T) {
	p := editable()
	p.Targets[0].Outcome, p.Targets[0].OutcomeByHand = Missed, true
	f := FormOf(p)
	f.Percent = "20"
	if _, problems := f.Check(p, day(2024, time.March, 1)); len(problems) != 0 {
		t.Fatalf("a missed target asks for a delay reason: %v", problems)
	}
	p.Targets[0].Outcome = Partial
	p.Targets[0].Progress = "除借地外均已完成"
	f = FormOf(p)
	f.Percent = "90"
	if _, problems := f.Check(p, day(2024, time.March, 1)); problems["delay_reason"].ID != "edit.delay_reason_overdue" {
		t.Fatalf("a partly achieved target past its deadline needs a reason: %v", problems)
	}
}

func TestMissingFieldsKeepTheirValues(t *testing.T) {
	p := editable()
	p.Targets[0].Outcome, p.Targets[0].OutcomeByHand = Partial, true
	p.InternalNote = "keep me"
	f := ParseEditForm(url.Values{"version": {"3"}, "percent": {"10"}}, p)
	if f.Targets[0].Outcome != "partial" || f.Targets[0].Progress != "前期工作" || f.InternalNote != "keep me" || f.PlannedStart != "2023-03-01" {
		t.Fatalf("absent fields were cleared: %+v", f)
	}
}

func TestMerge(t *testing.T) {
	p := editable()
	base := FormOf(p)
	yours := base
	yours.Targets = append([]TargetForm(nil), base.Targets...)
	yours.Base = base.Fields()
	yours.Percent = "45"       // only you changed it
	yours.DelayReason = "你的原因" // both changed it
	current := base
	current.Targets = append([]TargetForm(nil), base.Targets...)
	current.InternalNote = "ENG2-NOTE" // only they changed it
	current.DelayReason = "他们的原因"
	current.Version = "4"

	merged, clashes, taken := Merge(yours, current)
	if merged.InternalNote != "ENG2-NOTE" || merged.Percent != "45" || merged.DelayReason != "你的原因" || merged.Version != "4" {
		t.Fatalf("merged %+v", merged)
	}
	if len(clashes) != 1 || clashes[0] != "delay_reason" || len(taken) != 1 || taken[0] != "internal_note" {
		t.Fatalf("clashes %v, taken %v; want delay_reason and internal_note", clashes, taken)
	}
	if merged.Base["internal_note"] != "ENG2-NOTE" {
		t.Error("the merged form's base is not the stored version")
	}
	// Without a base nothing can be told apart: every difference clashes.
	yours.Base = nil
	_, clashes, _ = Merge(yours, current)
	if len(clashes) != 3 {
		t.Errorf("without a base: clashes %v, want percent, delay reason and note", clashes)
	}
}

// onSite is a project under way: started on 10 April 2023, which achieved
// its 2023 start target, with its 2024 completion target to come.
func onSite() Project {
	return Project{
		ID: 9, Version: 5, Name: "乙路",
		Milestones: Milestones{
			PlannedStart: day(2023, time.March, 1), PlannedCompletion: day(2024, time.June, 30),
			ActualStart: day(2023, time.April, 10),
		},
		Targets: []Target{
			{ID: 90, Year: 2023, List: StartList, Deadline: civil.LastDayOfYear(2023), Outcome: Achieved, Progress: "已开工"},
			{ID: 91, Year: 2024, List: CompleteList, Deadline: civil.LastDayOfYear(2024), Outcome: Pending, Progress: "主体施工"},
		},
	}
}

// TestCheckNamesEveryProblemAtOnce: a form is refused with all its
// problems in one round, including those that follow from a refused
// field (the delay reason an overdue target needs whatever the refused
// date, the reason a re-baseline needs whatever the refused date), so
// that fixing what the summary lists is enough.
func TestCheckNamesEveryProblemAtOnce(t *testing.T) {
	overdue := day(2025, time.January, 10) // the 2024 completion target overdue
	tests := []struct {
		name   string
		today  civil.Date
		change func(f *EditForm)
		want   map[string]string // field: message id
	}{
		{"a completion before the start, 150% and an overdue target without a reason", overdue, func(f *EditForm) {
			f.ActualCompletion, f.Percent = "2023-01-01", "150"
		}, map[string]string{
			"actual_completion": "edit.completion_before_start",
			"percent":           "edit.percent_range",
			"delay_reason":      "edit.delay_reason_overdue",
		}},
		{"a future completion, which would have made the target missed, not overdue", overdue, func(f *EditForm) {
			f.ActualCompletion, f.Percent = "2026-01-01", "150"
		}, map[string]string{
			"actual_completion": "edit.date_future",
			"percent":           "edit.percent_range",
			"delay_reason":      "edit.delay_reason_overdue",
		}},
		{"a mistyped planned date may be the same date: nothing more yet", midYear, func(f *EditForm) {
			f.PlannedCompletion = "2024-6-30"
		}, map[string]string{
			"planned_completion": "edit.date_invalid",
		}},
		{"a planned completion moved before the start is still a re-baseline", midYear, func(f *EditForm) {
			f.PlannedCompletion = "2023-01-01"
		}, map[string]string{
			"planned_completion": "edit.completion_before_start",
			"rebaseline_reason":  "edit.rebaseline_reason_required",
		}},
		{"a planned completion moved later: both reasons", midYear, func(f *EditForm) {
			f.PlannedCompletion = "2024-09-30"
		}, map[string]string{
			"rebaseline_reason": "edit.rebaseline_reason_required",
			"delay_reason":      "edit.delay_reason_slipped",
		}},
		{"a finished target typed into, with the rest", midYear, func(f *EditForm) {
			f.Targets[0].Progress, f.Targets[0].Outcome, f.Percent = "改写", "missed", "-1"
			f.Targets[1].Outcome = "partial"
			f.Targets[1].Progress = ""
		}, map[string]string{
			"progress-90": "edit.target_finished",
			"outcome-90":  "edit.target_finished",
			"percent":     "edit.percent_range",
			"progress-91": "edit.partial_needs_explanation",
		}},
		{"an actual start that would turn the achieved target missed", day(2024, time.June, 15), func(f *EditForm) {
			f.ActualStart = "2024-01-05"
		}, map[string]string{
			"actual_start": "edit.finished_outcome_kept",
		}},
		{"an actual start cleared would make the achieved target pending", day(2024, time.June, 15), func(f *EditForm) {
			f.ActualStart, f.InternalNote = "", strings.Repeat("x", MaxNoteLength+1)
		}, map[string]string{
			"actual_start":  "edit.finished_outcome_kept",
			"internal_note": "edit.too_long",
		}},
		{"a refused actual start leaves the achieved target as it is", day(2024, time.June, 15), func(f *EditForm) {
			f.ActualStart = "2023/04/10"
		}, map[string]string{
			"actual_start": "edit.date_invalid",
		}},
		{"an actual start corrected within the year keeps the answer", day(2024, time.June, 15), func(f *EditForm) {
			f.ActualStart = "2023-04-12"
		}, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FormOf(onSite())
			tc.change(&f)
			_, problems := f.Check(onSite(), tc.today)
			got := map[string]string{}
			for field, p := range problems {
				got[field] = p.ID
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("problems %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAnAnswerWithoutItsDateStays: an achieved target whose actual date
// the record lacks (recorded by the year's report, before the date was)
// neither blocks an engineer's save nor is undone by it.
func TestAnAnswerWithoutItsDateStays(t *testing.T) {
	p := onSite()
	p.ActualStart = civil.Date{}
	f := FormOf(p)
	f.Percent, f.Targets[1].Progress = "35", "桩基施工"
	edit, problems := f.Check(p, day(2024, time.June, 15))
	if len(problems) != 0 {
		t.Fatalf("problems %v", problems)
	}
	if got := edit.Project.Targets[0].Outcome; got != Achieved {
		t.Errorf("the achieved target became %s", got)
	}
}

// TestFinishedTargets: which targets have their answer, and which of them
// a form may still change: an engineer none, an administrator those of an
// open year.
func TestFinishedTargets(t *testing.T) {
	next := int64(200)
	tests := []struct {
		name                    string
		target                  Target
		finished                bool
		byEngineer, byCorrector bool
	}{
		{"pending", Target{Outcome: Pending}, false, true, true},
		{"partly achieved: works remain", Target{Outcome: Partial, OutcomeByHand: true}, false, true, true},
		{"achieved", Target{Outcome: Achieved}, true, false, true},
		{"missed", Target{Outcome: Missed}, true, false, true},
		{"carried into next year's list", Target{Outcome: Pending, CarriedToID: &next}, true, false, true},
		{"pending in a closed year", Target{Outcome: Pending, Closed: true}, true, false, false},
		{"achieved in a closed year", Target{Outcome: Achieved, Closed: true}, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.target.Finished(); got != tc.finished {
				t.Errorf("Finished() = %v, want %v", got, tc.finished)
			}
			if got := FinishedKept.Editable(tc.target); got != tc.byEngineer {
				t.Errorf("editable by the engineer = %v, want %v", got, tc.byEngineer)
			}
			if got := FinishedCorrectable.Editable(tc.target); got != tc.byCorrector {
				t.Errorf("editable by an administrator = %v, want %v", got, tc.byCorrector)
			}
		})
	}
}

// TestAnAdministratorCorrectsAFinishedTarget: what an engineer's form is
// refused, an administrator's saves; a closed year stays closed to both.
func TestAnAdministratorCorrectsAFinishedTarget(t *testing.T) {
	today := day(2024, time.June, 15)
	f := FormOf(onSite())
	f.Targets[0].Progress = "2023年4月12日开工"
	f.ActualStart = "2024-01-05" // the start was in fact late
	if _, problems := f.Check(onSite(), today); len(problems) != 2 {
		t.Fatalf("the engineer's correction: problems %v, want the progress and the date", problems)
	}
	edit, problems := f.CheckAs(onSite(), today, FinishedCorrectable)
	if len(problems) != 0 {
		t.Fatalf("the administrator's correction: %v", problems)
	}
	if got := edit.Project.Targets[0]; got.Outcome != Missed || got.Progress != "2023年4月12日开工" {
		t.Errorf("the corrected target: %s, %q", got.Outcome, got.Progress)
	}

	closed := onSite()
	closed.Targets[0].Closed = true
	f = FormOf(closed)
	f.Targets[0].Progress = "改写"
	if _, problems := f.CheckAs(closed, today, FinishedCorrectable); problems["progress-90"].ID != "lifecycle.year_closed" {
		t.Errorf("a closed year's target typed into by an administrator: %v", problems)
	}
}
