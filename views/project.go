package views

import "shuangshi/internal/civil"

// ProjectPage is the public page of one project.
type ProjectPage struct {
	Nav         Nav
	AsOf        civil.Date
	Name        string
	NameEn      string
	Category    string
	Extent      string
	Unit        string
	Description string
	State       string
	Milestones  Milestones
	Percent     *int
	// Rebaselined is set once the planned dates were changed: the original
	// baseline and the slip in days (positive: later) are shown beside them.
	Rebaselined        bool
	OriginalStart      civil.Date
	OriginalCompletion civil.Date
	SlipStart          *int
	SlipCompletion     *int
	Targets            []ProjectTarget
	JSONURL            string
	HistoryURL         string
	// Internal is set for signed-in staff, who also see who answers for
	// the project, why it is late and the internal note.
	Internal     bool
	Engineers    []string
	DelayReason  string
	InternalNote string
	// EditURL is set for a user who may edit the project; MonthlyURL too,
	// while it is on a public, open list to report for.
	EditURL    string
	MonthlyURL string
	// Investment is the project's total investment, plans, 序时进度 and
	// monthly reports.
	Investment MonthlySeries
	// Assigning is set for an administrator, who assigns engineers to the
	// project and takes them off it here.
	Assigning *ProjectAssigning
	// Review is, for staff, where the newest public fields stand in
	// review: "pending", "returned", or "" when the public reads them.
	Review string
	// Documents are the documents its reader may read (nil: none).
	Documents *ProjectDocuments
	// Photos are the photos from the site (形象进度).
	Photos PhotoTimeline
}

// ProjectAssigning is the form that assigns an engineer to a project, with
// the engineers assigned, each with the address that takes them off it.
type ProjectAssigning struct {
	Action   string
	Choices  []Option // the active engineers not assigned yet; Label is a name, not a message id
	Assigned []AssignedEngineer
}

// AssignedEngineer is an engineer assigned to a project.
type AssignedEngineer struct {
	Name         string
	RemoveAction string
}

// Milestones are a project's planned and actual dates.
type Milestones struct {
	PlannedStart      civil.Date
	PlannedCompletion civil.Date
	ActualStart       civil.Date
	ActualCompletion  civil.Date
}

// ProjectTarget is one target a project has had.
type ProjectTarget struct {
	Year       int
	YearURL    string
	ByHand     bool // the outcome was recorded by a person
	Number     int  // 序号; 0 for a draft's target, whose number is not settled
	ListedName string
	List       string
	Deadline   civil.Date
	Status     string
	Progress   string
}
