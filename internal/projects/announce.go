package projects

import (
	"context"

	"shuangshi/internal/auth"
)

// NoticeKind names something staff are told of at once, where they read
// work notices (e-mail, WeCom, DingTalk), rather than in the next digest.
type NoticeKind string

// The notices sent at once.
const (
	// NoticeCaseOpened: a supervisor pressed for an answer (督办) on a
	// target; told to the engineers assigned to its project.
	NoticeCaseOpened NoticeKind = "case-opened"
	// NoticeCaseAnswered: an engineer answered a 督办; told to the
	// supervisor who opened it.
	NoticeCaseAnswered NoticeKind = "case-answered"
	// NoticeCaseEscalated: a 督办 passed its due date unanswered; told to
	// the engineers assigned and to every supervisor.
	NoticeCaseEscalated NoticeKind = "case-escalated"
	// NoticeReviewReturned: a reviewer returned a change before
	// publication; told to the engineers assigned to the project.
	NoticeReviewReturned NoticeKind = "review-returned"
)

// Notice is one thing to tell some members of staff. It carries what it is
// about, not its words: the words are made when it is sent, in each
// reader's language, from what the site holds then.
type Notice struct {
	Kind      NoticeKind
	ProjectID int64
	TargetID  int64 // 0 when the notice is about the project as a whole
	CaseID    int64 // the 督办 (comment) concerned, if any
	To        []int64
	// Key makes the notice unique: the same key is queued once however
	// often it is offered (an escalation found on every round, say).
	Key string
}

// Announcer queues notices to be sent. Queuing is quick and durable; the
// sending happens after, retried until it is done.
type Announcer interface {
	Announce(ctx context.Context, n Notice) error
}

// AnnounceToEngineers queues a notice to the engineers assigned to its
// project (nothing, when none is).
func AnnounceToEngineers(ctx context.Context, announcer Announcer, users *auth.Store, n Notice) error {
	engineers, err := users.AssignedUsers(ctx, []int64{n.ProjectID})
	if err != nil {
		return err
	}
	for _, u := range engineers[n.ProjectID] {
		n.To = append(n.To, u.ID)
	}
	if len(n.To) == 0 {
		return nil
	}
	return announcer.Announce(ctx, n)
}
