package projects

import (
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A project is read by every progress update, before the save, and by
// every page of it; a year's list, the open targets and a year's monthly
// reports are thousands of rows in a large city, read to make the year's
// pages, its open data and the console. GORM's reading, matching columns
// to fields by reflection for each row, cost more than twice SQLite's own
// work (661 allocations for a project with one target) and allocated
// several times what it read, so these are read here column by column.
// TestAProjectReadByHandIsTheProjectGORMReads holds these columns to the
// models, and to the tables.

// projectColumns are the columns of projects that readProject scans, in
// its order: every column of the table.
const projectColumns = "id, name, name_en, category, extent, unit, description, location, archived_at, " +
	"planned_start, planned_completion, actual_start, actual_completion, original_planned_start, original_planned_completion, " +
	"total_investment, percent_complete, delay_reason, internal_note, version, reported_at, " +
	"review_state, approved, approved_version, created_at, updated_at"

// targetColumns are the columns of targets that readTargets scans.
const targetColumns = "id, year, list, position, project_id, listed_name, deadline, outcome, outcome_by_hand, progress, " +
	"created_at, updated_at, removed_at, removed_reason, carried_to_id"

// readProject reads project id's own columns; gorm.ErrRecordNotFound when
// there is none.
func readProject(tx *gorm.DB, id int64) (Project, error) {
	rows, err := tx.Raw("SELECT "+projectColumns+" FROM projects WHERE id = ?", id).Rows()
	if err != nil {
		return Project{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Project{}, err
		}
		return Project{}, gorm.ErrRecordNotFound
	}
	var (
		p    Project
		scan projectScan
	)
	if err := rows.Scan(scan.into(nil, &p)...); err != nil {
		return Project{}, err
	}
	scan.finish(&p)
	return p, rows.Close()
}

// projectScan holds the columns of projectColumns that a Project's fields
// cannot take as they come: NULLs where the field has none.
type projectScan struct {
	reportedAt sql.Null[time.Time]
	approved   sql.NullString
}

// into appends to dest where a row of projectColumns scans, in their
// order; finish then completes p.
func (s *projectScan) into(dest []any, p *Project) []any {
	m := &p.Milestones
	return append(dest, &p.ID, &p.Name, &p.NameEn, &p.Category, &p.Extent, &p.Unit, &p.Description, &p.Location, &p.ArchivedAt,
		&m.PlannedStart, &m.PlannedCompletion, &m.ActualStart, &m.ActualCompletion, &m.OriginalPlannedStart, &m.OriginalPlannedCompletion,
		&p.TotalInvestment, &p.PercentComplete, &p.DelayReason, &p.InternalNote, &p.Version, &s.reportedAt,
		&p.ReviewState, &s.approved, &p.ApprovedVersion, &p.CreatedAt, &p.UpdatedAt)
}

func (s *projectScan) finish(p *Project) {
	p.ReportedAt, p.ApprovedJSON = s.reportedAt.V, s.approved.String
}

// targetInto appends to dest where a row of targetColumns scans, in
// their order.
func targetInto(dest []any, t *Target) []any {
	return append(dest, &t.ID, &t.Year, &t.List, &t.Position, &t.ProjectID, &t.ListedName, &t.Deadline, &t.Outcome, &t.OutcomeByHand, &t.Progress,
		&t.CreatedAt, &t.UpdatedAt, &t.RemovedAt, &t.RemovedReason, &t.CarriedToID)
}

// readTargets reads the targets of project id that are on their lists,
// oldest year first.
func readTargets(tx *gorm.DB, id int64) ([]Target, error) {
	rows, err := tx.Raw("SELECT "+targetColumns+" FROM targets WHERE project_id = ? AND removed_at IS NULL ORDER BY year, position", id).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	targets := []Target{} // empty, not nil, as GORM reads it
	for rows.Next() {
		var t Target
		if err := rows.Scan(targetInto(nil, &t)...); err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, rows.Err()
}

// readListed reads the targets on their lists that where selects (SQL
// that names the table targets, with args), each with its project, in the
// order that orderBy gives, at most limit of them (0: all). A year's list
// and the open targets are read this way: thousands of rows in a large
// city, which GORM's reading made the biggest allocations of the pages
// built from them.
func readListed(tx *gorm.DB, where, orderBy string, limit int, args ...any) ([]Target, error) {
	query := "SELECT " + qualified("targets", targetColumns) + ", " + qualified("p", projectColumns) +
		" FROM targets JOIN projects p ON p.id = targets.project_id" +
		" WHERE targets.removed_at IS NULL AND (" + where + ")"
	if orderBy != "" {
		query += " ORDER BY " + orderBy
	}
	// The rows are counted first, to read them into one slice of the
	// right size: a year's targets are 750 bytes each, and growing the
	// slice row by row allocated four times what it ends with.
	var count int
	if err := tx.Raw("SELECT count(*) FROM targets WHERE targets.removed_at IS NULL AND ("+where+")", args...).Row().Scan(&count); err != nil {
		return nil, err
	}
	if limit > 0 {
		query += " LIMIT " + strconv.Itoa(limit)
		count = min(count, limit)
	}
	rows, err := tx.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		targets []Target // nil when there are none, as GORM reads them
		scan    projectScan
		dest    []any // where each row scans, made once
	)
	if count > 0 {
		targets = make([]Target, 0, count)
	}
	for rows.Next() {
		targets = append(targets, Target{})
		t := &targets[len(targets)-1]
		dest = scan.into(targetInto(dest[:0], t), &t.Project)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		scan.finish(&t.Project)
	}
	return targets, rows.Err()
}

// qualified names each of columns (a list such as projectColumns) as a
// column of table.
func qualified(table, columns string) string {
	return table + "." + strings.ReplaceAll(columns, ", ", ", "+table+".")
}

// readPlans reads the investment plans that where selects (SQL, with
// args), by project and oldest year first.
func readPlans(tx *gorm.DB, where string, args ...any) ([]InvestmentPlan, error) {
	rows, err := tx.Raw("SELECT project_id, year, planned, original_planned FROM investment_plans WHERE "+where+" ORDER BY project_id, year", args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	plans := []InvestmentPlan{}
	for rows.Next() {
		var plan InvestmentPlan
		if err := rows.Scan(&plan.ProjectID, &plan.Year, &plan.Planned, &plan.OriginalPlanned); err != nil {
			return nil, err
		}
		plans = append(plans, plan)
	}
	return plans, rows.Err()
}

// reportColumns are the columns of monthly_reports that wholeReports scans.
const reportColumns = "id, project_id, year, month, completed, progress, lower_reason, late, approved, user_id, user_name, filed_at"

// A reportReading is what readReports reads of each monthly report.
type reportReading int

const (
	// wholeReports reads every column of a report (reportColumns).
	wholeReports reportReading = iota
	// reportFigures reads a report's figures: its project, year, month and
	// completed investment, the rest left zero.
	reportFigures
)

// columns are the columns reading reads.
func (reading reportReading) columns() string {
	if reading == reportFigures {
		return "project_id, year, month, completed"
	}
	return reportColumns
}

// fields are the fields of r that reading's columns are scanned into.
func (reading reportReading) fields(r *MonthlyReport) []any {
	if reading == reportFigures {
		return []any{&r.ProjectID, &r.Year, &r.Month, &r.Completed}
	}
	return []any{&r.ID, &r.ProjectID, &r.Year, &r.Month, &r.Completed, &r.Progress, &r.LowerReason, &r.Late, &r.Approved,
		&r.UserID, &r.UserName, &r.FiledAt}
}

// readReports reads what reading reads of the monthly reports that where
// selects (SQL, with args, and what follows it such as ORDER BY), into a
// slice made for capacity of them: a year's newest filings are tens of
// thousands in a large city.
func readReports(tx *gorm.DB, reading reportReading, capacity int, where string, args ...any) ([]MonthlyReport, error) {
	rows, err := tx.Raw("SELECT "+reading.columns()+" FROM monthly_reports WHERE "+where, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var reports []MonthlyReport // nil when there are none, as GORM reads them
	if capacity > 0 {
		reports = make([]MonthlyReport, 0, capacity)
	}
	for rows.Next() {
		reports = append(reports, MonthlyReport{})
		if err := rows.Scan(reading.fields(&reports[len(reports)-1])...); err != nil {
			return nil, err
		}
	}
	return reports, rows.Err()
}

// listStates returns the state of every year's list, by year.
func listStates(tx *gorm.DB) (map[int]ListState, error) {
	rows, err := tx.Raw("SELECT year, state FROM year_lists").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	states := map[int]ListState{}
	for rows.Next() {
		var (
			year  int
			state ListState
		)
		if err := rows.Scan(&year, &state); err != nil {
			return nil, err
		}
		states[year] = state
	}
	return states, rows.Err()
}
