package projects

import (
	"reflect"
	"testing"

	"shuangshi/internal/civil"
)

func TestReadValue(t *testing.T) {
	percent := func(n int) *int { return &n }
	archived := func(b bool) *bool { return &b }
	tests := []struct {
		name   string
		field  string
		stored string
		want   ChangeValue
	}{
		{"empty", FieldOutcome, "", ChangeValue{}},
		{"empty date", FieldActualStart, "", ChangeValue{}},
		{"date", FieldPlannedStart, "2024-03-01", ChangeValue{Date: civil.Date{Year: 2024, Month: 3, Day: 1}}},
		{"date known to the year", FieldActualCompletion, "2023", ChangeValue{Date: civil.YearOnly(2023)}},
		{"deadline", FieldDeadline, "2024-06-30", ChangeValue{Date: civil.Date{Year: 2024, Month: 6, Day: 30}}},
		{"a date that is not one", FieldPlannedCompletion, "2023-02-29", ChangeValue{Text: "2023-02-29"}},
		{"a date in another form", FieldPlannedCompletion, "2023/6/1", ChangeValue{Text: "2023/6/1"}},
		{"percent", FieldPercent, "40", ChangeValue{Percent: percent(40)}},
		{"zero percent", FieldPercent, "0", ChangeValue{Percent: percent(0)}},
		{"percent with a sign", FieldPercent, "40%", ChangeValue{Text: "40%"}},
		{"category", FieldCategory, "bridge", ChangeValue{Category: Bridge}},
		{"category by its character", FieldCategory, "桥", ChangeValue{Text: "桥"}},
		{"unknown category", FieldCategory, "airport", ChangeValue{Text: "airport"}},
		{"archived", FieldArchived, "true", ChangeValue{Archived: archived(true)}},
		{"restored", FieldArchived, "false", ChangeValue{Archived: archived(false)}},
		{"archived in another form", FieldArchived, "1", ChangeValue{Text: "1"}},
		{"listed", FieldListed, "2024 start", ChangeValue{Year: 2024, List: StartList}},
		{"unlisted", FieldUnlisted, "2023 complete", ChangeValue{Year: 2023, List: CompleteList}},
		{"listed without a year", FieldListed, "start", ChangeValue{Text: "start"}},
		{"listed on an unknown list", FieldListed, "2024 开工", ChangeValue{Text: "2024 开工"}},
		{"listed with a bad year", FieldListed, "二〇二四 start", ChangeValue{Text: "二〇二四 start"}},
		{"outcome", FieldOutcome, "achieved", ChangeValue{Outcome: Achieved}},
		{"pending", FieldOutcome, "pending", ChangeValue{Outcome: Pending}},
		{"outcome by hand", FieldOutcome, "partial:by-hand", ChangeValue{Outcome: Partial, ByHand: true}},
		{"missed by hand", FieldOutcome, "missed:by-hand", ChangeValue{Outcome: Missed, ByHand: true}},
		{"by hand alone", FieldOutcome, ":by-hand", ChangeValue{Text: ":by-hand"}},
		{"unknown outcome", FieldOutcome, "abandoned", ChangeValue{Text: "abandoned"}},
		{"unknown outcome by hand", FieldOutcome, "abandoned:by-hand", ChangeValue{Text: "abandoned:by-hand"}},
		{"progress keeps its words", FieldProgress, "桩基完成 2024 start:by-hand", ChangeValue{Text: "桩基完成 2024 start:by-hand"}},
		{"a name is text", FieldName, "true", ChangeValue{Text: "true"}},
		{"a field no longer known", "budget", "100", ChangeValue{Text: "100"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := readValue(tc.field, tc.stored); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("readValue(%q, %q) = %+v, want %+v", tc.field, tc.stored, got, tc.want)
			}
		})
	}
}

// TestHistoryReadsWhatItWrites: each value written for the history reads
// back as what was written.
func TestHistoryReadsWhatItWrites(t *testing.T) {
	forty := 40
	tests := []struct {
		name  string
		field string
		text  string
		want  ChangeValue
	}{
		{"derived outcome", FieldOutcome, outcomeText(Target{Outcome: Achieved}), ChangeValue{Outcome: Achieved}},
		{"outcome by hand", FieldOutcome, outcomeText(Target{Outcome: Missed, OutcomeByHand: true}), ChangeValue{Outcome: Missed, ByHand: true}},
		{"listing", FieldListed, listingText(Target{Year: 2024, List: CompleteList}), ChangeValue{Year: 2024, List: CompleteList}},
		{"percent", FieldPercent, percentText(&forty), ChangeValue{Percent: &forty}},
		{"no percent", FieldPercent, percentText(nil), ChangeValue{}},
		{"date", FieldActualStart, civil.Date{Year: 2024, Month: 2, Day: 29}.String(), ChangeValue{Date: civil.Date{Year: 2024, Month: 2, Day: 29}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := readValue(tc.field, tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("readValue(%q, %q) = %+v, want %+v", tc.field, tc.text, got, tc.want)
			}
		})
	}
}

func TestChangeReadsItsOwnField(t *testing.T) {
	c := Change{Field: FieldOutcome, OldValue: "pending", NewValue: "partial:by-hand"}
	if got, want := c.Old(), (ChangeValue{Outcome: Pending}); got != want {
		t.Errorf("Old() = %+v, want %+v", got, want)
	}
	if got, want := c.New(), (ChangeValue{Outcome: Partial, ByHand: true}); got != want {
		t.Errorf("New() = %+v, want %+v", got, want)
	}
}
