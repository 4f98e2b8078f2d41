// Package imports reads a year's 双十 list from a spreadsheet the admin
// uploads, shaped like Table 10 of the district's report, and works out,
// before anything is saved, what importing it would do: which rows are new
// projects, which name a project already on record, which only look like one
// and need the admin's yes or no, which are already on the list, and what is
// wrong with the rest, each with the row number a spreadsheet program shows.
//
// Reading and matching are plain functions: they read bytes and compare
// names, and touch no database. The uploads' store (store.go) keeps a
// parsed sheet between its preview and the confirmation, and the
// administrators' pages (handlers.go) run the steps, in order:
//
//	sheet, err := imports.Parse(ctx, filename, data) // XLSX or CSV into rows
//	lines := imports.Preview(year, sheet.Rows, candidates, listed)
//	summary := imports.Summarize(lines, listed) // counts and warnings
//	// the admin answers each ActionPropose line, then:
//	lines, err = imports.Confirm(lines, listed, answers)
package imports

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Limits of an upload.
const (
	// MaxFileSize bounds the bytes Parse accepts. A Table 10 with a
	// thousand rows is well under 100 KB as XLSX or CSV; handlers should cut
	// the request body at this size too.
	MaxFileSize = 4 << 20
	// MaxRows bounds the data rows of a sheet. A year's list has twenty;
	// a thousand leaves room for a several years' table while keeping the
	// preview page readable.
	MaxRows = 1000
	// HeaderSearchRows is how many rows from the top are searched for the
	// header row: a title row (表十 2023 年区“双十”项目) and a note or two may
	// come first.
	HeaderSearchRows = 10
)

// The errors Parse returns. Each is wrapped with detail for the log; test
// with errors.Is.
var (
	// ErrEmpty is returned for an empty file or a sheet with a header and
	// no data rows.
	ErrEmpty = errors.New("the file has no data rows")
	// ErrNotSpreadsheet is returned for content that is neither an XLSX
	// workbook nor text in CSV form: binary junk, a PDF, an HTML page.
	ErrNotSpreadsheet = errors.New("the file is not an XLSX or CSV spreadsheet")
	// ErrLegacyExcel is returned for an Excel 97–2003 (.xls) workbook or an
	// encrypted one, which share a container format. It wraps
	// ErrNotSpreadsheet; the admin should save the file as .xlsx.
	ErrLegacyExcel = fmt.Errorf("%w: an .xls or encrypted workbook: save it as .xlsx without a password", ErrNotSpreadsheet)
	// ErrNoHeader is returned when none of the first HeaderSearchRows rows
	// holds both a list column (年度目标, “双十”, list) and a name column
	// (项目名称, name). Headings lists the headings each column accepts.
	ErrNoHeader = fmt.Errorf("no header row with a list column (年度目标, “双十”, list) and a name column (项目名称, name) in the first %d rows", HeaderSearchRows)
	// ErrTooManyRows is returned when a sheet has more than MaxRows data
	// rows.
	ErrTooManyRows = fmt.Errorf("more than %d data rows", MaxRows)
	// ErrTooLarge is returned when the file is over MaxFileSize bytes, or
	// an XLSX workbook unzips to more than its limit.
	ErrTooLarge = errors.New("the file is too large")
	// ErrBeyondColumns is returned for an XLSX cell, even an empty one,
	// beyond the last column the import reads (LastColumn). The error is a
	// *CellError naming the cell.
	ErrBeyondColumns = fmt.Errorf("a cell beyond column %s, the last the import reads", LastColumn)
	// ErrTooManyCells is returned when an XLSX sheet has more than
	// MaxCells cells with a value in the rows and columns the import
	// reads.
	ErrTooManyCells = fmt.Errorf("more than %d cells with a value", MaxCells)
	// ErrTooManyMerges is returned when an XLSX sheet has more than
	// MaxMerges merged ranges.
	ErrTooManyMerges = fmt.Errorf("more than %d merged ranges", MaxMerges)
	// ErrTooMuchText is returned when the cells read hold more than
	// MaxTextMB megabytes of text.
	ErrTooMuchText = fmt.Errorf("more than %d MB of text in the cells", MaxTextMB)
	// ErrTooSlow is returned when reading the file takes longer than
	// ParseTime.
	ErrTooSlow = fmt.Errorf("reading the file took longer than %s", ParseTime)
)

// The bounds named by Parse's errors, for messages.
const (
	LastColumn = "BL" // column maxColumns
	MaxCells   = maxCells
	MaxMerges  = maxMerges
	MaxTextMB  = maxText >> 20
	ParseTime  = parseTime
)

// CellError names the cell for which Parse refused a file.
type CellError struct {
	Cell string // such as XFD5
	Err  error
}

func (e *CellError) Error() string { return "cell " + e.Cell + ": " + e.Err.Error() }

// Unwrap returns the kind of error, such as ErrBeyondColumns.
func (e *CellError) Unwrap() error { return e.Err }

// Column is a column of the list the import understands.
type Column string

// The columns. List and name are required; the others are optional.
const (
	ListColumn              Column = "list"               // 年度目标, “双十”: 开工 or 竣工
	NameColumn              Column = "name"               // 项目名称
	CategoryColumn          Column = "category"           // 类别: 路 桥 轨 隧 水 电
	ExtentColumn            Column = "extent"             // 范围: 军工路-共青路
	UnitColumn              Column = "unit"               // 责任单位
	PlannedStartColumn      Column = "planned_start"      // 计划开工
	PlannedCompletionColumn Column = "planned_completion" // 计划竣工
	DeadlineColumn          Column = "deadline"           // 节点
)

// Columns returns every column in the order of the preview table.
func Columns() []Column {
	return []Column{ListColumn, NameColumn, CategoryColumn, ExtentColumn, UnitColumn,
		PlannedStartColumn, PlannedCompletionColumn, DeadlineColumn}
}

// headings are the headings each column is known by, the report's first.
// They are compared after foldHeading, so that “双十” matches "双十" and
// Planned_Start matches "planned start".
var headings = map[Column][]string{
	ListColumn:              {"年度目标", "“双十”", "目标", "清单", "list", "target"},
	NameColumn:              {"项目名称", "名称", "项目", "工程名称", "name", "project", "project name"},
	CategoryColumn:          {"类别", "类型", "分类", "category"},
	ExtentColumn:            {"范围", "建设范围", "起讫", "起止", "起讫点", "extent"},
	UnitColumn:              {"责任单位", "建设单位", "实施单位", "单位", "unit", "responsible unit"},
	PlannedStartColumn:      {"计划开工", "计划开工时间", "计划开工日期", "planned start"},
	PlannedCompletionColumn: {"计划竣工", "计划竣工时间", "计划竣工日期", "计划完工", "计划完工时间", "planned completion"},
	DeadlineColumn:          {"节点", "时间节点", "节点时间", "完成节点", "deadline"},
}

// ignoredHeadings are columns of the report's tables that the import knows
// and leaves alone, so that they are not reported as unknown: the row number
// (the file's order gives it) and Table 5's progress, which is not a plan.
var ignoredHeadings = []string{"序号", "编号", "推进情况", "进展情况", "备注", "no", "progress", "remarks"}

// Headings returns the headings a column is recognised by, the report's
// first, for telling the admin what the header row should say.
func Headings(c Column) []string { return append([]string(nil), headings[c]...) }

// Format is the kind of file a sheet was read from.
type Format string

// The formats Parse reads.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// Sheet is what Parse read: the rows under the header, with how they were
// read, for the preview to show. It is kept as JSON between the upload and
// its confirmation, under the names in its tags.
type Sheet struct {
	Format Format `json:"format"`
	// Encoding names the text encoding of a CSV file: "UTF-8",
	// "UTF-8 with BOM", "GB18030" (which covers GBK and GB2312) or
	// "UTF-16". Empty for XLSX.
	Encoding string `json:"encoding,omitempty"`
	// SheetName is the XLSX sheet read: the first one.
	SheetName string `json:"sheet_name,omitempty"`
	// HeaderRow is the header's row number as a spreadsheet shows it.
	HeaderRow int `json:"header_row"`
	// Headings maps each column found to its heading as the file spells
	// it. A list column found by its values, under an empty heading, maps
	// to "".
	Headings map[Column]string `json:"headings"`
	// Ignored lists the non-empty headings the import does not use.
	Ignored []string `json:"ignored,omitempty"`
	Rows    []Row    `json:"rows"`
}

// Row is one data row: its cells, trimmed of spaces (full-width ones too)
// and otherwise as the file has them.
type Row struct {
	// Number is the row number a spreadsheet program shows, counting the
	// title, header and blank rows from 1.
	Number int `json:"number"`
	// Cells holds the cell of each column found; a column the sheet lacks
	// is absent and reads as "".
	Cells map[Column]string `json:"cells"`
}

// Cell returns the row's cell in column c, "" when empty or absent.
func (r Row) Cell(c Column) string { return r.Cells[c] }

// trim removes spaces at both ends, including the full-width space of
// Chinese text and the zero-width characters some exporters leave.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}
