package projects

import (
	"database/sql"
	"time"

	"gorm.io/gorm"
)

// A project is read by every progress update, before the save, and by
// every page of it. GORM's reading, matching columns to fields by
// reflection for each row, cost more than twice SQLite's own work (661
// allocations for a project with one target), so the project, its targets,
// its plans and the lists' states are read here column by column.
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
		p          Project
		m          = &p.Milestones
		reportedAt sql.Null[time.Time]
		approved   sql.NullString
	)
	err = rows.Scan(&p.ID, &p.Name, &p.NameEn, &p.Category, &p.Extent, &p.Unit, &p.Description, &p.Location, &p.ArchivedAt,
		&m.PlannedStart, &m.PlannedCompletion, &m.ActualStart, &m.ActualCompletion, &m.OriginalPlannedStart, &m.OriginalPlannedCompletion,
		&p.TotalInvestment, &p.PercentComplete, &p.DelayReason, &p.InternalNote, &p.Version, &reportedAt,
		&p.ReviewState, &approved, &p.ApprovedVersion, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return Project{}, err
	}
	p.ReportedAt, p.ApprovedJSON = reportedAt.V, approved.String
	return p, rows.Close()
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
		err := rows.Scan(&t.ID, &t.Year, &t.List, &t.Position, &t.ProjectID, &t.ListedName, &t.Deadline, &t.Outcome, &t.OutcomeByHand, &t.Progress,
			&t.CreatedAt, &t.UpdatedAt, &t.RemovedAt, &t.RemovedReason, &t.CarriedToID)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, rows.Err()
}

// readPlans reads project id's planned investment, oldest year first.
func readPlans(tx *gorm.DB, id int64) ([]InvestmentPlan, error) {
	rows, err := tx.Raw("SELECT project_id, year, planned, original_planned FROM investment_plans WHERE project_id = ? ORDER BY year", id).Rows()
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
