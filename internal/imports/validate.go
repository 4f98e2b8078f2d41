package imports

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

// MaxNameLength bounds a project name, in characters. The report's longest
// is under 30; a longer cell is usually several cells pasted into one.
const MaxNameLength = 200

// Code says what is wrong with a row.
type Code string

// The problems Validate and Preview find in a row; the import's preview
// also finds ArchivedProject. Each stops the row from being imported.
const (
	MissingName     Code = "missing_name"
	NameTooLong     Code = "name_too_long"
	TextTooLong     Code = "text_too_long"
	MissingList     Code = "missing_list"
	UnknownList     Code = "unknown_list"     // not 开工/竣工/start/complete
	UnknownCategory Code = "unknown_category" // given, but not 路桥轨隧水电 or road…power
	BadDate         Code = "bad_date"         // see ParseDate for the forms accepted
	// DeadlineOutsideYear is a deadline in another year than the list's:
	// a target of the 2023 list is due in 2023.
	DeadlineOutsideYear Code = "deadline_outside_year"
	// CompletionBeforeStart is a planned completion that is certainly
	// before the planned start.
	CompletionBeforeStart Code = "completion_before_start"
	// DuplicateRow is a row naming the same project on the same list as an
	// earlier row (Problem.Earlier), by normalised name or, once matched,
	// by project.
	DuplicateRow Code = "duplicate_row"
)

// Problem is one thing wrong with a row: what, in which column, with the
// value as the file has it.
type Problem struct {
	Row    int // the row number a spreadsheet shows
	Code   Code
	Column Column
	Value  string
	// Earlier is, for a DuplicateRow, the row it repeats.
	Earlier int
}

// Error describes the problem in English, for logs and tests; pages
// translate the Code.
func (p Problem) Error() string {
	s := fmt.Sprintf("row %d: %s: %s %q", p.Row, p.Code, p.Column, p.Value)
	if p.Earlier != 0 {
		s += fmt.Sprintf(" (as row %d)", p.Earlier)
	}
	return s
}

// Line is a row of the file read for import: the row as the file has it,
// what it says once parsed, its problems, and (after Preview) what
// importing it will do.
type Line struct {
	Row Row
	// Position is the row's place among the file's data rows, from 1: the
	// 序号 the file implies.
	Position int

	List     projects.List
	Name     string
	Category projects.Category
	// CategoryInferred marks a category the file did not give, inferred
	// from the name with projects.CategoryFromName.
	CategoryInferred bool
	Extent           string
	// ExtentInferred marks an extent the file did not give, taken from the
	// range in brackets in the name: 军工路-共青路 of 海安路（军工路-共青路）….
	ExtentInferred    bool
	Unit              string
	PlannedStart      civil.Date
	PlannedCompletion civil.Date
	// Deadline is the target's deadline when the file gives one; zero
	// means the default, the end of the year.
	Deadline civil.Date

	Problems []Problem

	Action Action
	// Match is the existing project the line resolves to, or is proposed
	// to: set for ActionExisting, ActionPropose and ActionListed.
	Match *Match
}

// Validate reads each row into a Line and records its problems: a missing
// name or list, an unknown list or category, a date ParseDate refuses, a
// deadline outside year (unless year is 0, unknown), a planned completion
// before the planned start, and a row repeating an earlier one (same list,
// same Normalize(name)). A missing category is inferred from the name.
// Validate does not look at existing projects; Preview does.
func Validate(year int, rows []Row) []Line {
	lines := make([]Line, len(rows))
	first := map[string]int{} // list and normalised name → row number
	for i, row := range rows {
		l := &lines[i]
		l.Row, l.Position = row, i+1
		problem := func(code Code, c Column) {
			l.Problems = append(l.Problems, Problem{Row: row.Number, Code: code, Column: c, Value: row.Cell(c)})
		}

		// A cell may hold a line break (Alt+Enter) or control characters;
		// names are one line, as the project form keeps them.
		l.Name = projects.CleanLine(row.Cell(NameColumn))
		switch {
		case l.Name == "":
			problem(MissingName, NameColumn)
		case utf8.RuneCountInString(l.Name) > MaxNameLength:
			problem(NameTooLong, NameColumn)
		}

		if v := row.Cell(ListColumn); v == "" {
			problem(MissingList, ListColumn)
		} else if list, ok := parseList(v); ok {
			l.List = list
		} else {
			problem(UnknownList, ListColumn)
		}

		if v := row.Cell(CategoryColumn); v != "" {
			if c, ok := parseCategory(v); ok {
				l.Category = c
			} else {
				problem(UnknownCategory, CategoryColumn)
			}
		} else if l.Name != "" {
			l.Category, l.CategoryInferred = projects.CategoryFromName(l.Name), true
		}

		l.Extent, l.Unit = projects.CleanLine(row.Cell(ExtentColumn)), projects.CleanLine(row.Cell(UnitColumn))
		if utf8.RuneCountInString(l.Extent) > projects.MaxShortTextLength {
			problem(TextTooLong, ExtentColumn)
		}
		if utf8.RuneCountInString(l.Unit) > projects.MaxShortTextLength {
			problem(TextTooLong, UnitColumn)
		}
		if l.Extent == "" {
			if e := extentOf(l.Name); e != "" {
				l.Extent, l.ExtentInferred = e, true
			}
		}

		for _, d := range []struct {
			column Column
			into   *civil.Date
		}{
			{PlannedStartColumn, &l.PlannedStart},
			{PlannedCompletionColumn, &l.PlannedCompletion},
			{DeadlineColumn, &l.Deadline},
		} {
			date, err := ParseDate(row.Cell(d.column))
			if err != nil {
				problem(BadDate, d.column)
				continue
			}
			*d.into = date
		}
		if year != 0 && !l.Deadline.IsZero() && l.Deadline.Year != year {
			problem(DeadlineOutsideYear, DeadlineColumn)
		}
		if !l.PlannedStart.IsZero() && !l.PlannedCompletion.IsZero() &&
			l.PlannedCompletion.Latest().Before(l.PlannedStart.Earliest()) {
			problem(CompletionBeforeStart, PlannedCompletionColumn)
		}

		if l.Name != "" && l.List != "" {
			key := string(l.List) + "\x00" + Normalize(l.Name)
			if earlier, seen := first[key]; seen {
				l.Problems = append(l.Problems, Problem{Row: row.Number, Code: DuplicateRow,
					Column: NameColumn, Value: l.Name, Earlier: earlier})
			} else {
				first[key] = row.Number
			}
		}
		if len(l.Problems) > 0 {
			l.Action = ActionError
		}
	}
	return lines
}

// parseList reads a list cell: 开工 or 竣工 as the report prints them, also
// within “双十” (“双十”开工, as Table 10's merged cells read), the codes start
// and complete in any case, and 完工, which people write for 竣工.
func parseList(s string) (projects.List, bool) {
	v := foldHeading(s)
	v = strings.TrimPrefix(v, "双十")
	v = strings.TrimSuffix(v, "项目")
	switch v {
	case "开工", "start":
		return projects.StartList, true
	case "竣工", "完工", "complete", "completion":
		return projects.CompleteList, true
	}
	return "", false
}

// categoryWords are the longer names a spreadsheet may give a category.
var categoryWords = map[string]projects.Category{
	"道路": projects.Road, "桥梁": projects.Bridge, "轨道": projects.Rail, "轨交": projects.Rail,
	"轨道交通": projects.Rail, "隧道": projects.Tunnel, "水务": projects.Water, "水利": projects.Water,
	"电力": projects.Power,
}

// parseCategory accepts what projects.ParseCategory does (路, road) in any
// case and width, and the longer words 道路, 桥梁, 轨道交通, 隧道, 水务, 电力.
func parseCategory(s string) (projects.Category, bool) {
	v := strings.ToLower(width.Fold.String(trim(s)))
	if c, ok := categoryWords[v]; ok {
		return c, true
	}
	c, err := projects.ParseCategory(v)
	return c, err == nil
}

var (
	// nameBrackets are the bracketed parts of a name as written.
	nameBrackets = regexp.MustCompile(`（([^（）]*)）|\(([^()]*)\)`)
	rangeDashes  = "-－—–―~～至"
)

// extentOf returns the first bracketed part of a name that is a range
// (军工路-共青路), as written, or "". A bracket without a range is a section
// (友谊物流段), a district (杨浦区) or a kind of works (土建), not an extent.
func extentOf(name string) string {
	for _, m := range nameBrackets.FindAllStringSubmatch(name, -1) {
		inner := m[1] + m[2]
		if strings.ContainsAny(inner, rangeDashes) {
			return trim(inner)
		}
	}
	return ""
}
