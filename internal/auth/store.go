package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/database"
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

// ErrAdminExists refuses the first-admin setup once an administrator exists.
var ErrAdminExists = errors.New("an active administrator exists")

// change loads a user in a write transaction, lets apply change it, saves the
// listed columns and logs the event that apply returns. It keeps at least
// one active administrator: a change that would leave none returns
// ErrLastAdmin and saves nothing.
func (s *Store) change(ctx context.Context, id int64, by Actor, apply func(u *User) (Action, string), columns ...string) (User, error) {
	var u User
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			return notFound(err)
		}
		wasAdmin := u.Role == Admin && u.Active
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
		return s.log(tx, by.event(action, &u, detail, u.UpdatedAt))
	})
	return u, err
}

// SetRole changes a user's role. Their sessions go on, with the new role
// from their next request.
func (s *Store) SetRole(ctx context.Context, id int64, role Role, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		detail := string(u.Role) + " → " + string(role)
		u.Role = role
		return ActionRoleChanged, detail
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
	}, "active", "session_generation")
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
	}, "password_hash", "must_change_password", "session_generation")
}

// EndSessions ends every session of the user ("sign out everywhere").
func (s *Store) EndSessions(ctx context.Context, id int64, by Actor) (User, error) {
	return s.change(ctx, id, by, func(u *User) (Action, string) {
		u.SessionGeneration++
		return ActionSignOutEverywhere, ""
	}, "session_generation")
}

// Log writes an entry of the security log on its own, for events that change
// no account: sign-ins, sign-outs, refusals.
func (s *Store) Log(ctx context.Context, by Actor, action Action, subject *User, detail string) error {
	return s.log(s.write.WithContext(ctx), by.event(action, subject, detail, s.now()))
}

func (s *Store) log(tx *gorm.DB, e Event) error {
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("security log: %w", err)
	}
	return nil
}

// Events returns the newest entries of the security log, newest first; only
// those about one user when subjectID is not zero.
func (s *Store) Events(ctx context.Context, subjectID int64, limit int) ([]Event, error) {
	q := s.read.WithContext(ctx).Order("at DESC, id DESC").Limit(limit)
	if subjectID != 0 {
		q = q.Where("subject_id = ? OR actor_id = ?", subjectID, subjectID)
	}
	var events []Event
	return events, q.Find(&events).Error
}

// Assignment links an engineer to a project they answer for.
type Assignment struct {
	UserID    int64 `gorm:"primaryKey"`
	ProjectID int64 `gorm:"primaryKey"`
	CreatedAt time.Time
}

// Assign makes a user answer for a project; assigning twice changes nothing.
// detail names the project in the log.
func (s *Store) Assign(ctx context.Context, userID, projectID int64, detail string, by Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.First(&u, userID).Error; err != nil {
			return notFound(err)
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Assignment{UserID: userID, ProjectID: projectID, CreatedAt: s.now()})
		if res.Error != nil {
			if strings.Contains(res.Error.Error(), "FOREIGN KEY") {
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
	var rows []struct {
		ProjectID int64
		User      User `gorm:"embedded"`
	}
	err := s.read.WithContext(ctx).Table("assignments").
		Select("assignments.project_id, users.*").
		Joins("JOIN users ON users.id = assignments.user_id").
		Where("assignments.project_id IN ?", projectIDs).
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

// LockedUntil returns until when sign-in is refused under any of the keys,
// or the zero time when it is not.
func (s *Store) LockedUntil(ctx context.Context, keys []string) (time.Time, error) {
	// The locks are read as rows, not as MAX(): SQLite gives an aggregate no
	// column type, and the time would come back as text.
	var locks []time.Time
	err := s.read.WithContext(ctx).Table("sign_in_failures").
		Where("key IN ? AND locked_until > ?", keys, s.now()).
		Pluck("locked_until", &locks).Error
	var until time.Time
	for _, l := range locks {
		if l.After(until) {
			until = l
		}
	}
	return until, err
}

// RecordFailure counts a failed sign-in under each key and locks the key for
// as long as its rule says. A count whose last failure is older than the
// rule's Forget starts again. It returns until when the keys are now locked.
func (s *Store) RecordFailure(ctx context.Context, rules map[string]ThrottleRule) (time.Time, error) {
	now := s.now()
	var lockedUntil time.Time
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for key, rule := range rules {
			var row struct {
				Failures      int
				LastFailureAt time.Time
			}
			err := tx.Table("sign_in_failures").Select("failures, last_failure_at").Where("key = ?", key).Take(&row).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			failures := 1
			if err == nil && now.Sub(row.LastFailureAt) < rule.Forget {
				failures = row.Failures + 1
			}
			var until *time.Time
			if d := rule.Delay(failures); d > 0 {
				t := now.Add(d)
				until = &t
				if t.After(lockedUntil) {
					lockedUntil = t
				}
			}
			err = tx.Exec(`INSERT INTO sign_in_failures (key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
					last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
				key, failures, now, until).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	return lockedUntil, err
}

// ForgetFailures clears the failed sign-ins under a key, after a success.
func (s *Store) ForgetFailures(ctx context.Context, key string) error {
	return s.write.WithContext(ctx).Exec("DELETE FROM sign_in_failures WHERE key = ?", key).Error
}
