package projects

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
)

// updatable stores a project like editable's (started on the 2023 start
// list, due at the end of 2023, no progress yet) and returns it as read.
func updatable(t *testing.T, s *Store) Project {
	t.Helper()
	ctx := context.Background()
	p, err := s.CreateProject(ctx, Project{Name: "甲路", Category: Road, Milestones: editable().Milestones}, auth.Actor{Name: "adm"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddTargets(ctx, []NewTarget{{Year: 2023, List: StartList, ProjectID: p.ID}}, auth.Actor{Name: "adm"}); err != nil {
		t.Fatal(err)
	}
	if p, err = s.Project(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

// progressField is the name of the progress field of p's only target.
func progressField(p Project) string { return "progress-" + strconv.FormatInt(p.Targets[0].ID, 10) }

// editPage is what the edit page of p posts with the fields in typed
// changed: every field, each with the value it was loaded with as its base.
func editPage(p Project, typed map[string]string) url.Values {
	f := FormOf(p)
	values := url.Values{"version": {f.Version}, "base-version": {f.Version}}
	for key, v := range f.Fields() {
		values.Set(key, v)
		values.Set("base-"+key, v)
	}
	for key, v := range typed {
		values.Set(key, v)
	}
	return values
}

// quickForm is what the quick update of p on My projects posts with
// progress typed: the progress of the next target and its base alone.
func quickForm(p Project, progress string) url.Values {
	f := FormOf(p)
	key := progressField(p)
	return url.Values{
		"version": {f.Version}, "base-version": {f.Version},
		key: {progress}, "base-" + key: {f.Fields()[key]},
	}
}

func TestUpdate(t *testing.T) {
	afterDeadline := day(2024, time.January, 2)
	tests := []struct {
		name string
		// othersSave is what someone else saves from the page p was loaded
		// with, before the form comes (nil: nobody does).
		othersSave func(p Project) map[string]string
		// readFirst reads the project before the others save, as a request
		// that races them does; otherwise after, as one that comes later.
		readFirst    bool
		post         func(p Project) url.Values
		today        civil.Date // zero for midYear
		onCleanMerge OnCleanMerge

		wantOutcome  string            // "saved", "refused" or "conflict"
		wantProblems map[string]string // message ids by field
		// wantNeedsDelayReason is what the problem the quick update shows
		// says of the delay reason.
		wantNeedsDelayReason bool
		wantClashes          []string // by field, with the target's id as "ID"
		wantTaken            []string
		wantChanges          []string // the fields of the history's new entries
		wantProgress         string   // stored afterwards
		wantNote             string
	}{
		{
			name: "saved from the edit page",
			post: func(p Project) url.Values {
				return editPage(p, map[string]string{progressField(p): "已开工", "percent": "10"})
			},
			onCleanMerge: ReviewMerge,
			wantOutcome:  "saved", wantChanges: []string{FieldPercent, FieldProgress},
			wantProgress: "已开工",
		},
		{
			name:         "saved from the quick update",
			post:         func(p Project) url.Values { return quickForm(p, "已开工") },
			onCleanMerge: SaveMerge,
			wantOutcome:  "saved", wantChanges: []string{FieldProgress},
			wantProgress: "已开工",
		},
		{
			name:         "nothing changed is saved all the same",
			post:         func(p Project) url.Values { return editPage(p, nil) },
			onCleanMerge: ReviewMerge,
			wantOutcome:  "saved",
		},
		{
			name: "a problem by field",
			post: func(p Project) url.Values {
				return editPage(p, map[string]string{"percent": "101", progressField(p): "已开工"})
			},
			onCleanMerge: ReviewMerge,
			wantOutcome:  "refused", wantProblems: map[string]string{"percent": "edit.percent_range"},
		},
		{
			name:         "an overdue target without a delay reason, from the quick update",
			post:         func(p Project) url.Values { return quickForm(p, "验收中") },
			today:        afterDeadline,
			onCleanMerge: SaveMerge,
			wantOutcome:  "refused", wantProblems: map[string]string{"delay_reason": "edit.delay_reason_overdue"},
			wantNeedsDelayReason: true,
		},
		{
			name:         "an overdue target with a delay reason, from the edit page",
			post:         func(p Project) url.Values { return editPage(p, map[string]string{"delay_reason": "拆迁"}) },
			today:        afterDeadline,
			onCleanMerge: ReviewMerge,
			wantOutcome:  "saved", wantChanges: []string{FieldDelayReason},
		},
		{
			name:         "a stale version merged without clashes, from the quick update, is saved",
			othersSave:   func(Project) map[string]string { return map[string]string{"internal_note": "协调中"} },
			post:         func(p Project) url.Values { return quickForm(p, "已开工") },
			onCleanMerge: SaveMerge,
			wantOutcome:  "saved", wantChanges: []string{FieldProgress},
			wantProgress: "已开工", wantNote: "协调中",
		},
		{
			name:         "a stale version merged without clashes, from the edit page, is shown for review",
			othersSave:   func(Project) map[string]string { return map[string]string{"internal_note": "协调中"} },
			post:         func(p Project) url.Values { return editPage(p, map[string]string{progressField(p): "已开工"}) },
			onCleanMerge: ReviewMerge,
			wantOutcome:  "conflict", wantTaken: []string{"internal_note"},
			wantNote: "协调中",
		},
		{
			name:         "a stale version with a clash, from the quick update",
			othersSave:   func(p Project) map[string]string { return map[string]string{progressField(p): "设计中"} },
			post:         func(p Project) url.Values { return quickForm(p, "已开工") },
			onCleanMerge: SaveMerge,
			wantOutcome:  "conflict", wantClashes: []string{"progress-ID"},
			wantProgress: "设计中",
		},
		{
			name: "a stale version with a clash, from the edit page",
			othersSave: func(p Project) map[string]string {
				return map[string]string{progressField(p): "设计中", "internal_note": "协调中"}
			},
			post: func(p Project) url.Values {
				return editPage(p, map[string]string{progressField(p): "已开工", "percent": "10"})
			},
			onCleanMerge: ReviewMerge,
			wantOutcome:  "conflict", wantClashes: []string{"progress-ID"}, wantTaken: []string{"internal_note"},
			wantProgress: "设计中", wantNote: "协调中",
		},
		{
			name:         "someone saves while the form is saved",
			othersSave:   func(p Project) map[string]string { return map[string]string{progressField(p): "设计中"} },
			readFirst:    true,
			post:         func(p Project) url.Values { return quickForm(p, "已开工") },
			onCleanMerge: SaveMerge,
			wantOutcome:  "conflict", wantClashes: []string{"progress-ID"},
			wantProgress: "设计中",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := newTestStore(t)
			loaded := updatable(t, s)
			today := midYear
			if !tc.today.IsZero() {
				today = tc.today
			}
			p := loaded
			if tc.othersSave != nil {
				other, err := s.Update(ctx, loaded, ParseEditForm(editPage(loaded, tc.othersSave(loaded)), loaded), auth.Actor{Name: "wang"}, FinishedKept, today, ReviewMerge)
				if err != nil || len(other.Changes) == 0 {
					t.Fatalf("someone else's save: %+v, %v", other, err)
				}
				if !tc.readFirst {
					p = other.Saved
				}
			}
			id := strconv.FormatInt(loaded.Targets[0].ID, 10)
			before, err := s.Project(ctx, loaded.ID)
			if err != nil {
				t.Fatal(err)
			}

			posted := tc.post(loaded)
			got, err := s.Update(ctx, p, ParseEditForm(posted, p), auth.Actor{Name: "li"}, FinishedKept, today, tc.onCleanMerge)
			if err != nil {
				t.Fatal(err)
			}

			outcome := "saved"
			switch {
			case len(got.Problems) > 0:
				outcome = "refused"
			case got.Conflict != nil:
				outcome = "conflict"
			}
			if outcome != tc.wantOutcome {
				t.Fatalf("outcome %s (%+v), want %s", outcome, got, tc.wantOutcome)
			}
			problems := map[string]string{}
			for field, problem := range got.Problems {
				problems[field] = problem.ID
			}
			if len(problems) != len(tc.wantProblems) {
				t.Errorf("problems %v, want %v", problems, tc.wantProblems)
			}
			for field, want := range tc.wantProblems {
				if problems[field] != want {
					t.Errorf("problem of %s = %q, want %q", field, problems[field], want)
				}
			}
			if len(got.Problems) > 0 && got.Problems.first(got.Form).NeedsDelayReason != tc.wantNeedsDelayReason {
				t.Errorf("the problem shown: %+v, want NeedsDelayReason %v", got.Problems.first(got.Form), tc.wantNeedsDelayReason)
			}
			if got.Conflict != nil {
				var clashes, taken []string
				for _, key := range got.Conflict.Clashes {
					clashes = append(clashes, strings.ReplaceAll(key, id, "ID"))
				}
				for _, key := range got.Conflict.Taken {
					taken = append(taken, strings.ReplaceAll(key, id, "ID"))
				}
				if !slices.Equal(clashes, tc.wantClashes) || !slices.Equal(taken, tc.wantTaken) {
					t.Errorf("clashes %q and taken %q, want %q and %q", clashes, taken, tc.wantClashes, tc.wantTaken)
				}
				// The merge keeps what the user typed and takes the rest
				// from the version stored now, which it is made on.
				merged := got.Conflict.Merged
				if typed := posted.Get(progressField(loaded)); merged.Targets[0].Progress != typed || got.Form.Targets[0].Progress != typed {
					t.Errorf("the typed progress %q became %q, and %q in the form", typed, merged.Targets[0].Progress, got.Form.Targets[0].Progress)
				}
				if merged.Version != strconv.FormatInt(before.Version, 10) || merged.InternalNote != before.InternalNote {
					t.Errorf("the merge is not made on the stored version: %+v", merged)
				}
			}
			var changed []string
			for _, c := range got.Changes {
				changed = append(changed, c.Field)
			}
			if !slices.Equal(changed, tc.wantChanges) {
				t.Errorf("changes %q, want %q", changed, tc.wantChanges)
			}

			stored, err := s.Project(ctx, loaded.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Targets[0].Progress != tc.wantProgress || stored.InternalNote != tc.wantNote {
				t.Errorf("stored progress %q and note %q, want %q and %q", stored.Targets[0].Progress, stored.InternalNote, tc.wantProgress, tc.wantNote)
			}
			wantVersion := before.Version
			if len(tc.wantChanges) > 0 {
				wantVersion++
			}
			if stored.Version != wantVersion || (outcome == "saved" && got.Saved.Version != wantVersion) {
				t.Errorf("stored version %d, saved %d, want %d", stored.Version, got.Saved.Version, wantVersion)
			}
		})
	}
}
