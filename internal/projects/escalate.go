package projects

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
)

// Escalations tells, once, of every case (督办) found late: to the
// engineers assigned to its project, the supervisor who opened it and
// every other supervisor. The console and the digests mark late cases
// whether or not anyone is told.
type Escalations struct {
	store     *Store
	users     *auth.Store
	announcer Announcer
	now       func() time.Time
	location  *time.Location
	log       *slog.Logger
}

// NewEscalations returns the escalations of the cases in store, told
// through announcer; days are reckoned in loc.
func NewEscalations(store *Store, users *auth.Store, announcer Announcer, now func() time.Time, loc *time.Location, log *slog.Logger) *Escalations {
	return &Escalations{store: store, users: users, announcer: announcer, now: now, location: loc, log: log}
}

// Sweep escalates the cases late today not escalated yet, and reports how
// many. Each is queued under a key of the case and its due date, so two
// servers sweeping at once queue it once, and marked escalated after, so
// a case reopened with a new date can be escalated again.
func (e *Escalations) Sweep(ctx context.Context) (int, error) {
	cases, err := e.store.UnclosedCases(ctx)
	if err != nil {
		return 0, err
	}
	today := civil.DateOf(e.now().In(e.location))
	var late []Comment
	targetIDs := []int64{}
	for _, c := range cases {
		if c.Late(today) && c.EscalatedAt == nil {
			late = append(late, c)
			targetIDs = append(targetIDs, c.TargetID)
		}
	}
	if len(late) == 0 {
		return 0, nil
	}
	// Who is told, read once for every late case.
	targets, err := e.store.CaseTargets(ctx, targetIDs)
	if err != nil {
		return 0, err
	}
	projectIDs := make([]int64, 0, len(targets))
	for _, t := range targets {
		projectIDs = append(projectIDs, t.ProjectID)
	}
	engineers, err := e.users.AssignedUsers(ctx, projectIDs)
	if err != nil {
		return 0, err
	}
	supervisors, err := e.supervisors(ctx)
	if err != nil {
		return 0, err
	}
	escalated := 0
	for _, c := range late {
		projectID := targets[c.TargetID].ProjectID
		n := Notice{Kind: NoticeCaseEscalated, ProjectID: projectID, TargetID: c.TargetID, CaseID: c.ID,
			To:  tellOnce(engineers[projectID], c.AuthorID, supervisors),
			Key: string(NoticeCaseEscalated) + ":" + strconv.FormatInt(c.ID, 10) + ":" + c.DueOn.String()}
		if err := e.announcer.Announce(ctx, n); err != nil {
			return escalated, err
		}
		if _, err := e.store.MarkEscalated(ctx, c.ID); err != nil {
			return escalated, err
		}
		escalated++
	}
	return escalated, nil
}

// supervisors returns the active supervisors' IDs.
func (e *Escalations) supervisors(ctx context.Context) ([]int64, error) {
	users, err := e.users.Users(ctx)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, u := range users {
		if u.Active && u.Role == auth.Supervisor {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

// tellOnce lists who is told of an escalation, each once.
func tellOnce(engineers []auth.User, author *int64, supervisors []int64) []int64 {
	seen := map[int64]bool{}
	var to []int64
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			to = append(to, id)
		}
	}
	for _, u := range engineers {
		add(u.ID)
	}
	if author != nil {
		add(*author)
	}
	for _, id := range supervisors {
		add(id)
	}
	return to
}

// Run sweeps every quarter of an hour until ctx ends; with nothing to tell
// through, it returns at once.
func (e *Escalations) Run(ctx context.Context) {
	if e.announcer == nil {
		return
	}
	ticker := time.NewTicker(15 * time.Minute)
	defer ticker.Stop()
	for {
		if n, err := e.Sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("escalating late 督办", "error", err)
		} else if n > 0 {
			e.log.Info("late 督办 escalated", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
