package oc4ids

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/documents"
	"shuangshi/internal/photos"
	"shuangshi/internal/projects"
)

// PackageOf returns the package at uri that holds the given projects, in
// their order. Each project should come with all its targets; a project
// given twice is published once. The package is as of the last change to
// any of them, or now when there are none.
func PackageOf(uri string, ps []projects.Project, pub Publication, now time.Time) Package {
	pkg := Package{
		URI:       uri,
		Publisher: Publisher{Name: pub.Publisher},
		License:   pub.License,
		Version:   Version,
		Projects:  make([]Project, 0, len(ps)),
	}
	var last time.Time
	seen := map[int64]bool{}
	for _, p := range ps {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		pkg.Projects = append(pkg.Projects, ProjectOf(p, pub))
		if changed := p.LastChanged(); changed.After(last) {
			last = changed
		}
	}
	if last.IsZero() {
		last = now
	}
	pkg.PublishedDate = pub.instant(last)
	return pkg
}

// ProjectOf maps a project, with all its targets, to OC4IDS. It reads only
// public fields: the delay reason, the internal note and whether an outcome
// was recorded by hand are never published.
func ProjectOf(p projects.Project, pub Publication) Project {
	out := Project{
		ID:          pub.ProjectID(p.ID),
		Updated:     pub.instant(p.LastChanged()),
		Language:    Language,
		Title:       p.Name,
		Description: p.Description,
		Status:      StatusOf(p),
		Type:        TypeOf(p.Name),
		Sector:      SectorsOf(p.Category, p.Name),
		Period:      pub.period(p.PlannedStart, p.PlannedCompletion),
		Documents: []Document{{
			ID: "page", Title: "项目公开页面", URL: pub.SiteURL + projects.ProjectURL(p.ID),
			Format: "text/html", Language: Language,
		}},
	}
	// The location in words where an administrator gave one, else the
	// stretch of the works the name carries.
	if where := strings.TrimSpace(strings.Join([]string{p.Location, p.Extent}, " ")); where != "" {
		out.Locations = []Location{{ID: "1", Description: where}}
	}
	if p.Unit != "" {
		// The responsible unit owns the project for the district: OC4IDS's
		// public authority.
		out.Parties = []Organization{{ID: "1", Name: p.Unit, Roles: []string{"publicAuthority"}}}
		out.PublicAuthority = &OrganizationReference{ID: "1", Name: p.Unit}
	}
	if p.PercentComplete != nil {
		// CoST's "a single progress figure": the engineer's estimate as of
		// the project's last save.
		at := pub.instant(p.UpdatedAt)
		out.Metrics = []Metric{{
			ID: "physicalProgress", Title: "形象进度",
			Observations: []Observation{{
				ID: "1", Period: &Period{StartDate: at, EndDate: at}, Measure: json.Number(strconv.Itoa(*p.PercentComplete)),
				Unit: &Unit{Name: "percent", Scheme: "UNCEFACT", ID: "P1"},
			}},
		}}
	}
	for _, t := range p.Targets {
		out.Milestones = append(out.Milestones, pub.milestone(t, p))
	}
	out.Budget = pub.budget(p)
	if !p.ActualCompletion.IsZero() {
		out.Completion = &Completion{EndDate: pub.startOfDay(p.ActualCompletion)}
		if !p.ActualCompletion.HasDay() {
			out.Completion.EndDateDetails = fmt.Sprintf("%d年竣工，具体日期未记录。", p.ActualCompletion.Year)
		}
	}
	return out
}

// ProjectID returns the OC4IDS identifier of the site's project number id:
// the prefix, a hyphen and the number.
func (pub Publication) ProjectID(id int64) string {
	return pub.Prefix + "-" + strconv.FormatInt(id, 10)
}

// StatusOf returns the phase a project is in: completion once the works are
// completed, implementation once they have started, preparation before. A
// target achieved (or partly achieved) says as much as a date does: an
// achieved completion target means completion, any other achieved or
// partial target means the works have started.
func StatusOf(p projects.Project) Status {
	status := StatusPreparation
	raise := func(s Status) {
		if s == StatusCompletion || status == StatusPreparation {
			status = s
		}
	}
	switch p.State() {
	case projects.Completed:
		raise(StatusCompletion)
	case projects.Started:
		raise(StatusImplementation)
	}
	for _, t := range p.Targets {
		switch {
		case t.Outcome == projects.Achieved && t.List == projects.CompleteList:
			raise(StatusCompletion)
		case t.Outcome == projects.Achieved, t.Outcome == projects.Partial:
			raise(StatusImplementation)
		}
	}
	return status
}

// bracketed matches the bracketed extent of a name, "（爱国路-白洋淀小区）":
// street names there (新建路 is one in Shanghai) do not say what the works
// are.
var bracketed = regexp.MustCompile(`（[^）]*）|\([^)]*\)`)

// typeWords are checked in order; the first match decides.
var typeWords = []struct {
	projectType Type
	words       []string
}{
	{TypeConstruction, []string{"新建"}},
	{TypeExpansion, []string{"改建", "拓宽", "扩建"}},
	{TypeRehabilitation, []string{"维修", "修缮", "整治", "提标", "提升", "加固", "大修", "改造"}},
}

// TypeOf infers the project type from a project's name: 新建 (new) is
// construction; 改建, 拓宽, 扩建 (rebuilding, widening, extension) are
// expansion; 维修, 修缮, 整治, 提标, 提升, 加固, 大修, 改造 (repair,
// improvement, upgrading to a higher standard, strengthening) are
// rehabilitation; any other name (a tunnel, a substation, supporting works)
// is construction.
func TypeOf(name string) Type {
	bare := bracketed.ReplaceAllString(name, "")
	for _, rule := range typeWords {
		for _, w := range rule.words {
			if strings.Contains(bare, w) {
				return rule.projectType
			}
		}
	}
	return TypeConstruction
}

// floodWords mark the water works that hold water back, rather than
// drain it.
var floodWords = []string{"防汛墙", "堤防", "水闸"}

// SectorsOf returns the sectors of a project of category c named name.
// Roads, bridges and tunnels are road transport (the codelist's
// transport.road includes tunnels and bridges); rail is rail transport;
// power is energy (the codelist has no code for the grid below energy);
// water works are flood protection when the name says flood wall, levee or
// sluice, and water and waste (drainage, storage) otherwise.
func SectorsOf(c projects.Category, name string) []Sector {
	switch c {
	case projects.Rail:
		return []Sector{SectorTransport, SectorRail}
	case projects.Power:
		return []Sector{SectorEnergy}
	case projects.Water:
		bare := bracketed.ReplaceAllString(name, "")
		for _, w := range floodWords {
			if strings.Contains(bare, w) {
				return []Sector{SectorNaturalResource, SectorFloodProtection}
			}
		}
		return []Sector{SectorWaterAndWaste}
	}
	return []Sector{SectorTransport, SectorRoad}
}

// listWords are the report's words for the lists.
var listWords = map[projects.List]string{projects.StartList: "开工", projects.CompleteList: "竣工"}

// milestone maps target t of project p. The milestone is identified by its
// year and list, which are unique for a project.
func (pub Publication) milestone(t projects.Target, p projects.Project) Milestone {
	word := listWords[t.List]
	m := Milestone{
		ID:    strconv.Itoa(t.Year) + "-" + string(t.List),
		Title: fmt.Sprintf("%d年“双十”%s目标", t.Year, word),
		// OCDS's delivery milestones are "the date when a good or service
		// is to be provided"; the codelist has nothing closer for the
		// start or completion of works.
		Type:         "delivery",
		DueDate:      pub.endOfDay(t.Deadline.Latest()),
		DateModified: pub.instant(t.UpdatedAt),
		Status:       MilestoneStatusOf(t.Outcome),
	}
	var lines []string
	if t.ListedName != p.Name {
		lines = append(lines, "当年名单所列名称："+t.ListedName)
	}
	if t.Progress != "" {
		lines = append(lines, "推进情况："+t.Progress)
	}
	actual := p.ActualStart
	if t.List == projects.CompleteList {
		actual = p.ActualCompletion
	}
	if (t.Outcome == projects.Achieved || t.Outcome == projects.Missed) && !actual.IsZero() {
		m.DateMet = pub.startOfDay(actual)
		if !actual.HasDay() {
			lines = append(lines, fmt.Sprintf("%d年%s，具体日期未记录。", actual.Year, word))
		}
	}
	m.Description = strings.Join(lines, "\n")
	return m
}

// MilestoneStatusOf maps a target's recorded outcome. A pending target is
// scheduled even past its deadline: the status is as of the milestone's
// dateModified, and whether it is overdue today follows from its dueDate.
func MilestoneStatusOf(o projects.Outcome) MilestoneStatus {
	switch o {
	case projects.Achieved:
		return MilestoneMet
	case projects.Partial:
		return MilestonePartiallyMet
	case projects.Missed:
		return MilestoneNotMet
	}
	return MilestoneScheduled
}

// period returns the planned period, or nil when neither side is known to
// the day.
func (pub Publication) period(start, end civil.Date) *Period {
	p := Period{StartDate: pub.startOfDay(start), EndDate: pub.endOfDay(end)}
	if p == (Period{}) {
		return nil
	}
	return &p
}

// startOfDay returns the first moment of day d in the district, or "" when
// d is not known to the day: a year alone never becomes an invented day.
func (pub Publication) startOfDay(d civil.Date) string {
	if !d.HasDay() {
		return ""
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, pub.Location).Format(time.RFC3339)
}

// endOfDay returns the last second of day d in the district, or "" when d
// is not known to the day. A deadline or a period's end includes its day.
func (pub Publication) endOfDay(d civil.Date) string {
	if !d.HasDay() {
		return ""
	}
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, pub.Location).Format(time.RFC3339)
}

// instant returns a moment in the district's time, or "" for the zero time.
func (pub Publication) instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(pub.Location).Format(time.RFC3339)
}

// DocumentTypeOf returns the documentType code of a document of kind k:
// an acceptance certificate (竣工验收) is the codelist's
// completionCertificate, "issued by a relevant authority providing
// evidence that works were completed". The codelist has no code for a
// construction permit (施工许可证); it is open, and a permit takes a code
// of the same form, constructionPermit, which the schema accepts and the
// data review tool lists as not in the codelist. Another paper has none.
func DocumentTypeOf(k documents.Kind) string {
	switch k {
	case documents.Acceptance:
		return "completionCertificate"
	case documents.Permit:
		return "constructionPermit"
	}
	return ""
}

// attach adds each public document to its project's documents, after the
// project's page, as a PDF download.
func (pub Publication) attach(ps []Project, docs []documents.Document) {
	index := map[string]int{}
	for i, p := range ps {
		index[p.ID] = i
	}
	for _, d := range docs {
		i, ok := index[pub.ProjectID(d.ProjectID)]
		if !ok {
			continue
		}
		doc := Document{
			ID: "document-" + strconv.FormatInt(d.ID, 10), DocumentType: DocumentTypeOf(d.Kind), Title: d.Title,
			URL: pub.SiteURL + documents.URL(d.ID), Format: "application/pdf", Language: Language,
		}
		if d.PublishedAt != nil {
			doc.DatePublished = pub.instant(*d.PublishedAt)
		}
		ps[i].Documents = append(ps[i].Documents, doc)
	}
}

// attachPhotos adds a project's public photos from the site to its
// documents, as OC4IDS's illustration: visual evidence of physical
// progress, dated by when it was uploaded.
func (pub Publication) attachPhotos(ps []Project, projectID int64, pics []photos.Photo) {
	id := pub.ProjectID(projectID)
	for i := range ps {
		if ps[i].ID != id {
			continue
		}
		for _, pic := range pics {
			title := pic.Caption
			if title == "" {
				title = "形象进度照片"
			}
			ps[i].Documents = append(ps[i].Documents, Document{
				ID: "photo-" + strconv.FormatInt(pic.ID, 10), DocumentType: "illustration", Title: title,
				URL: pub.SiteURL + pic.FullURL(), Format: "image/jpeg", Language: Language,
				DatePublished: pub.instant(pic.UploadedAt),
			})
		}
	}
}
