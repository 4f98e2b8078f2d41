package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/clocktest"
	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

func newTestStore(t testing.TB) (*Store, *clocktest.Clock, *database.DB) {
	t.Helper()
	db := databasetest.Open(t)
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return NewStore(db, clock.Now), clock, db
}

func mustCreate(t testing.TB, s *Store, username string, role Role) User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), User{Username: username, Role: role, Active: true, PasswordHash: "x"}, CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestStoreKeepsOneActiveAdmin(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	first := mustCreate(t, s, "first", Admin)
	if _, err := s.SetActive(ctx, first.ID, false, CommandLine); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("disabling the only admin: %v, want ErrLastAdmin", err)
	}
	if _, err := s.SetRole(ctx, first.ID, Engineer, CommandLine); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demoting the only admin: %v, want ErrLastAdmin", err)
	}
	if u, _ := s.UserByID(ctx, first.ID); !u.Active || u.Role != Admin {
		t.Fatalf("a refused change was saved: %+v", u)
	}
	second := mustCreate(t, s, "second", Admin)
	if _, err := s.SetActive(ctx, first.ID, false, CommandLine); err != nil {
		t.Fatalf("disabling one of two admins: %v", err)
	}
	if _, err := s.SetRole(ctx, second.ID, Supervisor, CommandLine); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demoting the last active admin: %v, want ErrLastAdmin", err)
	}
	if _, err := s.CreateUser(ctx, User{Username: " SECOND ", Role: Engineer, PasswordHash: "x"}, CommandLine); !errors.Is(err, ErrUsernameTaken) {
		t.Fatalf("a second account named second: %v, want ErrUsernameTaken", err)
	}
	if _, err := s.CreateFirstAdmin(ctx, User{Username: "third", PasswordHash: "x"}, CommandLine); !errors.Is(err, ErrAdminExists) {
		t.Fatalf("first-admin setup with an admin present: %v, want ErrAdminExists", err)
	}
}

func TestStoreChangesEndSessionsAndAreLogged(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	admin := mustCreate(t, s, "boss", Admin)
	u := mustCreate(t, s, "li", Engineer)
	by := ActorOf(&admin, "10.0.0.7")
	steps := []struct {
		name       string
		change     func() (User, error)
		action     Action
		endsOthers bool
	}{
		{"role", func() (User, error) { return s.SetRole(ctx, u.ID, Supervisor, by) }, ActionRoleChanged, false},
		{"disable", func() (User, error) { return s.SetActive(ctx, u.ID, false, by) }, ActionUserDisabled, true},
		{"enable", func() (User, error) { return s.SetActive(ctx, u.ID, true, by) }, ActionUserEnabled, false},
		{"reset", func() (User, error) { return s.SetPassword(ctx, u.ID, "new", true, by) }, ActionPasswordReset, true},
		{"everywhere", func() (User, error) { return s.EndSessions(ctx, u.ID, by) }, ActionSignOutEverywhere, true},
	}
	for _, step := range steps {
		before, _ := s.UserByID(ctx, u.ID)
		after, err := step.change()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if ended := after.SessionGeneration > before.SessionGeneration; ended != step.endsOthers {
			t.Errorf("%s: sessions ended = %v, want %v", step.name, ended, step.endsOthers)
		}
		stored, _ := s.UserByID(ctx, u.ID)
		if stored.SessionGeneration != after.SessionGeneration {
			t.Errorf("%s: generation %d returned, %d stored", step.name, after.SessionGeneration, stored.SessionGeneration)
		}
		events, err := s.Events(ctx, u.ID, 1)
		if err != nil || len(events) != 1 {
			t.Fatalf("%s: events %v, %v", step.name, events, err)
		}
		e := events[0]
		if e.Action != step.action || e.Actor != "boss" || *e.ActorID != admin.ID || e.Subject != "li" || e.Address != "10.0.0.7" {
			t.Errorf("%s: logged %+v", step.name, e)
		}
	}
	if u, _ := s.UserByID(ctx, u.ID); !u.MustChangePassword || u.PasswordHash != "new" {
		t.Errorf("after a reset: %+v", u)
	}
}

func TestStoreAssignments(t *testing.T) {
	s, _, db := newTestStore(t)
	ctx := context.Background()
	if err := db.Write.Exec(`INSERT INTO projects (id, name, category, created_at, updated_at) VALUES (7, '甲路', 'road', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	u := mustCreate(t, s, "li", Engineer)
	for range 2 {
		if err := s.Assign(ctx, u.ID, 7, "#7 甲路", CommandLine); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _ := s.IsAssigned(ctx, u.ID, 7); !ok {
		t.Fatal("not assigned after Assign")
	}
	if err := s.Assign(ctx, u.ID, 99, "#99", CommandLine); !errors.Is(err, ErrNotFound) {
		t.Fatalf("assigning a missing project: %v, want ErrNotFound", err)
	}
	byProject, err := s.AssignedUsers(ctx, []int64{7})
	if err != nil || len(byProject[7]) != 1 || byProject[7][0].Username != "li" {
		t.Fatalf("AssignedUsers = %v, %v", byProject, err)
	}
	if err := s.Unassign(ctx, u.ID, 7, "#7 甲路", CommandLine); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.AssignedProjectIDs(ctx, u.ID); len(ids) != 0 {
		t.Fatalf("still assigned to %v", ids)
	}
	events, _ := s.Events(ctx, u.ID, 10)
	var actions []Action
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	// Newest first; assigning twice is logged once.
	want := []Action{ActionUnassigned, ActionAssigned, ActionUserCreated}
	if len(actions) != len(want) || actions[0] != want[0] || actions[1] != want[1] || actions[2] != want[2] {
		t.Fatalf("logged %v, want %v", actions, want)
	}
}

func TestThrottleLocksAndForgets(t *testing.T) {
	s, clock, _ := newTestStore(t)
	ctx := context.Background()
	rule := ThrottleRule{FreeFailures: 3, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: time.Hour}
	keys := map[string]ThrottleRule{"account:li": rule}
	for i := 1; i <= 3; i++ {
		refused, lockedAfter, err := s.BeginAttempt(ctx, keys)
		if err != nil || !refused.IsZero() {
			t.Fatalf("attempt %d refused until %v (%v)", i, refused, err)
		}
		if locked := !lockedAfter.IsZero(); locked != (i == 3) {
			t.Fatalf("after attempt %d locked = %v, want %v", i, locked, i == 3)
		}
	}
	refused, _, _ := s.BeginAttempt(ctx, keys)
	if !refused.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("the fourth attempt is refused until %v, want a minute from now", refused)
	}
	clock.Advance(61 * time.Second)
	refused, lockedAfter, _ := s.BeginAttempt(ctx, keys)
	if !refused.IsZero() || !lockedAfter.Equal(clock.Now().Add(2*time.Minute)) {
		t.Fatalf("after the delay: refused %v, locked after %v; want allowed, and two minutes if it fails", refused, lockedAfter)
	}
	// A success forgets the count.
	if err := s.ForgetFailures(ctx, "account:li"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		if refused, lockedAfter, _ := s.BeginAttempt(ctx, keys); !refused.IsZero() || !lockedAfter.IsZero() {
			t.Fatalf("attempt %d after a success: refused %v, locked after %v", i, refused, lockedAfter)
		}
	}
	// So does time: after Forget, the count starts again.
	clock.Advance(2 * time.Hour)
	if _, lockedAfter, _ := s.BeginAttempt(ctx, keys); !lockedAfter.IsZero() {
		t.Fatalf("the first attempt after the count was forgotten locks until %v", lockedAfter)
	}
}

func TestKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "site.session-keys")
	first, err := LoadKeys(path, "")
	if err != nil || len(first) != 1 || len(first[0]) != keySize {
		t.Fatalf("LoadKeys of a missing file = %d keys, %v", len(first), err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
	again, _ := LoadKeys(path, "")
	if string(again[0]) != string(first[0]) {
		t.Fatal("a second start made a new key")
	}
	if err := RotateKeys(path); err != nil {
		t.Fatal(err)
	}
	rotated, err := LoadKeys(path, "")
	if err != nil || len(rotated) != 2 || string(rotated[1]) != string(first[0]) || string(rotated[0]) == string(first[0]) {
		t.Fatalf("after rotation: %d keys (%v); want a new key in front of the old one", len(rotated), err)
	}
	if _, err := LoadKeys(path, "bm90IGEga2V5"); err == nil {
		t.Fatal("a short key from the environment was accepted")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeys(path, ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key file readable by others gave %v, want a refusal", err)
	}
}
