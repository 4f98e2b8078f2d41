package views

import (
	"time"

	"shuangshi/internal/civil"
)

// CalendarPage is where a member of staff makes, replaces or ends the
// address of their personal calendar feed.
type CalendarPage struct {
	Nav Nav
	// Everything: the feed covers every project (a supervisor's), not only
	// the projects assigned to the user.
	Everything bool
	// Since is when the current address was made; zero when there is none.
	Since time.Time
	// FeedURL and WebcalURL are the new address, shown once, just after it
	// was made: only its hash is kept.
	FeedURL   string
	WebcalURL string
}

// DigestPage is a user's daily digest, on the site.
type DigestPage struct {
	Nav        Nav
	AsOf       civil.Date
	Everything bool // every project, not only the user's
	StaleDays  int
	Overdue    []DigestItem
	AtRisk     []DigestItem
	Stale      []DigestProject
	// Waiting and Answers are the 督办 waiting for an answer (an
	// engineer's; a supervisor's late ones) and those answered, waiting
	// for a supervisor to close them.
	Waiting []DigestCase
	Answers []DigestCase
	// Reports is the month just ended's 月报: its 填报率 for supervisors,
	// the projects still owing theirs.
	Reports *DigestReports
	// Email is where the digest is sent, "" when the user gave none;
	// Mailing says whether the site sends e-mail at all, from Hour o'clock.
	Email   string
	Mailing bool
	Hour    int
}

// DigestItem is a target past its deadline or close to it.
type DigestItem struct {
	Name       string
	NameEn     string
	ProjectURL string
	Year       int
	List       string
	Deadline   civil.Date
	Days       int // overdue by, or left
}

// DigestCase is a 督办 in a digest.
type DigestCase struct {
	Name     string
	NameEn   string
	URL      string // the target's page of cases
	Year     int
	List     string
	Due      civil.Date
	Late     bool
	Question string // what the supervisor asked
}

// DigestProject is a project nobody has updated for a while.
type DigestProject struct {
	Name       string
	NameEn     string
	URL        string
	LastUpdate civil.Date
}

// DigestReports is a digest's monthly reports: the month, its 填报率
// (Rate nil for an engineer's digest) and the projects still owing the
// report, each linked to its form.
type DigestReports struct {
	Year, Month int
	Rate        *int64
	Filed, Due  int
	URL         string
	Missing     []DigestProject
}
