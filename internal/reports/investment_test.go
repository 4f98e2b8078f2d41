package reports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/money"
	"shuangshi/internal/site/sitetest"
)

// yearProjects are the project ids of a year's list, in its order, as the
// open data gives them.
func yearProjects(t *testing.T, b *sitetest.Browser, year string) []int64 {
	t.Helper()
	var doc struct {
		Targets []struct {
			Project struct {
				ID int64 `json:"id"`
			} `json:"project"`
		} `json:"targets"`
	}
	r := b.Get("/api/v1/years/" + year)
	sitetest.WantStatus(t, "the year's open data", r, http.StatusOK)
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, target := range doc.Targets {
		ids = append(ids, target.Project.ID)
	}
	return ids
}

// invested is a site on 1 June 2023 whose 2023 list has three projects
// with amounts chosen so that float64 sums would not be exact (0.1 + 0.2),
// and the others none, as the seed has.
func invested(t *testing.T) (*sitetest.Site, []int64) {
	t.Helper()
	site := sitetest.NewEditing(t)
	adm := site.SignIn(t, "adm", sitetest.Password)
	ids := yearProjects(t, site.NewBrowser(t), "2023")
	sitetest.Invest(t, adm, ids[0], sitetest.Investment{Total: "5,000", Year: 2023, Planned: "1234.56",
		Completed: map[string]string{"2023-04": "200", "2023-05": "333.33"}})
	sitetest.Invest(t, adm, ids[1], sitetest.Investment{Year: 2023, Planned: "0.1", Completed: map[string]string{"2023-05": "0.1"}})
	sitetest.Invest(t, adm, ids[2], sitetest.Investment{Year: 2023, Planned: "0.2"})
	return site, ids
}

// The sums the three projects' figures must add up to.
var (
	wantPlanned   = mustRead("1234.86") // 1234.56 + 0.1 + 0.2
	wantCompleted = mustRead("333.43")  // 333.33 + 0.1
)

func mustRead(s string) money.Amount {
	a, err := money.Read(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestTheReportsInvestmentPartIsASwitch(t *testing.T) {
	site, _ := invested(t)
	b := site.NewBrowser(t)

	plain := b.Get("/years/2023/report")
	sitetest.WantStatus(t, "the report", plain, http.StatusOK)
	if n := plain.Doc.Find(`[data-testid="report"] thead th`).Length(); n != 5 {
		t.Errorf("without the switch the table has %d columns, want the report's 5", n)
	}
	if plain.Doc.Find(`[data-testid="report-total"]`).Length() != 0 {
		t.Error("without the switch the table has a total row")
	}
	link := plain.Doc.Find(`[data-testid="investment-switch"] a`).AttrOr("href", "")
	if link != "/years/2023/report?investment=1" {
		t.Fatalf("the switch leads to %q", link)
	}

	with := b.Get(link)
	sitetest.WantStatus(t, "the report with investment", with, http.StatusOK)
	heads := sitetest.Text(with.Doc.Find(`[data-testid="report"] thead`))
	for _, want := range []string{"年度计划投资", "本年累计完成", "完成率", "序时进度"} {
		if !strings.Contains(heads, want) {
			t.Errorf("the headings %q lack %q", heads, want)
		}
	}
	if got := with.Doc.Find(`[data-testid="investment-switch"] a`).AttrOr("href", ""); got != "/years/2023/report" {
		t.Errorf("the switch back leads to %q", got)
	}
	for _, id := range []string{"xlsx", "csv"} {
		href := with.Doc.Find(`.report__downloads a[href*=".`+id+`"]`).AttrOr("href", "")
		if !strings.HasSuffix(href, "?investment=1") {
			t.Errorf("the %s download %q drops the switch", id, href)
		}
	}
	if got := sitetest.Text(with.Doc.Find(`[data-testid="total-planned"]`)); got != "1,234.86 万元" {
		t.Errorf("the total plan reads %q, want 1,234.86 万元", got)
	}
	if got := sitetest.Text(with.Doc.Find(`[data-testid="total-completed"]`)); got != "333.43 万元" {
		t.Errorf("the total completed reads %q, want 333.43 万元", got)
	}
	// As of May: 27.0% of 1234.56 done against 41.7% of the year is
	// yellow; 100% is green; nothing reported of 0.2 by April is red.
	if got := sitetest.Text(with.Doc.Find(`[data-testid="total-lights"]`)); !strings.Contains(got, "正常 1") || !strings.Contains(got, "滞后 1") || !strings.Contains(got, "严重滞后 1") || !strings.Contains(got, "未亮灯 17") {
		t.Errorf("the lights counted: %q", got)
	}
	rows := with.Doc.Find(`[data-testid="report-row"]`)
	first := sitetest.Text(rows.Eq(0))
	for _, want := range []string{"1,234.56 万元", "333.33 万元", "27.0%", "滞后"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first row %q lacks %q", first, want)
		}
	}
	// A seeded project without amounts says so, never 0.
	last := sitetest.Text(rows.Last())
	if !strings.Contains(last, "未填报") || strings.Contains(last, " 0 万元") {
		t.Errorf("a project without amounts reads %q", last)
	}

	bad := b.Get("/years/2023/report?investment=yes")
	sitetest.WantStatus(t, "a switch that is not 1 or 0", bad, http.StatusBadRequest)
}

// TestEveryExportOfTheInvestmentPartAddsUp reads the CSV and the workbook
// back in both languages, sums the rows with money.Read and compares them
// with the total row, and with the amounts given.
func TestEveryExportOfTheInvestmentPartAddsUp(t *testing.T) {
	site, _ := invested(t)
	for _, lang := range []struct{ code, total, notGiven string }{{"zh-CN", "合计", "未填报"}, {"en", "Total", "Not given"}} {
		t.Run(lang.code, func(t *testing.T) {
			b := site.NewBrowser(t)
			b.Header.Set("Accept-Language", lang.code)

			r := b.Get("/years/2023/report.csv?investment=1")
			sitetest.WantStatus(t, "the CSV", r, http.StatusOK)
			records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(records[0]) != 9 {
				t.Fatalf("the CSV has %d columns: %q", len(records[0]), records[0])
			}
			total := records[len(records)-1]
			if total[0] != lang.total {
				t.Fatalf("the last record %q is not the total", total)
			}
			var cells [][2]string
			for _, rec := range records[1 : len(records)-1] {
				cells = append(cells, [2]string{rec[5], rec[6]})
			}
			checkSums(t, "CSV", cells, [2]string{total[5], total[6]}, lang.notGiven)

			x := b.Get("/years/2023/report.xlsx?investment=1")
			sitetest.WantStatus(t, "the workbook", x, http.StatusOK)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			raw := func(ref string) string {
				v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			cells = nil
			line := 4
			for ; raw("A"+itoa(line)) != lang.total; line++ {
				if line > 100 {
					t.Fatal("the workbook has no total row")
				}
				cells = append(cells, [2]string{raw("F" + itoa(line)), raw("G" + itoa(line))})
			}
			checkSums(t, "workbook", cells, [2]string{raw("F" + itoa(line)), raw("G" + itoa(line))}, lang.notGiven)
			// The amounts are numbers shown with two decimals; the rate a
			// percentage.
			if typ, _ := f.GetCellType(sheet, "F4"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("an amount's cell is of type %v, want a number", typ)
			}
			if shown, _ := f.GetCellValue(sheet, "F"+itoa(line)); shown != "1,234.86" {
				t.Errorf("the total plan shows as %q, want 1,234.86", shown)
			}
			if shown, _ := f.GetCellValue(sheet, "H4"); shown != "27.0%" {
				t.Errorf("the first rate shows as %q, want 27.0%%", shown)
			}
		})
	}
}

// checkSums sums the plan and completed cells that hold amounts (the
// others say none was given, or are empty) and compares them with the
// total's, and with the amounts given.
func checkSums(t *testing.T, what string, cells [][2]string, total [2]string, notGiven string) {
	t.Helper()
	want := [2]money.Amount{wantPlanned, wantCompleted}
	for col := range 2 {
		var amounts []money.Amount
		for _, c := range cells {
			if c[col] == "" || c[col] == notGiven {
				continue
			}
			a, err := money.Read(c[col])
			if err != nil {
				t.Fatalf("%s: cell %q: %v", what, c[col], err)
			}
			amounts = append(amounts, a)
		}
		got, err := money.Read(total[col])
		if err != nil {
			t.Fatalf("%s: total %q: %v", what, total[col], err)
		}
		if sum := money.Sum(amounts...); sum != got || got != want[col] {
			t.Errorf("%s column %d: the rows add up to %s, the total reads %s, want %s", what, col, sum, got, want[col])
		}
	}
}

func TestAClosedYearsInvestmentPartNamesAProjectsFirstRow(t *testing.T) {
	site := sitetest.New(t)
	b := site.NewBrowser(t)
	page := b.Get("/years/2022/report?investment=1")
	sitetest.WantStatus(t, "the closed year with investment", page, http.StatusOK)
	rows := page.Doc.Find(`[data-testid="report-row"]`)
	// 顺平路 is row 1 (start) and row 13 (completion) of Table 5.
	if got := sitetest.Text(rows.Eq(12)); !strings.Contains(got, "金额见序号 1") {
		t.Errorf("row 13 reads %q, want it to name row 1", got)
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="total-planned"]`)); got != "未填报" {
		t.Errorf("the seed's total plan reads %q, want 未填报", got)
	}
	r := b.Get("/years/2022/report.csv?investment=1")
	sitetest.WantStatus(t, "the closed year's CSV", r, http.StatusOK)
	if !strings.Contains(r.Body, "金额见序号 1") || !strings.Contains(r.Body, "合计,,,,,未填报,未填报") {
		t.Errorf("the closed year's CSV:\n%s", r.Body)
	}
}

func itoa(n int) string { return sitetest.ID(int64(n)) }
