package projects

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
)

// yearCSV writes a year's table in the columns of the report's Table 5 (类别,
// 序号, 项目名称, 年度目标, 推进情况), followed by the status as of today,
// the deadline, the project's number and its English name, then the
// investment (investmentColumns). It begins with a UTF-8 byte-order
// mark, without which Excel reads the Chinese as another encoding.
func yearCSV(ctx context.Context, targets []Target, rule StatusRule, today civil.Date, investment map[int64]YearInvestment) ([]byte, error) {
	t := func(id string) string { return locale.T(ctx, id) }
	rows := [][]string{append([]string{
		t("year.col_category"), t("year.col_number"), t("year.col_name"), t("year.col_target"),
		t("year.col_progress"), t("csv.col_status"), t("csv.col_deadline"), t("csv.col_project_id"), t("csv.col_name_en"),
	}, investmentHeadings(ctx)...)}
	seen := map[int64]bool{}
	for _, target := range targets {
		first := !seen[target.ProjectID]
		seen[target.ProjectID] = true
		rows = append(rows, append([]string{
			t("category." + string(target.Project.Category) + ".short"),
			strconv.Itoa(target.Number),
			spreadsheetText(target.ListedName),
			t("list." + string(target.List)),
			spreadsheetText(target.Progress),
			t("status." + string(rule.Status(target, target.Project.Milestones, today))),
			target.Deadline.String(),
			strconv.FormatInt(target.ProjectID, 10),
			spreadsheetText(target.Project.NameEn),
		}, investmentColumns(ctx, investment[target.ProjectID], first)...))
	}
	return SpreadsheetCSV(rows)
}

// SpreadsheetCSV writes records as CSV a spreadsheet program opens as it
// is: beginning with a UTF-8 byte-order mark, without which Excel reads
// the Chinese as another encoding, and with CRLF line ends, which
// spreadsheet programs write and expect. Text cells are the caller's to
// keep from being formulas (SpreadsheetText).
func SpreadsheetCSV(records [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SpreadsheetText keeps a text cell of an export made outside this package
// (the year-end table's CSV) from being read as a formula, as
// spreadsheetText does for this package's own.
func SpreadsheetText(s string) string { return spreadsheetText(s) }

// spreadsheetText keeps a text cell from being read as a formula: a
// spreadsheet evaluates a cell that begins with = + - or @, and a progress
// note typed as "=HYPERLINK(…)" must stay a note. The leading apostrophe is
// how spreadsheet users themselves mark text.
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
