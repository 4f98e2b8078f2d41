package projects

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// TestAProjectReadByHandIsTheProjectGORMReads: Store.Project, a year's
// list, the open targets and a year's plans and reports are scanned column
// by column (project_read.go); whatever they hold, they must read what
// GORM reads from the models, and every column of the tables.
func TestAProjectReadByHandIsTheProjectGORMReads(t *testing.T) {
	ctx := context.Background()
	s := seededStore(t)
	db := s.write.WithContext(ctx)

	// The seed leaves some columns empty everywhere: fill them on a few
	// projects, so that every column is read with a value and without.
	var ids []int64
	if err := db.Model(&Project{}).Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) < 4 {
		t.Fatalf("the seed has %d projects", len(ids))
	}
	filled, removed := ids[1], ids[2]
	for _, statement := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE projects SET archived_at = ?, reported_at = ?, approved = ?, approved_version = 3, review_state = 'pending', " +
			"total_investment = 123456789, percent_complete = 40, delay_reason = '征收', internal_note = '内部', name_en = 'Road', location = '军工路以东', " +
			"original_planned_start = '2022-01-05', original_planned_completion = '2023-06-30' WHERE id = ?",
			[]any{s.now().UTC(), s.now().UTC(), `{"progress":"x"}`, filled}},
		{"INSERT INTO investment_plans (project_id, year, planned, original_planned) VALUES (?, 2022, 5000000, 4000000), (?, 2023, 7000000, NULL)",
			[]any{filled, filled}},
		{"UPDATE targets SET outcome_by_hand = ?, removed_reason = '' WHERE project_id = ?", []any{true, filled}},
		{"UPDATE targets SET removed_at = ?, removed_reason = '移出' WHERE project_id = ?", []any{s.now().UTC(), removed}},
	} {
		if err := db.Exec(statement.sql, statement.args...).Error; err != nil {
			t.Fatalf("%s: %v", statement.sql, err)
		}
	}
	var carried Target
	if err := db.Where("project_id = ?", ids[3]).Order("year").Take(&carried).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE targets SET carried_to_id = ? WHERE id = ?", carried.ID, carried.ID).Error; err != nil {
		t.Fatal(err)
	}

	for _, id := range ids {
		got, err := s.Project(ctx, id)
		if err != nil {
			t.Fatalf("Project(%d): %v", id, err)
		}
		want := readByGORM(t, s.read.WithContext(ctx), id)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("project %d read by hand:\n%+v\nread by GORM:\n%+v", id, got, want)
		}
	}
	if p, _ := s.Project(ctx, removed); len(p.Targets) != 0 {
		t.Errorf("a target taken off its list is read: %+v", p.Targets)
	}
	if p, _ := s.Project(ctx, filled); p.TotalInvestment == nil || len(p.Plans) != 2 || p.ArchivedAt == nil || p.ApprovedJSON == "" {
		t.Errorf("the filled project is read without its values: %+v", p)
	}

	// A year's list and the open targets, each target with its project,
	// are read by hand as well (readListed).
	read := s.read.WithContext(ctx)
	for _, year := range []int{2022, 2023} {
		got, err := readListed(read, "targets.year = ?", "targets.position", 0, year)
		if err != nil {
			t.Fatal(err)
		}
		var want []Target
		if err := read.Joins("Project").Where("targets.year = ?", year).Order("targets.position").Find(&want).Error; err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("the targets of %d read by hand:\n%+v\nread by GORM:\n%+v", year, got, want)
		}
	}
	open, err := s.OpenTargets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wantOpen []Target
	err = read.Joins("Project").Where(openTarget).Order("targets.deadline, targets.year, targets.position").Find(&wantOpen).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 || !reflect.DeepEqual(open, wantOpen) {
		t.Errorf("the open targets read by hand:\n%+v\nread by GORM:\n%+v", open, wantOpen)
	}

	// A year's plans and monthly reports: the newest filing of each month,
	// of a filer's account and of one since removed.
	var user int64
	err = db.Raw("INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES ('gong', 'engineer', 'x', ?, ?) RETURNING id",
		s.now().UTC(), s.now().UTC()).Scan(&user).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, filing := range []struct {
		project      int64
		month        int
		completed    int64
		approved     bool
		user         *int64
		progress, by string
	}{
		{filled, 1, 1000000, true, &user, "开挖", "龚工"},
		{filled, 1, 1200000, false, nil, "开挖完成", ""}, // supersedes the one before, not yet approved
		{filled, 2, 2500000, true, nil, "", "已注销"},
		{ids[0], 3, 100, true, &user, "进场", "龚工"},
	} {
		err := db.Exec("INSERT INTO monthly_reports (project_id, year, month, completed, progress, approved, user_id, user_name, filed_at) VALUES (?, 2023, ?, ?, ?, ?, ?, ?, ?)",
			filing.project, filing.month, filing.completed, filing.progress, filing.approved, filing.user, filing.by, s.now().UTC()).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, publicOnly := range []bool{false, true} {
		got, err := s.ReportFiguresOfYear(ctx, 2023, publicOnly)
		if err != nil {
			t.Fatal(err)
		}
		newest := read.Model(&MonthlyReport{}).Select("MAX(id)").Where("year = 2023 AND month <= 12").Group("project_id, month")
		if publicOnly {
			newest = newest.Where("approved")
		}
		var reports []MonthlyReport
		if err := read.Where("id IN (?)", newest).Order("project_id, month").Find(&reports).Error; err != nil {
			t.Fatal(err)
		}
		want := map[int64][]MonthlyReport{}
		for _, r := range reports {
			figures := MonthlyReport{ProjectID: r.ProjectID, Year: r.Year, Month: r.Month, Completed: r.Completed}
			want[r.ProjectID] = append(want[r.ProjectID], figures)
		}
		if len(got[filled]) != 2 || !reflect.DeepEqual(got, want) {
			t.Errorf("the reports of 2023 (public only: %v) read by hand:\n%+v\nread by GORM:\n%+v", publicOnly, got, want)
		}
	}
	plans, err := s.PlansOfYear(ctx, 2022)
	if err != nil {
		t.Fatal(err)
	}
	var wantPlans []InvestmentPlan
	if err := read.Where("year = 2022").Find(&wantPlans).Error; err != nil {
		t.Fatal(err)
	}
	if len(plans) != len(wantPlans) || len(plans) == 0 {
		t.Errorf("the plans of 2022: %+v, GORM reads %+v", plans, wantPlans)
	}
	for _, plan := range wantPlans {
		if !reflect.DeepEqual(plans[plan.ProjectID], plan) {
			t.Errorf("the plan of project %d in 2022 read by hand: %+v, by GORM: %+v", plan.ProjectID, plans[plan.ProjectID], plan)
		}
	}

	// Every column of the tables is read: a column added by a migration
	// must be added to the reading too.
	for _, table := range []struct {
		model   any
		columns string
	}{{&Project{}, projectColumns}, {&Target{}, targetColumns}, {&MonthlyReport{}, reportColumns}} {
		types, err := s.read.Migrator().ColumnTypes(table.model)
		if err != nil {
			t.Fatal(err)
		}
		var inTable []string
		for _, c := range types {
			inTable = append(inTable, c.Name())
		}
		read := strings.Split(table.columns, ", ")
		slices.Sort(inTable)
		slices.Sort(read)
		if !slices.Equal(inTable, read) {
			t.Errorf("%T: the table has the columns %v, the reading reads %v", table.model, inTable, read)
		}
	}
}

// readByGORM is Store.Project as GORM reads it.
func readByGORM(t *testing.T, db *gorm.DB, id int64) Project {
	t.Helper()
	var p Project
	err := db.Preload("Targets", func(db *gorm.DB) *gorm.DB { return db.Order("year, position") }).
		Preload("Plans", func(db *gorm.DB) *gorm.DB { return db.Order("year") }).
		First(&p, id).Error
	if err != nil {
		t.Fatal(err)
	}
	states, err := listStates(db)
	if err != nil {
		t.Fatal(err)
	}
	markListStates([]Project{p}, states)
	return p
}

// TestTheOpenTargetsReadAPartAtATimeAreTheOpenTargets: the console reads
// the open targets a part at a time (OpenTargetsAfter); the parts must
// hold every open target once, each as OpenTargets reads it.
func TestTheOpenTargetsReadAPartAtATimeAreTheOpenTargets(t *testing.T) {
	ctx := context.Background()
	s := seededStore(t)
	all, err := s.OpenTargets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const part = 3
	if len(all) <= 2*part {
		t.Fatalf("the seed has %d open targets: too few to read in parts", len(all))
	}
	byID := map[int64]Target{}
	for _, target := range all {
		byID[target.ID] = target
	}
	parts := 0
	for after := int64(0); ; {
		some, err := s.OpenTargetsAfter(ctx, after, part)
		if err != nil {
			t.Fatal(err)
		}
		if len(some) == 0 {
			break
		}
		if len(some) > part {
			t.Fatalf("a part of %d targets, asked for %d", len(some), part)
		}
		for _, target := range some {
			want, ok := byID[target.ID]
			if !ok {
				t.Fatalf("target %d read twice, or not open", target.ID)
			}
			if !reflect.DeepEqual(target, want) {
				t.Errorf("target %d read in a part:\n%+v\nby OpenTargets:\n%+v", target.ID, target, want)
			}
			delete(byID, target.ID)
		}
		after = some[len(some)-1].ID
		parts++
	}
	if len(byID) != 0 || parts < 3 {
		t.Errorf("%d parts left %d open targets unread", parts, len(byID))
	}
}
