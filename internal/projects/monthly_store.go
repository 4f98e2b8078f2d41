package projects

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/auth"
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
	return s.newestReports(s.read.WithContext(ctx), []int64{projectID}, year, 12, publicOnly)
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

// newestReports reads the newest filing of each month up to throughMonth
// of year for the projects (nil for all), oldest month first.
func (s *Store) newestReports(db *gorm.DB, projectIDs []int64, year, throughMonth int, publicOnly bool) ([]MonthlyReport, error) {
	newest := db.Model(&MonthlyReport{}).Select("MAX(id)").Where("year = ? AND month <= ?", year, throughMonth)
	if projectIDs != nil {
		newest = newest.Where("project_id IN ?", projectIDs)
	}
	if publicOnly {
		newest = newest.Where("approved")
	}
	newest = newest.Group("project_id, month")
	var reports []MonthlyReport
	err := db.Where("id IN (?)", newest).Order("project_id, month").Find(&reports).Error
	if err != nil {
		return nil, fmt.Errorf("monthly reports of %d: %w", year, err)
	}
	return reports, nil
}

// ReportsOfYear returns the newest filing of each month of year, for every
// project (publicOnly: the approved ones), by project.
func (s *Store) ReportsOfYear(ctx context.Context, year int, publicOnly bool) (map[int64][]MonthlyReport, error) {
	reports, err := s.newestReports(s.read.WithContext(ctx), nil, year, 12, publicOnly)
	if err != nil {
		return nil, err
	}
	out := map[int64][]MonthlyReport{}
	for _, r := range reports {
		out[r.ProjectID] = append(out[r.ProjectID], r)
	}
	return out, nil
}

// PlansOfYear returns the plans of year, by project. The public reads the
// approved ones through Project.Public, not these.
func (s *Store) PlansOfYear(ctx context.Context, year int) (map[int64]InvestmentPlan, error) {
	var plans []InvestmentPlan
	if err := s.read.WithContext(ctx).Where("year = ?", year).Find(&plans).Error; err != nil {
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
