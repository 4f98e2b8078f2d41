package auth

// Permission is something a request may need. Which role holds which is
// decided here and nowhere else; handlers and routes ask Can.
type Permission string

// The permissions of the site.
const (
	// ViewInternal is the staff view of the record: on a project's page who
	// answers for it, its internal note and delay reason; its whole history
	// with who made each change; the digest and the calendar of deadlines.
	ViewInternal Permission = "view-internal"
	// Supervise is the overdue console and supervisory comments.
	Supervise Permission = "supervise"
	// ManageAccounts is creating and changing accounts and assignments.
	ManageAccounts Permission = "manage-accounts"
	// ManageRecord is creating projects and setting up yearly lists.
	ManageRecord Permission = "manage-record"
	// HaveAssignments marks the roles that answer for projects.
	HaveAssignments Permission = "have-assignments"
)

// grants is the policy: what each role may do. The public (no user) may do
// none of these: it has the public pages and the open data only.
func grants(r Role) []Permission {
	switch r {
	case Engineer:
		return []Permission{ViewInternal, HaveAssignments}
	case Supervisor:
		return []Permission{ViewInternal, Supervise}
	case Admin:
		return []Permission{ViewInternal, Supervise, ManageAccounts, ManageRecord}
	}
	return nil
}

// Can reports whether user may do what the permission covers. A nil or
// disabled user may do nothing, and neither may one who must first replace
// a password an administrator reset.
func Can(user *User, p Permission) bool {
	if user == nil || !user.Active || user.MustChangePassword {
		return false
	}
	for _, granted := range grants(user.Role) {
		if granted == p {
			return true
		}
	}
	return false
}

// CanEditProject reports whether user may change a project's milestones,
// progress and notes: an engineer assigned to the project, or an
// administrator. Supervisors comment but do not edit.
func CanEditProject(user *User, assigned bool) bool {
	if user == nil || !user.Active || user.MustChangePassword {
		return false
	}
	switch user.Role {
	case Admin:
		return true
	case Engineer:
		return assigned
	}
	return false
}
