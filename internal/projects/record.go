package projects

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The limits of a project's identity, as administrators type it.
const (
	MaxNameLength        = 200
	MaxShortTextLength   = 200 // English name, extent, unit, location
	MaxDescriptionLength = 2000
)

// The fields of a project's identity, as the history names them. Creating,
// archiving and restoring a project, and a target added to or removed from
// a list or given a new deadline, are in the history too.
const (
	FieldName        = "name"
	FieldNameEn      = "name_en"
	FieldCategory    = "category"
	FieldExtent      = "extent"
	FieldUnit        = "unit"
	FieldDescription = "description"
	FieldLocation    = "location"
	FieldCreated     = "created"
	FieldArchived    = "archived"
	FieldListed      = "listed"
	FieldUnlisted    = "unlisted"
	FieldDeadline    = "deadline"
)

// ProjectForm is the administrators' form of a project's identity, as
// typed: what a refused form shows again.
type ProjectForm struct {
	Version     string
	Name        string
	NameEn      string
	Category    string
	Extent      string
	Unit        string
	Description string
	Location    string
}

// ProjectFormOf returns the form filled with a project's stored identity.
func ProjectFormOf(p Project) ProjectForm {
	return ProjectForm{
		Version: strconv.FormatInt(p.Version, 10),
		Name:    p.Name, NameEn: p.NameEn, Category: string(p.Category), Extent: p.Extent,
		Unit: p.Unit, Description: p.Description, Location: p.Location,
	}
}

// ParseProjectForm reads a posted project form. Texts are cleaned as every
// typed text is; every field but the description is one line.
func ParseProjectForm(values url.Values) ProjectForm {
	line := func(key string) string { return oneLine(cleanText(values.Get(key))) }
	return ProjectForm{
		Version: strings.TrimSpace(values.Get("version")),
		Name:    line("name"), NameEn: line("name_en"), Category: line("category"), Extent: line("extent"),
		Unit: line("unit"), Description: cleanText(values.Get("description")), Location: line("location"),
	}
}

// oneLine joins the lines of a text that must be one line with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Check validates the form and returns the project as it will be, starting
// from before (the stored project, or a zero Project for a new one), with
// the changes that make it so, for the history. Nothing is to be saved
// when there is any problem.
//
// The rules: a name, of at most 200 characters; a category, by its code
// ("road") or its character ("路"); the other one-line texts at most 200
// characters and the description at most 2000. Whether another project
// already has the name is for the store to say.
func (f ProjectForm) Check(before Project) (Project, []Change, Problems) {
	problems := Problems{}
	after := before
	after.Name, after.NameEn, after.Extent, after.Unit = f.Name, f.NameEn, f.Extent, f.Unit
	after.Description, after.Location = f.Description, f.Location
	switch {
	case f.Name == "":
		problems["name"] = Problem{ID: "record.name_missing"}
	case utf8.RuneCountInString(f.Name) > MaxNameLength:
		problems["name"] = Problem{ID: "record.too_long", Args: []any{"Max", MaxNameLength}}
	}
	if f.Category == "" {
		problems["category"] = Problem{ID: "record.category_missing"}
	} else if c, err := ParseCategory(f.Category); err != nil {
		problems["category"] = Problem{ID: "record.category_unknown"}
	} else {
		after.Category = c
	}
	for key, v := range map[string]string{"name_en": f.NameEn, "extent": f.Extent, "unit": f.Unit, "location": f.Location} {
		if utf8.RuneCountInString(v) > MaxShortTextLength {
			problems[key] = Problem{ID: "record.too_long", Args: []any{"Max", MaxShortTextLength}}
		}
	}
	if utf8.RuneCountInString(f.Description) > MaxDescriptionLength {
		problems["description"] = Problem{ID: "record.too_long", Args: []any{"Max", MaxDescriptionLength}}
	}
	if len(problems) > 0 {
		return before, nil, problems
	}
	var changes []Change
	for _, field := range []struct {
		name          string
		before, after string
	}{
		{FieldName, before.Name, after.Name},
		{FieldNameEn, before.NameEn, after.NameEn},
		{FieldCategory, string(before.Category), string(after.Category)},
		{FieldExtent, before.Extent, after.Extent},
		{FieldUnit, before.Unit, after.Unit},
		{FieldDescription, before.Description, after.Description},
		{FieldLocation, before.Location, after.Location},
	} {
		if field.before != field.after {
			changes = append(changes, Change{ProjectID: before.ID, Field: field.name, OldValue: field.before, NewValue: field.after, Public: true})
		}
	}
	return after, changes, nil
}

// Fields returns the form's values by field name, for showing two
// versions side by side.
func (f ProjectForm) Fields() map[string]string {
	return map[string]string{
		FieldName: f.Name, FieldNameEn: f.NameEn, FieldCategory: f.Category, FieldExtent: f.Extent,
		FieldUnit: f.Unit, FieldDescription: f.Description, FieldLocation: f.Location,
	}
}

// ProjectFormFields are the fields of the project form, in the page's
// order.
func ProjectFormFields() []string {
	return []string{FieldName, FieldNameEn, FieldCategory, FieldExtent, FieldUnit, FieldLocation, FieldDescription}
}

// CleanLine cleans a typed one-line text as every form does: valid UTF-8,
// no control characters, spaces collapsed.
func CleanLine(s string) string { return oneLine(cleanText(s)) }
