// Package bench measures the site at sizes a city would reach: it generates
// databases of many projects, starts the real server on each, drives it with
// concurrent requests over loopback and reports throughput, latency and
// memory beside the ceiling of a static file served by the same binary.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"shuangshi/data"
	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// The accounts the benchmark signs in with. The password is only ever used
// on a generated database.
const (
	EngineerName   = "bench-engineer"
	SupervisorName = "bench-supervisor"
	Password       = "bench-password-not-secret"
	// EditedProjects is how many projects the engineer is assigned: one for
	// each concurrent writer (the benchmark's 32, the soak test's 50), so
	// that writers do not conflict.
	EditedProjects = 64
)

// Years the generated record spans: twenty years of lists, ending with the
// one in progress.
const (
	FirstYear   = 2007
	CurrentYear = 2026
)

// Dataset describes a generated database: how many projects it holds and
// which of them the benchmark reads and writes.
type Dataset struct {
	Projects int
	// Edited are the projects assigned to the engineer, each with a
	// pending target of CurrentYear and a delay reason, so that a progress
	// update is accepted whatever the day.
	Edited []int64
	// Sample are projects spread over the whole record, for the project page.
	Sample []int64
}

// Generate creates a database at path (which must not exist) with the real
// seed of the report and enough generated projects to make n in all, with
// their targets, milestones and history; the same seed gives the same
// database. It adds the benchmark's engineer and supervisor.
func Generate(ctx context.Context, path string, n int, seed uint64, log *slog.Logger) (Dataset, error) {
	db, err := database.Open(ctx, path, log)
	if err != nil {
		return Dataset{}, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return Dataset{}, err
	}
	clock := func() time.Time { return time.Date(CurrentYear, time.November, 1, 8, 0, 0, 0, time.UTC) }
	real, err := projects.ReadDataset(data.Seed())
	if err != nil {
		return Dataset{}, err
	}
	if _, err := projects.NewStore(db, clock).Seed(ctx, data.SeedName, real); err != nil {
		return Dataset{}, err
	}

	g := generator{rand: rand.New(rand.NewPCG(seed, seed^0x5eed)), positions: map[int]int{}}
	for _, p := range real {
		for _, t := range p.Targets {
			g.positions[t.Year] = max(g.positions[t.Year], t.Position)
		}
	}
	set := Dataset{Projects: max(n, len(real))}
	err = db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		const batch = 500
		for made := len(real); made < n; made += batch {
			ps := make([]projects.Project, 0, batch)
			plans := make([]plan, 0, batch)
			for i := made; i < n && i < made+batch; i++ {
				// The first projects made are the writers': open this year.
				p, pl := g.project(i, i-len(real) < EditedProjects)
				ps, plans = append(ps, p), append(plans, pl)
			}
			if err := tx.Omit("Targets").CreateInBatches(&ps, 100).Error; err != nil {
				return fmt.Errorf("projects: %w", err)
			}
			var ts []projects.Target
			var cs []projects.Change
			for k, p := range ps {
				ts = append(ts, g.targets(p, plans[k])...)
				cs = append(cs, g.history(p)...)
				if len(set.Edited) < EditedProjects && p.Milestones.ActualCompletion.IsZero() && plans[k].pendingIn(CurrentYear) {
					set.Edited = append(set.Edited, p.ID)
				}
				if p.ID%97 == 0 && len(set.Sample) < 1000 {
					set.Sample = append(set.Sample, p.ID)
				}
			}
			if err := tx.Omit("Project").CreateInBatches(&ts, 200).Error; err != nil {
				return fmt.Errorf("targets: %w", err)
			}
			if err := tx.CreateInBatches(&cs, 200).Error; err != nil {
				return fmt.Errorf("history: %w", err)
			}
		}
		// Number each year's table as the report does: the start list
		// first, then the completion list, in one sequence.
		for _, step := range []string{
			`CREATE TEMP TABLE numbering AS SELECT id, ROW_NUMBER() OVER (PARTITION BY year ORDER BY list = 'complete', position) AS number FROM targets`,
			`CREATE UNIQUE INDEX temp.numbering_id ON numbering (id)`,
			`UPDATE targets SET position = position + 1000000`,
			`UPDATE targets SET position = (SELECT number FROM numbering WHERE numbering.id = targets.id)`,
			`DROP TABLE numbering`,
			// The seed's years took their life cycle from the seed's
			// targets alone: every year takes it again, from all of them.
			`DELETE FROM year_lists`,
		} {
			if err := tx.Exec(step).Error; err != nil {
				return fmt.Errorf("number the tables: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Dataset{}, err
	}
	if err := projects.NewStore(db, clock).AdoptYears(ctx, civil.DateOf(clock())); err != nil {
		return Dataset{}, err
	}
	if len(set.Sample) == 0 {
		set.Sample = []int64{1}
	}
	if err := addStaff(ctx, db, clock, &set); err != nil {
		return Dataset{}, err
	}
	return set, nil
}

// addStaff creates the benchmark's accounts and assigns the engineer the
// projects the writers update.
func addStaff(ctx context.Context, db *database.DB, clock func() time.Time, set *Dataset) error {
	hasher, err := auth.NewHasher()
	if err != nil {
		return err
	}
	hash, err := hasher.Hash(ctx, Password)
	if err != nil {
		return err
	}
	users := auth.NewStore(db, clock)
	engineer, err := users.CreateUser(ctx, auth.User{Username: EngineerName, DisplayName: "Bench engineer", Role: auth.Engineer, Active: true, PasswordHash: hash}, auth.CommandLine)
	if err != nil {
		return err
	}
	if _, err := users.CreateUser(ctx, auth.User{Username: SupervisorName, DisplayName: "Bench supervisor", Role: auth.Supervisor, Active: true, PasswordHash: hash}, auth.CommandLine); err != nil {
		return err
	}
	for _, id := range set.Edited {
		if err := users.Assign(ctx, engineer.ID, id, "", auth.CommandLine); err != nil {
			return err
		}
	}
	return nil
}

// generator makes projects that look like the district's: named after its
// streets, spread over the years, mostly finished in the past and open in
// the present.
type generator struct {
	rand      *rand.Rand
	positions map[int]int // the last 序号 used in each year
}

// plan is what a project's targets will be, decided with its milestones:
// a start target in year, and a completion target the year after when it
// finishes.
type plan struct {
	year            int
	finishes        bool
	start, complete projects.Outcome
}

// pendingIn reports whether the project has a pending target in year.
func (pl plan) pendingIn(year int) bool {
	return (pl.year == year && pl.start == projects.Pending) || (pl.finishes && pl.year+1 == year && pl.complete == projects.Pending)
}

var (
	streets = []string{"军工路", "平凉路", "杨树浦路", "长阳路", "控江路", "黄兴路", "国和路", "政立路", "殷行路", "民星路",
		"周家嘴路", "隆昌路", "营口路", "包头路", "翔殷路", "淞沪路", "国定路", "安波路", "嫩江路", "靖宇路"}
	works = map[projects.Category][]string{
		projects.Road:   {"道路新建工程", "道路综合整治工程", "道路拓宽工程"},
		projects.Bridge: {"桥梁新建工程", "桥梁改建工程"},
		projects.Rail:   {"轨道交通站点配套工程"},
		projects.Tunnel: {"下立交改建工程", "越江隧道配套工程"},
		projects.Water:  {"雨污水管道工程", "排水泵站新建工程", "防汛墙改造工程"},
		projects.Power:  {"110千伏变电站新建工程", "35千伏变电站改建工程"},
	}
	reasons = []string{"征地动迁尚未完成", "管线搬迁滞后", "施工许可办理中", "汛期停工"}
)

// project makes the i-th project; an edited one has a pending target this
// year.
func (g *generator) project(i int, edited bool) (projects.Project, plan) {
	cats := projects.Categories()
	cat := cats[g.rand.IntN(len(cats))]
	street := streets[g.rand.IntN(len(streets))]
	cross := streets[g.rand.IntN(len(streets))]
	name := fmt.Sprintf("%s（%s-%s）%s（%d）", street, street, cross, works[cat][g.rand.IntN(len(works[cat]))], i)

	var pl plan
	pl.year = FirstYear + i%(CurrentYear-FirstYear+1)
	pl.finishes = pl.year < CurrentYear && g.rand.IntN(2) == 0
	plannedStart := civil.Date{Year: pl.year, Month: time.Month(1 + g.rand.IntN(9)), Day: 1 + g.rand.IntN(28)}
	plannedCompletion := plannedStart.AddDays(300 + g.rand.IntN(300))
	m := projects.Milestones{PlannedStart: plannedStart, PlannedCompletion: plannedCompletion}
	pl.start, pl.complete = g.outcome(pl.year), g.outcome(pl.year+1)
	if edited {
		pl.year, pl.finishes, pl.start = CurrentYear, false, projects.Pending
		plannedStart = civil.Date{Year: pl.year, Month: time.Month(1 + g.rand.IntN(9)), Day: 1 + g.rand.IntN(28)}
		plannedCompletion = plannedStart.AddDays(300 + g.rand.IntN(300))
		m = projects.Milestones{PlannedStart: plannedStart, PlannedCompletion: plannedCompletion}
	}
	if pl.start == projects.Achieved || pl.start == projects.Partial {
		m.ActualStart = plannedStart.AddDays(g.rand.IntN(60))
	}
	if pl.finishes && m.ActualStart.Year != 0 && pl.complete == projects.Achieved {
		m.ActualCompletion = plannedCompletion.AddDays(g.rand.IntN(40))
		if m.ActualCompletion.Year > pl.year+1 {
			m.ActualCompletion = civil.LastDayOfYear(pl.year + 1)
		}
	}
	p := projects.Project{
		Name: name, Category: cat, Extent: street + "-" + cross,
		Unit: "区建设管理委员会", Description: "生成的基准测试项目。", Location: "杨浦区" + street,
		Milestones: m, Version: 1,
		CreatedAt: time.Date(pl.year-1, time.December, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
	p.UpdatedAt = p.CreatedAt.Add(24 * time.Hour)
	if pl.start == projects.Pending || (pl.finishes && pl.complete == projects.Pending) {
		p.DelayReason = reasons[g.rand.IntN(len(reasons))]
	}
	percent := 100
	if m.ActualCompletion.IsZero() {
		percent = g.rand.IntN(100)
	}
	p.PercentComplete = &percent
	return p, pl
}

// outcome of a target of year: the past is settled, mostly achieved; the
// last two years are still partly open.
func (g *generator) outcome(year int) projects.Outcome {
	roll := g.rand.IntN(100)
	switch {
	case year < CurrentYear-1 && roll < 90, year == CurrentYear-1 && roll < 70, year == CurrentYear && roll < 40:
		return projects.Achieved
	case year < CurrentYear-1 && roll < 95:
		return projects.Partial
	case year < CurrentYear-1:
		return projects.Missed
	}
	return projects.Pending
}

func (g *generator) targets(p projects.Project, pl plan) []projects.Target {
	ts := []projects.Target{g.target(p, projects.StartList, pl.year, pl.start)}
	if pl.finishes && pl.year+1 <= CurrentYear {
		outcome := pl.complete
		if p.Milestones.ActualCompletion.IsZero() && outcome == projects.Achieved {
			outcome = projects.Pending
		}
		ts = append(ts, g.target(p, projects.CompleteList, pl.year+1, outcome))
	}
	return ts
}

func (g *generator) target(p projects.Project, list projects.List, year int, outcome projects.Outcome) projects.Target {
	g.positions[year]++
	progress := "已按计划推进。"
	if outcome == projects.Achieved {
		progress = "已完成年度目标。"
	}
	return projects.Target{
		Year: year, List: list, Position: g.positions[year], ProjectID: p.ID, ListedName: p.Name,
		Deadline: civil.LastDayOfYear(year), Outcome: outcome, OutcomeByHand: outcome == projects.Partial || outcome == projects.Missed,
		Progress: progress, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// history is what an engineer would have recorded: the baseline, the
// start, and a progress note.
func (g *generator) history(p projects.Project) []projects.Change {
	at := p.CreatedAt
	cs := []projects.Change{
		{ProjectID: p.ID, At: at, UserName: "@command-line", Field: "planned_start", NewValue: p.Milestones.PlannedStart.String(), Public: true},
		{ProjectID: p.ID, At: at, UserName: "@command-line", Field: "planned_completion", NewValue: p.Milestones.PlannedCompletion.String(), Public: true},
	}
	if !p.Milestones.ActualStart.IsZero() {
		cs = append(cs, projects.Change{ProjectID: p.ID, At: at.Add(time.Hour), UserName: "@command-line", Field: "actual_start", NewValue: p.Milestones.ActualStart.String(), Public: true})
	}
	return cs
}
