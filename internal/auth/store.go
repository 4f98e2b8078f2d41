package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/database"
	"shuangshi/internal/errkind"
)

// Store keeps accounts, assignments, the sign-in throttle and the security
// log. Every change to an account is written with its log entry in one
// transaction.
type Store struct {
	read  *gorm.DB
	write *gorm.DB
	now   func() time.Time
}

// NewStore returns a store on db that stamps changes with now.
func NewStore(db *database.DB, now func() time.Time) *Store {
	return &Store{read: db.Read, write: db.Write, now: func() time.Time { return now().UTC() }}
}

// UserByID returns the user with that id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.read.WithContext(ctx).First(&u, id).Error
	return u, notFound(err)
}

// UserByUsername returns the user with that (normalized) username, or
// ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	var u User
	err := s.read.WithContext(ctx).Where("username = ?", NormalizeUsername(username)).First(&u).Error
	return u, notFound(err)
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Users returns every account: active ones first, then by role and username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var users []User
	err := s.read.WithContext(ctx).
		Order("active DESC, CASE role WHEN 'admin' THEN 0 WHEN 'supervisor' THEN 1 ELSE 2 END, username").
		Find(&users).Error
	return users, err
}

// CountActiveAdmins returns how many administrators can sign in.
func (s *Store) CountActiveAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&User{}).Where("role = ? AND active", Admin).Count(&n).Error
	return n, err
}

// CreateUser adds an account and logs it. It returns ErrUsernameTaken when
// the username is in use.
func (s *Store) CreateUser(ctx context.Context, u User, by Actor) (User, error) {
	u.Username = NormalizeUsername(u.Username)
	u.SessionGeneration = 1
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&User{}).Where("username = ?", u.Username).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ErrUsernameTaken
		}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return s.log(tx, by.event(ActionUserCreated, &u, string(u.Role), s.now()))
	})
	return u, err
}

// CreateFirstAdmin adds an administrator only while there is no active one,
// for the one-time setup link. It returns ErrAdminExists otherwise.
func (s *Store) CreateFirstAdmin(ctx context.Context, u User, by Actor) (User, error) {
	u.Username = NormalizeUsername(u.Username)
	u.Role, u.Active, u.SessionGeneration = Admin, true, 1
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var admins int64
		if err := tx.Model(&User{}).Where("role = ? AND active", Admin).Count(&admins).Error; err != nil {
			return err
		}
		if admins > 0 {
			return ErrAdminExists
		}
		var taken int64
		if err := tx.Model(&User{}).Where("username = ?", u.Username).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ErrUsernameTaken
		}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return s.log(tx, by.event(ActionUserCreated, &u, string(u.Role), s.now()))
	})
	return u, err
}

// ErrCannotBeAssigned refuses to assign a project to a role that answers for
// none.
var ErrCannotBeAssigned = errkind.New(errkind.Invalid, "this role answers for no projects")

// ErrAdminExists refuses the first-admin setup once an administrator exists.
var ErrAdminExists = errkind.New(errkind.Conflict, "an active administrator exists")

// change loads a user in a write transaction, lets apply change it, saves the
// listed columns, ends the user's sessions when apply raised the session
// generation, logs the event that apply returns, and runs then (if not nil)
// in the same transaction. It keeps at least one active administrator: a
// change that would leave none returns ErrLastAdmin and saves nothing.
func (s *Store) change(ctx context.Context, id int64, by Actor, apply func(u *User) (Action, string), then func(tx *gorm.DB, u *User) error, columns ...string) (User, error) {
	var u User
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			return notFound(err)
		}
		wasAdmin := u.Role == Admin && u.Active
		generation := u.SessionGeneration
		action, detail := apply(&u)
		if wasAdmin && !(u.Role == Admin && u.Active) {
			var admins int64
			if err := tx.Model(&User{}).Where("role = ? AND active AND id <> ?", Admin, u.ID).Count(&admins).Error; err != nil {
				return err
			}
			if admins == 0 {
				return ErrLastAdmin
			}
		}
		u.UpdatedAt = s.now()
		if err := tx.Model(&u).Select(append(columns, "updated_at")).Updates(&u).Error; err != nil {
			return err
		}
		if u.SessionGeneration != generation {
			if err := tx.Where("user_id = ?", u.ID).Delete(&sessionRecord{}).Error; err != nil {
				return err
			}
		}
		if err := s.log(tx, by.event(action, &u, detail, u.UpdatedAt)); err != nil {
			return err
		}
		if then != nil {
			return then(tx, &u)
		}
		return nil
	})
	return u, err
}

// SetRole changes a user's role. Their sessions go on, with the new role
// from their next request. A role that answers for no projects loses the
// user's assignments, each logged.
func (s *Store) SetRole(ctx context.Context, id int64, role Role, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		detail := roleChangeDetail(u.Role, role)
		u.Role = role
		return ActionRoleChanged, detail
	}, func(tx *gorm.DB, u *User) error {
		if Can(&User{Role: role, Active: true}, HaveAssignments) {
			return nil
		}
		var projectIDs []int64
		if err := tx.Model(&Assignment{}).Where("user_id = ?", u.ID).Order("project_id").Pluck("project_id", &projectIDs).Error; err != nil {
			return err
		}
		for _, pid := range projectIDs {
			if err := tx.Where("user_id = ? AND project_id = ?", u.ID, pid).Delete(&Assignment{}).Error; err != nil {
				return err
			}
			if err := s.log(tx, by.event(ActionUnassigned, u, "#"+strconv.FormatInt(pid, 10), s.now())); err != nil {
				return err
			}
		}
		return nil
	}, "role")
}

// SetActive enables or disables an account. Disabling ends every session
// of the user.
func (s *Store) SetActive(ctx context.Context, id int64, active bool, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		u.Active = active
		if !active {
			u.SessionGeneration++
			return ActionUserDisabled, ""
		}
		return ActionUserEnabled, ""
	}, nil, "active", "session_generation")
}

// SetPassword stores a new password hash and ends every session of the user.
// A reset (mustChange) makes the user choose a new password at sign-in.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string, mustChange bool, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		u.PasswordHash, u.MustChangePassword = hash, mustChange
		u.SessionGeneration++
		if mustChange {
			return ActionPasswordReset, ""
		}
		return ActionPasswordChanged, ""
	}, nil, "password_hash", "must_change_password", "session_generation")
}

// SetEmail changes where a user's daily digest goes; empty for nowhere.
// It is logged with the new address: mail about the district's projects
// sent somewhere new is worth a trace.
func (s *Store) SetEmail(ctx context.Context, id int64, email string, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		u.Email = email
		return ActionEmailChanged, email
	}, nil, "email")
}

// SetLanguage records the language a user works in, for their e-mails.
func (s *Store) SetLanguage(ctx context.Context, id int64, language string) error {
	return s.write.WithContext(ctx).Model(&User{}).Where("id = ? AND language <> ?", id, language).
		Update("language", language).Error
}

// EndSessions ends every session of the user ("sign out everywhere").
func (s *Store) EndSessions(ctx context.Context, id int64, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		u.SessionGeneration++
		return ActionSignOutEverywhere, ""
	}, nil, "session_generation")
}

// Assignment links an engineer to a project they answer for.
type Assignment struct {
	UserID    int64 `gorm:"primaryKey"`
	ProjectID int64 `gorm:"primaryKey"`
	CreatedAt time.Time
}

// Assign makes a user answer for a project; assigning twice changes nothing.
// detail names the project in the log. It returns ErrCannotBeAssigned for a
// role that answers for no projects, and ErrNotFound for a missing user or
// project.
func (s *Store) Assign(ctx context.Context, userID, projectID int64, detail string, by Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.First(&u, userID).Error; err != nil {
			return notFound(err)
		}
		// Checked here, in the transaction, so that a role changed at the
		// same moment cannot slip an assignment past it.
		if !Can(&User{Role: u.Role, Active: true}, HaveAssignments) {
			return ErrCannotBeAssigned
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Assignment{UserID: userID, ProjectID: projectID, CreatedAt: s.now()})
		if res.Error != nil {
			// SQLite says "FOREIGN KEY constraint failed", PostgreSQL
			// "violates foreign key constraint".
			if strings.Contains(strings.ToLower(res.Error.Error()), "foreign key") {
				return ErrNotFound
			}
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil
		}
		return s.log(tx, by.event(ActionAssigned, &u, detail, s.now()))
	})
}

// Unassign ends a user's responsibility for a project.
func (s *Store) Unassign(ctx context.Context, userID, projectID int64, detail string, by Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.First(&u, userID).Error; err != nil {
			return notFound(err)
		}
		res := tx.Where("user_id = ? AND project_id = ?", userID, projectID).Delete(&Assignment{})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.log(tx, by.event(ActionUnassigned, &u, detail, s.now()))
	})
}

// AssignedProjectIDs returns the projects a user answers for.
func (s *Store) AssignedProjectIDs(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.read.WithContext(ctx).Model(&Assignment{}).Where("user_id = ?", userID).
		Order("project_id").Pluck("project_id", &ids).Error
	return ids, err
}

// IsAssigned reports whether the user answers for the project.
func (s *Store) IsAssigned(ctx context.Context, userID, projectID int64) (bool, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Assignment{}).
		Where("user_id = ? AND project_id = ?", userID, projectID).Count(&n).Error
	return n > 0, err
}

// AssignedUsers returns, for each of the given projects that has any, the
// users who answer for it, by name.
func (s *Store) AssignedUsers(ctx context.Context, projectIDs []int64) (map[int64][]User, error) {
	return s.assignedUsers(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("assignments.project_id IN ?", projectIDs) })
}

// EveryAssignedUser returns, for every project that has any, the users who
// answer for it, by name: for lists of more projects than an IN list takes.
func (s *Store) EveryAssignedUser(ctx context.Context) (map[int64][]User, error) {
	return s.assignedUsers(ctx, func(q *gorm.DB) *gorm.DB { return q })
}

func (s *Store) assignedUsers(ctx context.Context, which func(*gorm.DB) *gorm.DB) (map[int64][]User, error) {
	var rows []struct {
		ProjectID int64
		User      User `gorm:"embedded"`
	}
	err := which(s.read.WithContext(ctx).Table("assignments").
		Select("assignments.project_id, users.*").
		Joins("JOIN users ON users.id = assignments.user_id")).
		Order("users.display_name, users.username").
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	byProject := map[int64][]User{}
	for _, r := range rows {
		byProject[r.ProjectID] = append(byProject[r.ProjectID], r.User)
	}
	return byProject, nil
}

// BeginAttempt counts an attempt to sign in under each key before the
// password is checked, in one transaction, so that attempts made at once
// cannot all slip through before the first failure is counted. It returns
// refusedUntil when a key is locked (the attempt must stop; nothing was
// counted), and otherwise lockedAfter: until when the keys stay locked if
// this attempt fails. A success clears the count with ForgetFailures. Counts
// whose last attempt is older than their rule's Forget start again, and
// rows older than the longest Forget are removed.
func (s *Store) BeginAttempt(ctx context.Context, rules map[string]ThrottleRule) (refusedUntil, lockedAfter time.Time, err error) {
	now := s.now()
	err = s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		keys := make([]string, 0, len(rules))
		var longest time.Duration
		for key, rule := range rules {
			keys = append(keys, key)
			longest = max(longest, rule.Forget)
		}
		if err := tx.Exec("DELETE FROM sign_in_failures WHERE last_failure_at < ?", now.Add(-longest)).Error; err != nil {
			return err
		}
		var rows []struct {
			Key           string
			Failures      int
			LastFailureAt time.Time
			LockedUntil   *time.Time
		}
		if err := tx.Table("sign_in_failures").Where("key IN ?", keys).Find(&rows).Error; err != nil {
			return err
		}
		previous := map[string]int{}
		for _, r := range rows {
			if r.LockedUntil != nil && r.LockedUntil.After(now) && r.LockedUntil.After(refusedUntil) {
				refusedUntil = *r.LockedUntil
			}
			if now.Sub(r.LastFailureAt) < rules[r.Key].Forget {
				previous[r.Key] = r.Failures
			}
		}
		if !refusedUntil.IsZero() {
			return nil
		}
		for key, rule := range rules {
			failures := previous[key] + 1
			var until *time.Time
			if d := rule.Delay(failures); d > 0 {
				t := now.Add(d)
				until = &t
				lockedAfter = later(lockedAfter, t)
			}
			err := tx.Exec(`INSERT INTO sign_in_failures (key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
					last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
				key, failures, now, until).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	return refusedUntil, lockedAfter, err
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// LockedUntil returns until when the latest lock among the keys holds, or
// the zero time when none is locked. It only reads, so that attempts
// refused by the throttle cost no write; BeginAttempt checks again in its
// transaction.
func (s *Store) LockedUntil(ctx context.Context, keys []string) (time.Time, error) {
	var locks []time.Time
	err := s.read.WithContext(ctx).Table("sign_in_failures").
		Where("key IN ? AND locked_until > ?", keys, s.now()).Pluck("locked_until", &locks).Error
	var until time.Time
	for _, t := range locks {
		until = later(until, t)
	}
	return until, err
}

// ForgetFailures clears the counts under the keys, after a success.
func (s *Store) ForgetFailures(ctx context.Context, keys ...string) error {
	return s.write.WithContext(ctx).Exec("DELETE FROM sign_in_failures WHERE key IN ?", keys).Error
}
