package imports

import (
	"errors"
	"slices"
	"testing"

	"shuangshi/internal/projects"
)

func actions(lines []Line) map[Action][]int {
	out := map[Action][]int{}
	for _, l := range lines {
		out[l.Action] = append(out[l.Action], l.Row.Number)
	}
	return out
}

func checkActions(t *testing.T, lines []Line, want map[Action][]int) {
	t.Helper()
	got := actions(lines)
	for _, a := range []Action{ActionNew, ActionExisting, ActionPropose, ActionListed, ActionError} {
		if !slices.Equal(got[a], want[a]) {
			t.Errorf("%s: got rows %v, want %v", a, got[a], want[a])
		}
	}
}

// TestPreviewTable10 imports Table 10 over the 2022 record, answers the
// proposals, stores the result as the lead's store would, and imports the
// same file again: the second time nothing changes.
func TestPreviewTable10(t *testing.T) {
	ids := projectIDs(t)
	candidates := candidates2022(t)
	sheet, err := Parse(t.Context(), "表十.xlsx", table10XLSX(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := Preview(2023, sheet.Rows, candidates, nil)
	// Rows 3–12 are the start list, 13–22 the completion list. Row 14 is
	// 海安路 and row 20 the storage project, renamed since 2022; rows 17
	// and 21 are 安浦路 and 平定路, named as in 2022.
	checkActions(t, lines, map[Action][]int{
		ActionNew:      {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19, 22},
		ActionExisting: {17, 21},
		ActionPropose:  {14, 20},
	})
	for row, want := range map[int]string{14: "haian-road", 17: "anpu-road", 20: "xinjiangwan-storage", 21: "pingding-drainage"} {
		l := lines[row-3]
		if l.Match == nil || l.Match.Candidate.ProjectID != ids[want] {
			t.Errorf("row %d: got match %+v, want %s", row, l.Match, want)
		}
	}
	if m := lines[14-3].Match; m.MatchedName != "海安路（军工路-共青路）道路整治工程" || m.Score != 1 || m.Exact {
		t.Errorf("row 14: got %+v", m)
	}
	if m := lines[20-3].Match; m.Score < 0.8 || m.Score > 0.85 {
		t.Errorf("row 20: got score %.3f, want about 0.82", m.Score)
	}
	for _, l := range lines {
		// Table 10 gives no categories: every one is inferred.
		if !l.CategoryInferred || l.Category == "" {
			t.Errorf("row %d: category %q, inferred %v", l.Row.Number, l.Category, l.CategoryInferred)
		}
	}
	summary := Summarize(lines, nil)
	wantSummary := Summary{
		Lists: []ListSummary{
			{List: projects.StartList, New: 10, Total: 10},
			{List: projects.CompleteList, New: 6, Existing: 2, Proposed: 2, Total: 10},
		},
		Proposals: 2,
	}
	if !equalSummary(summary, wantSummary) {
		t.Errorf("summary:\ngot  %+v\nwant %+v", summary, wantSummary)
	}

	// The admin says yes to both.
	lines, err = Confirm(lines, nil, map[int]bool{14: true, 20: true})
	if err != nil {
		t.Fatal(err)
	}
	checkActions(t, lines, map[Action][]int{
		ActionNew:      {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19, 22},
		ActionExisting: {14, 17, 20, 21},
	})

	// Store it: a project for each new line, a target for every line,
	// under the name the file gives.
	var listed []Listed
	next := int64(100)
	for _, l := range lines {
		var id int64
		switch l.Action {
		case ActionNew:
			next++
			id = next
			candidates = append(candidates, Candidate{ProjectID: id, Name: l.Name})
		case ActionExisting:
			id = l.Match.Candidate.ProjectID
		default:
			t.Fatalf("row %d: %s", l.Row.Number, l.Action)
		}
		listed = append(listed, Listed{ProjectID: id, List: l.List})
		for i := range candidates {
			if candidates[i].ProjectID == id {
				candidates[i].ListedNames = append(candidates[i].ListedNames, l.Name)
			}
		}
	}

	// The same file again changes nothing.
	again := Preview(2023, sheet.Rows, candidates, listed)
	checkActions(t, again, map[Action][]int{ActionListed: seq(3, 22)})
	summary = Summarize(again, listed)
	wantSummary = Summary{Lists: []ListSummary{
		{List: projects.StartList, Listed: 10, Total: 10},
		{List: projects.CompleteList, Listed: 10, Total: 10},
	}}
	if !equalSummary(summary, wantSummary) {
		t.Errorf("summary of the second import:\ngot  %+v\nwant %+v", summary, wantSummary)
	}
}

func equalSummary(a, b Summary) bool {
	return slices.Equal(a.Lists, b.Lists) && a.Errors == b.Errors && a.Proposals == b.Proposals && slices.Equal(a.Warnings, b.Warnings)
}

func TestPreviewSameProjectTwice(t *testing.T) {
	haian := Candidate{ProjectID: 3, Name: "海安路（军工路-共青路）道路综合整治工程", ListedNames: []string{"海安路（军工路-共青路）道路整治工程"}}
	lines := Preview(2023, rows([]Column{ListColumn, NameColumn},
		[]string{"竣工", "海安路（军工路-共青路）道路整治工程"},
		[]string{"开工", "海安路（军工路-共青路）道路综合整治工程"}, // the other list: fine
		[]string{"竣工", "海安路（军工路-共青路）道路综合整治工程"}, // the same project on the same list
	), []Candidate{haian}, nil)
	checkActions(t, lines, map[Action][]int{ActionExisting: {2, 3}, ActionError: {4}})
	want := []Problem{{Row: 4, Code: DuplicateRow, Column: NameColumn, Value: "海安路（军工路-共青路）道路综合整治工程", Earlier: 2}}
	if !slices.Equal(lines[2].Problems, want) {
		t.Errorf("got %v, want %v", lines[2].Problems, want)
	}
}

func TestConfirm(t *testing.T) {
	haian := Candidate{ProjectID: 3, Name: "海安路（军工路-共青路）道路整治工程"}
	storage := Candidate{ProjectID: 16, Name: "排水泵站控污调蓄设施建设工程"}
	columns := []Column{ListColumn, NameColumn}
	preview := func(listed []Listed, names ...string) []Line {
		var values [][]string
		for _, n := range names {
			values = append(values, []string{"竣工", n})
		}
		lines := Preview(2023, rows(columns, values...), []Candidate{haian, storage}, listed)
		for _, l := range lines {
			if l.Action != ActionPropose {
				t.Fatalf("row %d: got %s, want a proposal", l.Row.Number, l.Action)
			}
		}
		return lines
	}
	const (
		haian2023   = "海安路（军工路-共青路）道路综合整治工程"
		storage2023 = "新江湾东排水泵站控污调蓄设施建设工程"
	)

	t.Run("yes and no", func(t *testing.T) {
		lines := preview(nil, haian2023, storage2023)
		got, err := Confirm(lines, nil, map[int]bool{2: true, 3: false})
		if err != nil {
			t.Fatal(err)
		}
		checkActions(t, got, map[Action][]int{ActionExisting: {2}, ActionNew: {3}})
		if got[1].Match != nil {
			t.Errorf("row 3: got match %+v after no", got[1].Match)
		}
		if lines[0].Action != ActionPropose {
			t.Error("Confirm changed the lines it was given")
		}
	})
	t.Run("unanswered", func(t *testing.T) {
		_, err := Confirm(preview(nil, haian2023, storage2023), nil, map[int]bool{2: true})
		if !errors.Is(err, ErrUnanswered) {
			t.Fatalf("got %v, want ErrUnanswered", err)
		}
	})
	t.Run("yes to a project already on the list", func(t *testing.T) {
		listed := []Listed{{ProjectID: 3, List: projects.CompleteList}}
		got, err := Confirm(preview(listed, haian2023), listed, map[int]bool{2: true})
		if err != nil {
			t.Fatal(err)
		}
		checkActions(t, got, map[Action][]int{ActionListed: {2}})
	})
	t.Run("yes twice to one project", func(t *testing.T) {
		got, err := Confirm(preview(nil, haian2023, "海安路(军工路-共青路)道路整治提升工程"), nil, map[int]bool{2: true, 3: true})
		if err != nil {
			t.Fatal(err)
		}
		checkActions(t, got, map[Action][]int{ActionExisting: {2}, ActionError: {3}})
		if p := got[1].Problems; len(p) != 1 || p[0].Code != DuplicateRow || p[0].Earlier != 2 {
			t.Errorf("got %v, want a duplicate of row 2", p)
		}
	})
}

func TestSummarizeWarnings(t *testing.T) {
	columns := []Column{ListColumn, NameColumn}
	var values [][]string
	for _, st := range seedTargets(t, 2023)[:19] { // one completion row short
		word := "开工"
		if st.List == projects.CompleteList {
			word = "竣工"
		}
		values = append(values, []string{word, st.ListedName})
	}
	values = append(values, []string{"开工", ""}) // and a row in error
	lines := Preview(2023, rows(columns, values...), nil, nil)
	got := Summarize(lines, nil)
	want := Summary{
		Lists: []ListSummary{
			{List: projects.StartList, New: 10, Errs: 1, Total: 10},
			{List: projects.CompleteList, New: 9, Total: 9},
		},
		Errors:   1,
		Warnings: []Warning{{Code: WrongListSize, List: projects.CompleteList, Count: 9, Want: ListSize}},
	}
	if !equalSummary(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	// Ten already on the start list and one more in the file: eleven.
	var listed []Listed
	for id := range int64(10) {
		listed = append(listed, Listed{ProjectID: id + 1, List: projects.StartList})
	}
	lines = Preview(2023, rows(columns, []string{"开工", "甲路道路新建工程"}), nil, listed)
	got = Summarize(lines, listed)
	want = Summary{
		Lists: []ListSummary{
			{List: projects.StartList, New: 1, Total: 11},
			{List: projects.CompleteList},
		},
		Warnings: []Warning{
			{Code: WrongListSize, List: projects.StartList, Count: 11, Want: ListSize},
			{Code: WrongListSize, List: projects.CompleteList, Count: 0, Want: ListSize},
		},
	}
	if !equalSummary(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}
