package imports

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"

	"shuangshi/internal/projects"
)

// seedTarget is a row of data/seed/targets.csv: a project on a year's list,
// under the name that year's table printed.
type seedTarget struct {
	Year       int
	List       projects.List
	Project    string // the project's key in projects.csv
	ListedName string
}

func readSeedCSV(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open("../../data/seed/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records[1:]
}

func seedTargets(t testing.TB, year int) []seedTarget {
	t.Helper()
	var out []seedTarget
	for _, r := range readSeedCSV(t, "targets.csv") {
		y, err := strconv.Atoi(r[0])
		if err != nil {
			t.Fatal(err)
		}
		list, err := projects.ParseList(r[2])
		if err != nil {
			t.Fatal(err)
		}
		if y == year {
			out = append(out, seedTarget{Year: y, List: list, Project: r[3], ListedName: r[4]})
		}
	}
	if len(out) != 20 {
		t.Fatalf("got %d targets for %d in the seed, want 20", len(out), year)
	}
	return out
}

// projectIDs numbers the seed's projects from 1 in the order of projects.csv.
func projectIDs(t *testing.T) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for i, r := range readSeedCSV(t, "projects.csv") {
		ids[r[0]] = int64(i + 1)
	}
	return ids
}

// candidates2022 are the projects on record before the 2023 list is
// imported: those of the 2022 lists, named as 2022 listed them.
func candidates2022(t *testing.T) []Candidate {
	t.Helper()
	ids := projectIDs(t)
	var out []Candidate
	seen := map[string]bool{}
	for _, st := range seedTargets(t, 2022) {
		if seen[st.Project] {
			continue
		}
		seen[st.Project] = true
		out = append(out, Candidate{ProjectID: ids[st.Project], Name: st.ListedName, ListedNames: []string{st.ListedName}})
	}
	return out
}

// listWord is the list as Table 10 prints it in its merged cells.
func listWord(l projects.List) string {
	if l == projects.StartList {
		return "“双十”\n开工"
	}
	return "“双十”\n竣工"
}

// table10XLSX builds Table 10 of the report as a workbook laid out like the
// printed table: a title row merged across, a header row with 项目名称 over
// the names and nothing over the list column, and the list column merged
// down each list (“双十” 开工 over rows 3–12, “双十” 竣工 over rows 13–22).
// Some names carry the leading space of the printed table, one a full-width
// one.
func table10XLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(from, to string) {
		t.Helper()
		if err := f.MergeCell(sheet, from, to); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "表十 2023 年区“双十”项目")
	merge("A1", "B1")
	set("B2", "项目名称")
	for i, st := range seedTargets(t, 2023) {
		row := i + 3
		name := st.ListedName
		switch i {
		case 0:
			name = " " + name
		case 1:
			name = "\u3000" + name + " "
		}
		set("B"+strconv.Itoa(row), name)
	}
	set("A3", listWord(projects.StartList))
	merge("A3", "A12")
	set("A13", listWord(projects.CompleteList))
	merge("A13", "A22")
	return xlsxBytes(t, f)
}

func xlsxBytes(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newXLSX builds a one-sheet workbook from rows of cell values.
func newXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	return xlsxBytes(t, f)
}

// table10CSV is Table 10 as a CSV file with a title line: 年度目标 and
// 项目名称 columns, the list written 开工 or 竣工 in every row.
func table10CSV(t testing.TB) string {
	t.Helper()
	records := [][]string{{"表十 2023 年区“双十”项目"}, {"年度目标", "项目名称"}}
	for _, st := range seedTargets(t, 2023) {
		word := "开工"
		if st.List == projects.CompleteList {
			word = "竣工"
		}
		records = append(records, []string{word, st.ListedName})
	}
	return csvText(t, records)
}

func csvText(t testing.TB, records [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true // as Excel writes it
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowNumbers returns the Number of each row.
func rowNumbers(rows []Row) []int {
	var out []int
	for _, r := range rows {
		out = append(out, r.Number)
	}
	return out
}

// seq returns from, from+1, …, to.
func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// rows builds Rows numbered from 2, under a header in row 1, from cells
// given column by column.
func rows(columns []Column, values ...[]string) []Row {
	var out []Row
	for i, v := range values {
		r := Row{Number: i + 2, Cells: map[Column]string{}}
		for j, c := range columns {
			if j < len(v) {
				r.Cells[c] = v[j]
			}
		}
		out = append(out, r)
	}
	return out
}
