package projects

import (
	"errors"
	"testing"
	"time"

	"shuangshi/internal/civil"
)

func TestNextCaseState(t *testing.T) {
	tests := []struct {
		from    CaseState
		step    CaseStep
		want    CaseState
		wantErr error
	}{
		{CaseOpen, StepAnswer, CaseAnswered, nil},
		{CaseAnswered, StepAnswer, CaseAnswered, ErrAlreadyAnswered},
		{CaseClosed, StepAnswer, CaseClosed, ErrCaseClosed},
		// A supervisor closes a case answered, or one settled otherwise.
		{CaseAnswered, StepClose, CaseClosed, nil},
		{CaseOpen, StepClose, CaseClosed, nil},
		{CaseClosed, StepClose, CaseClosed, ErrCaseClosed},
		// Reopening gives the case back to the engineers.
		{CaseAnswered, StepReopen, CaseOpen, nil},
		{CaseClosed, StepReopen, CaseOpen, nil},
		{CaseOpen, StepReopen, CaseOpen, ErrCaseOpen},
	}
	for _, tc := range tests {
		got, err := NextCaseState(tc.from, tc.step)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s then %s: %s, %v; want %s, %v", tc.from, tc.step, got, err, tc.want, tc.wantErr)
		}
	}
	if _, err := NextCaseState(CaseOpen, "forgotten"); err == nil {
		t.Error("an unknown step is taken")
	}
}

func TestCaseLate(t *testing.T) {
	due := civil.Date{Year: 2023, Month: time.June, Day: 30}
	tests := []struct {
		state CaseState
		due   civil.Date
		today civil.Date
		want  bool
	}{
		{CaseOpen, due, due, false}, // due by the end of the day
		{CaseOpen, due, due.AddDays(1), true},
		{CaseAnswered, due, due.AddDays(30), false},
		{CaseClosed, due, due.AddDays(30), false},
		{CaseOpen, civil.Date{}, due.AddDays(30), false}, // opened before cases had due dates
	}
	for _, tc := range tests {
		if got := CaseLate(tc.state, tc.due, tc.today); got != tc.want {
			t.Errorf("%s due %s on %s: late %v, want %v", tc.state, tc.due, tc.today, got, tc.want)
		}
	}
}

func TestCheckDueDate(t *testing.T) {
	today := civil.Date{Year: 2023, Month: time.June, Day: 30}
	tests := []struct {
		due  civil.Date
		want string
	}{
		{today, ""},
		{today.AddDays(DefaultCaseDays), ""},
		{today.AddDays(MaxCaseDays), ""},
		{today.AddDays(MaxCaseDays + 1), "case.due_too_far"},
		{today.AddDays(-1), "case.due_past"},
		{civil.Date{}, "case.due_required"},
	}
	for _, tc := range tests {
		if got := CheckDueDate(tc.due, today); got != tc.want {
			t.Errorf("due %s: %q, want %q", tc.due, got, tc.want)
		}
	}
}

func TestCountCases(t *testing.T) {
	today := civil.Date{Year: 2023, Month: time.June, Day: 30}
	cases := []Comment{
		{TargetID: 1, State: CaseOpen, DueOn: today.AddDays(-1)},
		{TargetID: 1, State: CaseOpen, DueOn: today},
		{TargetID: 1, State: CaseAnswered, DueOn: today.AddDays(-9)},
		{TargetID: 2, State: CaseClosed},
	}
	counts := CountCases(cases, today)
	if got := counts[1]; got != (CaseCounts{Open: 2, Late: 1, Answered: 1}) {
		t.Errorf("target 1: %+v", got)
	}
	if counts[2].Any() {
		t.Errorf("a closed case is counted: %+v", counts[2])
	}
}
