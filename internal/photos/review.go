package photos

import (
	"context"
	"strconv"

	"shuangshi/internal/auth"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

// Queue is the photos' part of the review queue (review.PhotoQueue).
type Queue struct {
	h *Handler
}

// Queue returns the photos' part of the review queue.
func (h *Handler) Queue() *Queue { return &Queue{h: h} }

// Waiting is the photos waiting for review, the longest waiting first, at
// most limit, with their projects' names; nil when none wait.
func (q *Queue) Waiting(ctx context.Context, limit int) (*views.ReviewPhotos, error) {
	ps, n, err := q.h.store.Waiting(ctx, limit)
	if err != nil || n == 0 {
		return nil, err
	}
	names := map[int64]projects.Project{}
	rp := &views.ReviewPhotos{Waiting: n}
	for _, p := range ps {
		pr, ok := names[p.ProjectID]
		if !ok {
			if pr, err = q.h.projects.Project(ctx, p.ProjectID); err != nil {
				return nil, err
			}
			names[p.ProjectID] = pr
		}
		rp.Photos = append(rp.Photos, views.ReviewPhoto{
			PhotoView: q.h.view(p, true, false), ProjectName: pr.Name, ProjectNameEn: pr.NameEn,
			ProjectURL: projects.ProjectURL(p.ProjectID) + "#photo-" + strconv.FormatInt(p.ID, 10),
		})
	}
	return rp, nil
}

// WaitingCount is how many photos wait.
func (q *Queue) WaitingCount(ctx context.Context) (int64, error) { return q.h.store.WaitingCount(ctx) }

// Approve publishes the photos that still wait of ids.
func (q *Queue) Approve(ctx context.Context, ids []int64, by auth.Actor) (int, error) {
	return q.h.store.Approve(ctx, ids, by)
}

// Return sends a photo back with a comment; ErrNotFound when it no
// longer waits.
func (q *Queue) Return(ctx context.Context, id int64, comment string, by auth.Actor) error {
	return q.h.store.Return(ctx, id, comment, by)
}
