// Package oc4ids publishes the record as open data in the Open Contracting
// for Infrastructure Data Standard (OC4IDS), version 0.9: a project package
// for each year's lists and for each project. The README's OC4IDS section
// says which field comes from where and why.
//
// The mapping is a set of plain functions on the record's types, so that it
// is tested without HTTP. It reads only what the public pages show: never a
// delay reason, an internal note, who changed what, or which engineers
// answer for a project.
package oc4ids

import (
	"encoding/json"
	"time"
)

// Version is the OC4IDS version the packages declare: major.minor, as the
// package schema requires. The fields used are those of the latest 0.9
// release (0.9.5), which added the project-level milestones and language.
const Version = "0.9"

// DefaultPrefix is the project identifier prefix used until the district
// registers one with the OC4IDS Helpdesk (data@open-contracting.org).
// Registered prefixes are "oc4ids-" and six random characters, so this
// longer one cannot collide with any of them; it is still not registered,
// and identifiers built on it are unique only as long as nobody else
// chooses it.
const DefaultPrefix = "oc4ids-shuangshi"

// DefaultPublisher names the publisher when the wiring gives no name.
const DefaultPublisher = "双十"

// Language is the language of the free-text fields (titles, descriptions,
// progress texts): as the district writes them, in Chinese. OC4IDS wants one
// package per language rather than translated fields side by side, and
// recommends the two-letter ISO 639-1 code.
const Language = "zh"

// Package is an OC4IDS project package: the wrapper every OC4IDS
// publication needs, with its projects.
type Package struct {
	URI           string    `json:"uri"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	License       string    `json:"license,omitempty"`
	Version       string    `json:"version"`
	Projects      []Project `json:"projects"`
}

// Publisher is who publishes the package.
type Publisher struct {
	Name string `json:"name"`
}

// Project is one infrastructure project in OC4IDS. Fields the record cannot
// fill (budget, contracting processes, …) are left out, never sent empty.
type Project struct {
	ID              string                 `json:"id"`
	Updated         string                 `json:"updated,omitempty"`
	Language        string                 `json:"language,omitempty"`
	Title           string                 `json:"title"`
	Description     string                 `json:"description,omitempty"`
	Status          Status                 `json:"status"`
	Type            Type                   `json:"type"`
	Sector          []Sector               `json:"sector"`
	Period          *Period                `json:"period,omitempty"`
	Locations       []Location             `json:"locations,omitempty"`
	Parties         []Organization         `json:"parties,omitempty"`
	PublicAuthority *OrganizationReference `json:"publicAuthority,omitempty"`
	Budget          *Budget                `json:"budget,omitempty"`
	Documents       []Document             `json:"documents,omitempty"`
	Metrics         []Metric               `json:"metrics,omitempty"`
	Milestones      []Milestone            `json:"milestones,omitempty"`
	Completion      *Completion            `json:"completion,omitempty"`
}

// Status is a code of the closed projectStatus codelist.
type Status string

// The projectStatus codes the record can tell apart. Identification and
// cancellation are not recorded, and "completed" is deprecated since 0.9.4
// in favour of "maintenance", which the record cannot vouch for either.
const (
	StatusPreparation    Status = "preparation"
	StatusImplementation Status = "implementation"
	StatusCompletion     Status = "completion"
)

// Type is a code of the closed projectType codelist.
type Type string

// The projectType codes a project's name can give.
const (
	TypeConstruction   Type = "construction"
	TypeRehabilitation Type = "rehabilitation"
	TypeExpansion      Type = "expansion"
)

// Sector is a code of the open projectSector codelist. A subsector is always
// published with its sector ("transport", "transport.road").
type Sector string

// The projectSector codes the record's categories map to.
const (
	SectorTransport       Sector = "transport"
	SectorRoad            Sector = "transport.road"
	SectorRail            Sector = "transport.rail"
	SectorWaterAndWaste   Sector = "waterAndWaste"
	SectorNaturalResource Sector = "naturalResources"
	SectorFloodProtection Sector = "naturalResources.floodProtection"
	SectorEnergy          Sector = "energy"
)

// Period is a span of time. A side the record knows only to the year is
// left out rather than pinned to an invented day.
type Period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Location is where the works are, in words.
type Location struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// Organization is a party to the project.
type Organization struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// OrganizationReference points at an entry of the project's parties.
type OrganizationReference struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Document links to a page or file about the project.
type Document struct {
	ID string `json:"id"`
	// DocumentType is a code of the open documentType codelist.
	DocumentType  string `json:"documentType,omitempty"`
	Title         string `json:"title"`
	Description   string `json:"description,omitempty"`
	URL           string `json:"url"`
	Format        string `json:"format"`
	Language      string `json:"language"`
	DatePublished string `json:"datePublished,omitempty"`
}

// Metric is a measured quantity of the project with its observations.
type Metric struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Observations []Observation `json:"observations"`
}

// Observation is one measurement of a metric: a financial one has a Value,
// any other a Measure in a Unit.
type Observation struct {
	ID      string      `json:"id"`
	Period  *Period     `json:"period,omitempty"`
	Value   *Value      `json:"value,omitempty"`
	Measure json.Number `json:"measure,omitempty"`
	Unit    *Unit       `json:"unit,omitempty"`
	Notes   string      `json:"notes,omitempty"`
}

// Unit is a unit of measure from a scheme, UN/CEFACT's here.
type Unit struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// Milestone is one 双十 target of the project: a commitment to start or to
// complete the works by a deadline, with what became of it.
type Milestone struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Type         string          `json:"type"`
	Description  string          `json:"description,omitempty"`
	DueDate      string          `json:"dueDate,omitempty"`
	DateMet      string          `json:"dateMet,omitempty"`
	DateModified string          `json:"dateModified,omitempty"`
	Status       MilestoneStatus `json:"status"`
}

// MilestoneStatus is a code of the closed milestoneStatus codelist.
type MilestoneStatus string

// The milestoneStatus codes.
const (
	MilestoneScheduled    MilestoneStatus = "scheduled"
	MilestoneMet          MilestoneStatus = "met"
	MilestoneNotMet       MilestoneStatus = "notMet"
	MilestonePartiallyMet MilestoneStatus = "partiallyMet"
)

// Completion is what is known at the project's completion.
type Completion struct {
	EndDate        string `json:"endDate,omitempty"`
	EndDateDetails string `json:"endDateDetails,omitempty"`
}

// Publication says who publishes the data and how it is written: the
// publisher, the identifier prefix, the licence, the site's address for
// links and the time zone the record's calendar dates are days of.
type Publication struct {
	Publisher string
	// Prefix is the registered project identifier prefix, without the
	// hyphen that joins it to the site's project number.
	Prefix string
	// License is the URI of the data's licence; empty leaves it out until
	// the district chooses one.
	License string
	// SiteURL is the site's absolute address, without a trailing slash.
	SiteURL  string
	Location *time.Location
}

// DefaultPublication returns the publication with the default publisher and
// prefix, no licence, dates in loc and links under siteURL.
func DefaultPublication(siteURL string, loc *time.Location) Publication {
	return Publication{Publisher: DefaultPublisher, Prefix: DefaultPrefix, SiteURL: siteURL, Location: loc}
}
