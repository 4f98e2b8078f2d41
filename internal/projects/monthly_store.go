package projects

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// Settings reads what an administrator set of supervision.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	var row struct {
		ReportDay  int
		PaceYellow int
		PaceRed    int
	}
	err := s.read.WithContext(ctx).Table("supervision_settings").Where("id = 1").Take(&row).Error
	if err != nil {
		return Settings{}, fmt.Errorf("supervision settings: %w", err)
	}
	return Settings{ReportDay: row.ReportDay, Pace: PaceRule{YellowPoints: row.PaceYellow, RedPoints: row.PaceRed}}, nil
}

// SaveSettings stores checked settings.
func (s *Store) SaveSettings(ctx context.Context, settings Settings) error {
	return s.write.WithContext(ctx).Table("supervision_settings").Where("id = 1").Updates(map[string]any{
		"report_day": settings.ReportDay, "pace_yellow": settings.Pace.YellowPoints, "pace_red": settings.Pace.RedPoints,
		"updated_at": s.now(),
	}).Error
}

// YearReports returns the monthly reports of a project's year, the newest
// filing of each month, oldest month first; publicOnly keeps the filings
// the public reads (approved).
func (s *Store) YearReports(ctx context.Context, projectID int64, year int, publicOnly bool) ([]MonthlyReport, error) {
	return s.newestReports(s.read.WithContext(ctx), wholeReports, []int64{projectID}, year, 12, publicOnly)
}

// ProjectReports returns every month's report of a project, the newest
// filing of each, newest month first.
func (s *Store) ProjectReports(ctx context.Context, projectID int64, publicOnly bool) ([]MonthlyReport, error) {
	var reports []MonthlyReport
	q := s.read.WithContext(ctx).Where("project_id = ?", projectID)
	if publicOnly {
		q = q.Where("approved")
	}
	if err := q.Order("year DESC, month DESC, id DESC").Find(&reports).Error; err != nil {
		return nil, fmt.Errorf("monthly reports: %w", err)
	}
	out := reports[:0]
	for i, r := range reports {
		if i == 0 || r.Of() != reports[i-1].Of() {
			out = append(out, r)
		}
	}
	return out, nil
}

// PublicReportsOf returns the reports the public reads (the newest
// approved filing of each month) of the projects, by project, each
// project's newest month first: one read for a whole package of open data.
func (s *Store) PublicReportsOf(ctx context.Context, projectIDs []int64) (map[int64][]MonthlyReport, error) {
	out := map[int64][]MonthlyReport{}
	db := s.read.WithContext(ctx)
	for len(projectIDs) > 0 {
		// In slices, within what SQLite takes as the parameters of one
		// statement.
		batch := projectIDs[:min(len(projectIDs), 500)]
		projectIDs = projectIDs[len(batch):]
		newest := db.Model(&MonthlyReport{}).Select("MAX(id)").Where("approved AND project_id IN ?", batch).Group("project_id, year, month")
		var reports []MonthlyReport
		if err := db.Where("id IN (?)", newest).Order("project_id, year DESC, month DESC").Find(&reports).Error; err != nil {
			return nil, fmt.Errorf("monthly reports: %w", err)
		}
		for _, r := range reports {
			out[r.ProjectID] = append(out[r.ProjectID], r)
		}
	}
	return out, nil
}

// newestReports reads the newest filing of each month up to throughMonth
// of year for the projects (nil for all), oldest month first.
func (s *Store) newestReports(db *gorm.DB, reading reportReading, projectIDs []int64, year, throughMonth int, publicOnly bool) ([]MonthlyReport, error) {
	filings := "FROM monthly_reports WHERE year = ? AND month <= ?"
	args := []any{year, throughMonth}
	if projectIDs != nil {
		filings += " AND project_id IN ?"
		args = append(args, projectIDs)
	}
	if publicOnly {
		filings += " AND approved"
	}
	// Every filing, superseded ones too, is counted first (from an index,
	// in milliseconds) to read the newest into a slice at least as large:
	// grown row by row, it allocated four times what it ends with.
	var filed int
	if err := db.Raw("SELECT count(*) "+filings, args...).Row().Scan(&filed); err != nil {
		return nil, fmt.Errorf("monthly reports of %d: %w", year, err)
	}
	newest := "id IN (SELECT MAX(id) " + filings + " GROUP BY project_id, month) ORDER BY project_id, month"
	reports, err := readReports(db, reading, filed, newest, args...)
	if err != nil {
		return nil, fmt.Errorf("monthly reports of %d: %w", year, err)
	}
	return reports, nil
}

// ReportFiguresOfYear returns the figures of the newest filing of each
// month of year, for every project (publicOnly: the approved ones), by
// project: each report's project, month and completed investment, and
// nothing else. The year's investment is reckoned from them alone, and a
// large city's year has tens of thousands of reports, whose texts,
// authors and times were most of what reading them held and cost.
func (s *Store) ReportFiguresOfYear(ctx context.Context, year int, publicOnly bool) (map[int64][]MonthlyReport, error) {
	reports, err := s.newestReports(s.read.WithContext(ctx), reportFigures, nil, year, 12, publicOnly)
	if err != nil {
		return nil, err
	}
	// The reports come by project: each project's are a part of the one
	// slice, not a slice of their own (tens of thousands in a large city).
	out := map[int64][]MonthlyReport{}
	for from := 0; from < len(reports); {
		to := from + 1
		for to < len(reports) && reports[to].ProjectID == reports[from].ProjectID {
			to++
		}
		out[reports[from].ProjectID] = reports[from:to:to]
		from = to
	}
	return out, nil
}

// PlansOfYear returns the plans of year, by project. The public reads the
// approved ones through Project.Public, not these.
func (s *Store) PlansOfYear(ctx context.Context, year int) (map[int64]InvestmentPlan, error) {
	plans, err := readPlans(s.read.WithContext(ctx), "year = ?", year)
	if err != nil {
		return nil, fmt.Errorf("plans of %d: %w", year, err)
	}
	out := make(map[int64]InvestmentPlan, len(plans))
	for _, p := range plans {
		out[p.ProjectID] = p
	}
	return out, nil
}

// FileMonthlyReport files a checked report for project p made from
// version, in one transaction: the filing, the project raised a version
// (a report is an update: it moves the last update), and the history. With
// review before publication the filing waits for approval like any public
// change. It returns ErrConflict when the project changed since version.
func (s *Store) FileMonthlyReport(ctx context.Context, p Project, report MonthlyReport, version int64, by auth.Actor) error {
	now := s.now()
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var previous []MonthlyReport
		err := tx.Where("project_id = ? AND year = ? AND month = ?", p.ID, report.Year, report.Month).
			Order("id DESC").Limit(1).Find(&previous).Error
		if err != nil {
			return err
		}
		var old *money.Amount
		if len(previous) == 1 {
			old = &previous[0].Completed
		}
		completed := report.Completed
		change := Change{ProjectID: p.ID, Field: FieldMonthlyReport, OldValue: monthText(report.Of(), old),
			NewValue: monthText(report.Of(), &completed), Reason: report.LowerReason, Public: true}
		columns := map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now, "reported_at": now}
		report.Approved = true
		if s.ReviewBeforePublication {
			report.Approved = false
			change.Public = false
			columns["review_state"] = AwaitingReview
			if p.ApprovedJSON == "" {
				approved, err := json.Marshal(ApprovedOf(p, p.LastChanged()))
				if err != nil {
					return err
				}
				columns["approved"] = string(approved)
			}
		}
		res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).Updates(columns)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		report.ID, report.FiledAt, report.UserName = 0, now, by.Name
		if by.UserID != 0 {
			id := by.UserID
			report.UserID = &id
		}
		if err := tx.Omit(clause.Associations).Create(&report).Error; err != nil {
			return fmt.Errorf("monthly report: %w", err)
		}
		return record(tx, []Change{change}, now, by)
	})
}

// unapprovedReports are the filings of a project waiting for review, as
// the history's changes they would publish: each month's newest filing
// against what the public reads of the month.
func unapprovedReports(tx *gorm.DB, projectID int64) ([]Change, error) {
	var waiting []MonthlyReport
	if err := tx.Where("project_id = ? AND NOT approved", projectID).Order("year, month, id").Find(&waiting).Error; err != nil {
		return nil, err
	}
	var changes []Change
	seen := map[Month]int{}
	for _, r := range waiting {
		var public []MonthlyReport
		err := tx.Where("project_id = ? AND year = ? AND month = ? AND approved", projectID, r.Year, r.Month).
			Order("id DESC").Limit(1).Find(&public).Error
		if err != nil {
			return nil, err
		}
		var old *money.Amount
		if len(public) == 1 {
			old = &public[0].Completed
		}
		completed := r.Completed
		c := Change{ProjectID: projectID, Field: FieldMonthlyReport, OldValue: monthText(r.Of(), old),
			NewValue: monthText(r.Of(), &completed), Reason: r.LowerReason, Public: true}
		if i, ok := seen[r.Of()]; ok {
			changes[i] = c // the month's newest filing is what is published
			continue
		}
		seen[r.Of()] = len(changes)
		changes = append(changes, c)
	}
	return changes, nil
}

// Filing is where a month's reports stand: the projects due to report
// (each on a published, open list of the month's year), those that did,
// and those of them only after the deadline.
type Filing struct {
	Month Month
	Due   int
	Filed int
	Late  int
	// Missing are the projects due that have not reported, by name.
	Missing []Project
}

// Rate is the month's 填报率 in tenths of a point; false when none was due.
func (f Filing) Rate() (int64, bool) { return FilingRate(f.Filed, f.Due) }

// MonthFiling returns where month m's reports stand.
func (s *Store) MonthFiling(ctx context.Context, m Month) (Filing, error) {
	db := s.read.WithContext(ctx)
	f := Filing{Month: m}
	var due []Project
	err := db.Where(`id IN (SELECT targets.project_id FROM targets JOIN year_lists ON year_lists.year = targets.year
			WHERE targets.year = ? AND targets.removed_at IS NULL AND year_lists.state = ?)`, m.Year, Published).
		Order("name, id").Find(&due).Error
	if err != nil {
		return Filing{}, fmt.Errorf("projects due to report %s: %w", m, err)
	}
	var filings []struct {
		ProjectID int64
		Late      bool
	}
	err = db.Model(&MonthlyReport{}).Select("project_id, late").Where("year = ? AND month = ?", m.Year, m.Month).Find(&filings).Error
	if err != nil {
		return Filing{}, fmt.Errorf("reports of %s: %w", m, err)
	}
	// A month is late when its first filing was: a correction made after
	// the deadline does not make an on-time report late.
	onTime := map[int64]bool{}
	for _, r := range filings {
		onTime[r.ProjectID] = onTime[r.ProjectID] || !r.Late
	}
	f.Due = len(due)
	for _, p := range due {
		filedOnTime, filed := onTime[p.ID]
		switch {
		case !filed:
			f.Missing = append(f.Missing, p)
		case filedOnTime:
			f.Filed++
		default:
			f.Filed++
			f.Late++
		}
	}
	return f, nil
}

// Paces returns the pace of each of the targets' project in the target's
// year, by target id, as of today under settings: staff's view, from every
// filing, approved or not. A target without a plan for its year has none.
// Of a year's filings the pace needs one, the newest filing of the newest
// month up to the month just ended (see PaceAsOf), so that is all it reads:
// one row per target, its plan and that filing joined to it, a chunk of
// targets at a time (the databases bound a statement's parameters). At
// 100,000 projects it reads 15,600 rows where it read 300,000.
func (s *Store) Paces(ctx context.Context, targets []Target, settings Settings, today civil.Date) (map[int64]Paced, error) {
	out := make(map[int64]Paced, len(targets))
	ended := MonthToReport(today)
	type row struct {
		TargetID  int64
		Year      int
		Planned   money.Amount
		Month     *int // the filing's; nil without one
		Completed *money.Amount
	}
	ids := make([]int64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ID)
	}
	db := s.read.WithContext(ctx)
	for chunk := range slices.Chunk(ids, paceChunk) {
		var rows []row
		err := db.Table("targets").
			Select("targets.id AS target_id, targets.year, investment_plans.planned, monthly_reports.month, monthly_reports.completed").
			Joins("JOIN investment_plans ON investment_plans.project_id = targets.project_id AND investment_plans.year = targets.year").
			Joins(`LEFT JOIN monthly_reports ON monthly_reports.id = (SELECT newest.id FROM monthly_reports newest
				WHERE newest.project_id = targets.project_id AND newest.year = targets.year
					AND (newest.year < ? OR (newest.year = ? AND newest.month <= ?))
				ORDER BY newest.month DESC, newest.id DESC LIMIT 1)`, ended.Year, ended.Year, ended.Month).
			Where("targets.id IN ?", chunk).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("paces: %w", err)
		}
		for _, r := range rows {
			var filed []MonthlyReport
			if r.Month != nil && r.Completed != nil {
				filed = []MonthlyReport{{Year: r.Year, Month: *r.Month, Completed: *r.Completed}}
			}
			planned := r.Planned
			if paced, ok := settings.Pace.PaceAsOf(&planned, filed, r.Year, today, settings.ReportDay); ok {
				out[r.TargetID] = paced
			}
		}
	}
	return out, nil
}

// paceChunk is how many targets one read of Paces asks about: well under
// the parameters SQLite (32,766) and PostgreSQL (65,535) take.
const paceChunk = 5000

// ReportedFor returns which of the projects have a report for month m.
func (s *Store) ReportedFor(ctx context.Context, projectIDs []int64, m Month) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var ids []int64
	err := s.read.WithContext(ctx).Model(&MonthlyReport{}).Distinct("project_id").
		Where("year = ? AND month = ? AND project_id IN ?", m.Year, m.Month, projectIDs).Pluck("project_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("reports of %s: %w", m, err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
