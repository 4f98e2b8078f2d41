package views

import "shuangshi/internal/civil"

// Standing is where a year's list stands in its life cycle, as the year's
// pages say it: a draft (staff only), published on a day, closed on a day.
type Standing struct {
	State       string // "draft", "published" or "closed"
	PublishedOn civil.Date
	ClosedOn    civil.Date
}

// ListEvent is an entry of a list's public history: its publication, its
// close, a reopening, and each target added, removed, moved or carried
// over while it was public.
type ListEvent struct {
	On   civil.Date
	Kind string // a projects.YearEventKind
	// Name and Number are the target's, for an event of a target;
	// OldNumber is its number before a move.
	Name      string
	Number    int
	OldNumber int
	// Who and Reason are shown to staff only.
	Who    string
	Reason string
}
