package projects

import (
	"context"
	"errors"
	"strconv"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/web"

	"github.com/labstack/echo/v4"
)

// A project is kept current through two forms: the edit page, which shows
// every field, and the quick update of the next target's progress on My
// projects. Both go through Update, so they parse, check, merge and save
// alike; each handler only renders its own form from the outcome.

// OnCleanMerge is what Update does with a form made from an older version
// of the project that merges onto the stored one without a clash.
type OnCleanMerge int

const (
	// ReviewMerge shows the merged form for the user to check and submit
	// again: the edit page, which shows every field someone else changed.
	ReviewMerge OnCleanMerge = iota
	// SaveMerge checks and saves the merged form: the quick update, whose
	// card shows one field, so nothing else of the merge is for the user
	// to review.
	SaveMerge
)

// UpdateOutcome is what became of a submitted form, one of three: refused
// (Problems has some), stopped by a conflict (Conflict is set), or saved.
type UpdateOutcome struct {
	// Form is the form as submitted, or, when it was merged cleanly and
	// then checked (SaveMerge), as merged: what a refusal shows again.
	Form EditForm
	// Saved is the project as saved, and Changes what changed; none when
	// the form changed nothing, which is saved all the same.
	Saved   Project
	Changes []Change
	// Problems are why the form was refused, by field.
	Problems Problems
	// Conflict is set when the form was made from an older version of the
	// project, or someone saved while it was being saved.
	Conflict *Conflict
}

// Conflict is a form made from an older version of a project, merged onto
// the stored one (see Merge).
type Conflict struct {
	Current Project  // as stored now
	Merged  EditForm // the form merged onto Current
	Clashes []string // the fields the user and someone else both changed
	Taken   []string // the fields that took what someone else saved
}

// mergeOnto merges yours onto the project as stored now.
func mergeOnto(current Project, yours EditForm) Conflict {
	merged, clashes, taken := Merge(yours, FormOf(current))
	return Conflict{Current: current, Merged: merged, Clashes: clashes, Taken: taken}
}

// Update applies an edit form (ParseEditForm reads one) to project p, as
// read when the request came in, on behalf of by, as of today. A form made from an
// older version of p is merged onto p; what happens to a clean merge is
// onCleanMerge's to say, and one with clashes is a Conflict. A form that
// breaks a rule of EditForm.CheckAs, under the author's rights over the
// finished targets, comes back with all its Problems and saves nothing. A project saved by someone else while this one was saved comes
// back as a Conflict with the project as stored then. The error is only
// for a failure to read or write the store.
func (s *Store) Update(ctx context.Context, p Project, form EditForm, by auth.Actor, finished FinishedTargets, today civil.Date, onCleanMerge OnCleanMerge) (UpdateOutcome, error) {
	if version, err := strconv.ParseInt(form.Version, 10, 64); err != nil || version != p.Version {
		// Made from another version (or a page that lost its version):
		// merge rather than overwrite.
		conflict := mergeOnto(p, form)
		if len(conflict.Clashes) > 0 || onCleanMerge == ReviewMerge {
			return UpdateOutcome{Form: form, Conflict: &conflict}, nil
		}
		form = conflict.Merged
	}
	edit, problems := form.CheckAs(p, today, finished)
	if len(problems) > 0 {
		return UpdateOutcome{Form: form, Problems: problems}, nil
	}
	saved, err := s.SaveEdit(ctx, edit, p.Version, by)
	if errors.Is(err, ErrConflict) {
		// Someone saved between reading the project and writing it.
		current, err := s.Project(ctx, p.ID)
		if err != nil {
			return UpdateOutcome{}, err
		}
		conflict := mergeOnto(current, form)
		return UpdateOutcome{Form: form, Conflict: &conflict}, nil
	}
	if err != nil {
		return UpdateOutcome{}, err
	}
	return UpdateOutcome{Form: form, Saved: saved, Changes: edit.Changes}, nil
}

// savedMessage is the message that tells the user what became of a saved
// form: nothing to save; saved; or, under review, saved and waiting for a
// reviewer before the public reads it.
func (o UpdateOutcome) savedMessage(underReview bool) string {
	if len(o.Changes) == 0 {
		return "flash.no_changes"
	}
	for _, c := range o.Changes {
		if underReview && c.Public {
			return "flash.saved_for_review"
		}
	}
	return "flash.project_saved"
}

// first returns the problem of the field that comes first on the edit page
// of f, for a form that has room for one message.
func (problems Problems) first(f EditForm) Problem {
	var inPageOrder []Problem
	f.each(func(key string, _ *string) {
		if problem, ok := problems[key]; ok {
			inPageOrder = append(inPageOrder, problem)
		}
	})
	if len(inPageOrder) > 0 {
		return inPageOrder[0]
	}
	// Check names no field that is not on the page; were it to, any
	// problem is better than none.
	for _, problem := range problems {
		return problem
	}
	return Problem{}
}

// update reads the project of :id and the posted form, checks that the
// signed-in user may edit it, and runs the update flow: what both forms'
// handlers do before each renders its own answer.
func (h *Handler) update(c echo.Context, onCleanMerge OnCleanMerge) (Project, UpdateOutcome, error) {
	p, err := h.project(c)
	if err != nil {
		return Project{}, UpdateOutcome{}, err
	}
	if err := h.mayEdit(c, p); err != nil {
		return Project{}, UpdateOutcome{}, err
	}
	values, err := c.FormParams()
	if err != nil {
		return Project{}, UpdateOutcome{}, web.BadRequest("error.400")
	}
	user := auth.CurrentUser(c)
	outcome, err := h.store.Update(c.Request().Context(), p, ParseEditForm(values, p), auth.ActorOf(user, c.RealIP()), finishedTargetsOf(user), h.today(), onCleanMerge)
	return p, outcome, err
}

// finishedTargetsOf is what user may do with a project's finished targets:
// an administrator, who keeps the record (ManageRecord), may correct one
// of an open year; the assigned engineer keeps it as recorded and asks.
func finishedTargetsOf(user *auth.User) FinishedTargets {
	if auth.Can(user, auth.ManageRecord) {
		return FinishedCorrectable
	}
	return FinishedKept
}
