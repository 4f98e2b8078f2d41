package reports

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shuangshi/data"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// seeded returns the year-end entries of a year of the seed, as the
// site serves them: a closed year's from the table kept at its close.
func seeded(t *testing.T, year int) []projects.YearEndEntry {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "r.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store := projects.NewStore(db, time.Now)
	dataset, err := projects.ReadDataset(data.Seed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Seed(ctx, "test", dataset); err != nil {
		t.Fatal(err)
	}
	if err := store.AdoptYears(ctx, civil.Date{Year: 2026, Month: time.December, Day: 1}); err != nil {
		t.Fatal(err)
	}
	y, err := store.Year(ctx, year, projects.ThePublic)
	if err != nil {
		t.Fatal(err)
	}
	if y.State == projects.Closed {
		entries, err := projects.ClosedTable(y.YearList)
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	return projects.YearEnd(y.Targets)
}

// table5 is Table 5 of the report as printed: 类别 (merged), 序号,
// 项目名称, 年度目标, 推进情况.
var table5 = [][5]string{
	{"路", "1", "顺平路（爱国路-白洋淀小区）新建工程", "开工", "已开工"},
	{"", "2", "通北路（周家嘴路-唐山路）改建工程", "开工", "已开工"},
	{"", "3", "海安路（军工路-共青路）道路整治工程", "开工", "已开工"},
	{"", "4", "规划双阳路（龙口路—平凉路）道路新建工程", "开工", "已开工"},
	{"", "5", "通北路(平凉路—惠民路)道路新建工程", "开工", "已开工"},
	{"", "6", "安浦路（双阳南路-平定路）道路新建工程", "开工", "已开工"},
	{"", "7", "淞沪路（政通路-环岛）道路综合整治工程", "竣工", "已竣工"},
	{"", "8", "政治路黑山路道路新建工程", "竣工", "已竣工"},
	{"", "9", "绥芬河路（国江路—政涟路）道路新建工程", "竣工", "已竣工"},
	{"", "10", "河间路（眉州路—兰州路桥）道路改建工程", "竣工", "已竣工"},
	{"", "11", "路网一期（丹东路）", "竣工", "已竣工"},
	{"", "12", "眉州路（周家嘴路—九潭路）道路新建工程", "竣工", "已完成除北横通道借地范围的其它工程"},
	{"", "13", "顺平路（爱国路-白洋淀小区）新建工程", "竣工", "已完工"},
	{"隧", "14", "杨浦滨江下穿渭南南路通道工程", "竣工", "已完工"},
	{"", "15", "隆昌路越江隧道", "开工", "已开工"},
	{"水", "16", "排水泵站控污调蓄设施建设工程", "开工", "新江湾城东调蓄池工程已开工"},
	{"", "17", "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", "开工", "已开工"},
	{"", "18", "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", "竣工", "已完工"},
	{"", "19", "杨浦滨江平定路综合排水工程", "开工", "已开工"},
	{"电", "20", "昆明路 110 千伏变电站", "竣工", "已竣工"},
}

var chars = map[projects.Category]string{projects.Road: "路", projects.Tunnel: "隧", projects.Water: "水", projects.Power: "电", projects.Rail: "轨"}
var words = map[projects.List]string{projects.StartList: "开工", projects.CompleteList: "竣工"}

func TestTableReproducesTable5(t *testing.T) {
	rows := Table(seeded(t, 2022))
	if len(rows) != len(table5) {
		t.Fatalf("%d rows, want %d", len(rows), len(table5))
	}
	spans := map[string]int{"路": 13, "隧": 2, "水": 4, "电": 1}
	for i, want := range table5 {
		r := rows[i]
		category := ""
		if r.CategoryRows > 0 {
			category = chars[r.Category]
			if r.CategoryRows != spans[category] {
				t.Errorf("row %d: %s spans %d rows, want %d", i+1, category, r.CategoryRows, spans[category])
			}
		}
		got := [5]string{category, strconv.Itoa(r.Number), r.Name, words[r.List], r.Progress}
		if got != want {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got, want)
		}
	}
}

func TestTableGroupsAnUngroupedList(t *testing.T) {
	// Table 10 numbers its lists start first; the year-end table groups by
	// category and numbers down the table.
	rows := Table(seeded(t, 2023))
	var order string
	for i, r := range rows {
		if r.Number != i+1 {
			t.Fatalf("row %d is numbered %d", i+1, r.Number)
		}
		if r.CategoryRows > 0 {
			order += chars[r.Category] + strconv.Itoa(r.CategoryRows)
		}
	}
	if order != "路10轨1水6电3" {
		t.Errorf("groups %s, want 路10轨1水6电3", order)
	}
}

func TestWorkbookReadsBackAsTable5(t *testing.T) {
	rows := Table(seeded(t, 2022))
	body, err := Workbook(rows, nil, Labels{
		Title: "2022年区“双十”项目进展情况", AsOf: "数据截至 2023年1月4日",
		Headings: [5]string{"类别", "序号", "项目名称", "年度目标", "推进情况"}, Sheet: "2022年进展情况",
		Category: func(r Row) string { return chars[r.Category] },
		List:     func(r Row) string { return words[r.List] },
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	cell := func(ref string) string {
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if cell("A1") != "2022年区“双十”项目进展情况" || cell("A3") != "类别" || cell("E3") != "推进情况" {
		t.Errorf("title and headings: %q, %q, %q", cell("A1"), cell("A3"), cell("E3"))
	}
	group := ""
	for i, want := range table5 {
		line := strconv.Itoa(4 + i)
		got := [5]string{cell("A" + line), cell("B" + line), cell("C" + line), cell("D" + line), cell("E" + line)}
		// A cell inside a merged range reads as the range's value.
		if want[0] != "" {
			group = want[0]
		}
		want[0] = group
		if got != want {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got, want)
		}
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range merged {
		got[m.GetStartAxis()] = m.GetEndAxis()
	}
	for start, end := range map[string]string{"A1": "E1", "A2": "E2", "A4": "A16", "A17": "A18", "A19": "A22"} {
		if got[start] != end {
			t.Errorf("merged from %s to %q, want %s", start, got[start], end)
		}
	}
	if _, single := got["A23"]; single || len(merged) != 5 {
		t.Errorf("merged cells %v: want the title, the date and the three categories of more than one row", got)
	}
	if w, _ := f.GetColWidth(sheet, "C"); w < 40 {
		t.Errorf("the name column is %.0f wide", w)
	}
}
