package projects

import (
	"context"
	"errors"
	"testing"

	"shuangshi/internal/auth"
)

// positions returns a year's targets as "list:project" in table order.
func positions(t *testing.T, s *Store, year int) []string {
	t.Helper()
	targets, err := listed(s.read, year)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, tg := range targets {
		if tg.Position != i+1 {
			t.Fatalf("%d: position %d at place %d", year, tg.Position, i+1)
		}
		out = append(out, string(tg.List)[:1]+":"+tg.Project.Name)
	}
	return out
}

func TestListsAreEditedWithTheirHistory(t *testing.T) {
	ctx := context.Background()
	s := seededStore(t)
	admin := auth.Actor{Name: "adm"}
	road, err := s.CreateProject(ctx, Project{Name: "甲路新建工程", Category: Road}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateProject(ctx, Project{Name: "甲路新建工程", Category: Road}, admin); !errors.Is(err, ErrNameTaken) {
		t.Errorf("a second project with the same name: %v", err)
	}
	water, _ := s.CreateProject(ctx, Project{Name: "乙河整治工程", Category: Water}, admin)
	power, _ := s.CreateProject(ctx, Project{Name: "丙路工程", Category: Road}, admin)

	// The completion list comes after the start list, whatever the order
	// of adding.
	err = s.AddTargets(ctx, []NewTarget{
		{Year: 2030, List: CompleteList, ProjectID: water.ID},
		{Year: 2030, List: StartList, ProjectID: road.ID},
		{Year: 2030, List: StartList, ProjectID: power.ID},
	}, admin)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s:甲路新建工程", "s:丙路工程", "c:乙河整治工程"}
	if got := positions(t, s, 2030); !equalStrings(got, want) {
		t.Fatalf("2030: %q, want %q", got, want)
	}
	if err := s.AddTargets(ctx, []NewTarget{{Year: 2030, List: StartList, ProjectID: road.ID}}, admin); !errors.Is(err, ErrAlreadyListed) {
		t.Errorf("listing a project twice: %v", err)
	}
	// All or nothing: the second addition fails, so the first is not kept.
	err = s.AddTargets(ctx, []NewTarget{{Year: 2030, List: CompleteList, ProjectID: road.ID}, {Year: 2030, List: StartList, ProjectID: power.ID}}, admin)
	if !errors.Is(err, ErrAlreadyListed) || len(positions(t, s, 2030)) != 3 {
		t.Errorf("a failed batch: %v, %d targets", err, len(positions(t, s, 2030)))
	}

	targets, _ := listed(s.read, 2030)
	if err := s.MoveTarget(ctx, targets[1].ID, -1, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveTarget(ctx, targets[2].ID, -1, admin); err != nil { // first of its list: stays
		t.Fatal(err)
	}
	want = []string{"s:丙路工程", "s:甲路新建工程", "c:乙河整治工程"}
	if got := positions(t, s, 2030); !equalStrings(got, want) {
		t.Fatalf("after moving: %q, want %q", got, want)
	}

	if err := s.RemoveTarget(ctx, targets[1].ID, "列入明年", admin); err != nil {
		t.Fatal(err)
	}
	want = []string{"s:甲路新建工程", "c:乙河整治工程"}
	if got := positions(t, s, 2030); !equalStrings(got, want) {
		t.Fatalf("after removing: %q, want %q", got, want)
	}
	// The removed target stays for its history, and the project can be
	// listed again.
	changes, _ := s.Changes(ctx, power.ID, false)
	if len(changes) == 0 || changes[0].Field != FieldUnlisted || changes[0].Reason != "列入明年" || changes[0].TargetID == nil {
		t.Errorf("power's newest change: %+v", changes)
	}
	if err := s.AddTargets(ctx, []NewTarget{{Year: 2030, List: StartList, ProjectID: power.ID}}, admin); err != nil {
		t.Errorf("listing a removed project again: %v", err)
	}

	if err := s.SetArchived(ctx, water.ID, true, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTargets(ctx, []NewTarget{{Year: 2031, List: StartList, ProjectID: water.ID}}, admin); !errors.Is(err, ErrArchived) {
		t.Errorf("listing an archived project: %v", err)
	}
	if got := positions(t, s, 2030); len(got) != 3 {
		t.Errorf("archiving took the project off its list: %q", got)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
