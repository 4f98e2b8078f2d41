package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPolicy(t *testing.T) {
	engineer := &User{Role: Engineer, Active: true}
	supervisor := &User{Role: Supervisor, Active: true}
	admin := &User{Role: Admin, Active: true}
	disabledAdmin := &User{Role: Admin, Active: false}
	tests := []struct {
		name string
		user *User
		want map[Permission]bool
	}{
		{"the public", nil, map[Permission]bool{}},
		{"engineer", engineer, map[Permission]bool{ViewInternal: true, HaveAssignments: true}},
		{"supervisor", supervisor, map[Permission]bool{ViewInternal: true, Supervise: true}},
		{"admin", admin, map[Permission]bool{ViewInternal: true, Supervise: true, ManageAccounts: true, ManageRecord: true}},
		{"disabled admin", disabledAdmin, map[Permission]bool{}},
		{"unknown role", &User{Role: "mayor", Active: true}, map[Permission]bool{}},
	}
	all := []Permission{ViewInternal, Supervise, ManageAccounts, ManageRecord, HaveAssignments}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range all {
				if got := Can(tc.user, p); got != tc.want[p] {
					t.Errorf("Can(%s) = %v, want %v", p, got, tc.want[p])
				}
			}
		})
	}

	edits := []struct {
		name     string
		user     *User
		assigned bool
		want     bool
	}{
		{"the public", nil, true, false},
		{"engineer assigned", engineer, true, true},
		{"engineer not assigned", engineer, false, false},
		{"supervisor, even assigned", supervisor, true, false},
		{"admin, not assigned", admin, false, true},
		{"disabled admin", disabledAdmin, true, false},
		{"disabled engineer, assigned", &User{Role: Engineer}, true, false},
	}
	for _, tc := range edits {
		if got := CanEditProject(tc.user, tc.assigned); got != tc.want {
			t.Errorf("CanEditProject(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAccountRules(t *testing.T) {
	usernames := map[string]error{
		"li.gong": nil, "wang_2": nil, "张工": nil, "ab": nil,
		"a": ErrUsernameLength, strings.Repeat("x", 33): ErrUsernameLength,
		"li gong": ErrUsernameCharacters, "li@gong": ErrUsernameCharacters, "<b>": ErrUsernameCharacters,
	}
	for in, want := range usernames {
		if got := CheckUsername(in); got != want {
			t.Errorf("CheckUsername(%q) = %v, want %v", in, got, want)
		}
	}
	passwords := []struct {
		password, username string
		want               error
	}{
		{"correct-horse", "li", nil},
		{"十个汉字的密码也可以用", "li", nil},
		{"short", "li", ErrPasswordTooShort},
		{"123456789", "li", ErrPasswordTooShort},
		{strings.Repeat("p", 128), "li", nil},
		{strings.Repeat("p", 129), "li", ErrPasswordTooLong},
		{"LongUserName", "longusername", ErrPasswordIsUsername},
		{"tab\there-is-it", "li", ErrPasswordNotText},
		{"bad\xffutf8-password", "li", ErrPasswordNotText},
	}
	for _, tc := range passwords {
		if got := CheckPassword(tc.password, tc.username); got != tc.want {
			t.Errorf("CheckPassword(%q) = %v, want %v", tc.password, got, tc.want)
		}
	}
	if CheckDisplayName(strings.Repeat("名", 64)) != nil || CheckDisplayName(strings.Repeat("名", 65)) != ErrDisplayNameLength ||
		CheckDisplayName("a\x00b") != ErrDisplayNameText {
		t.Error("display name limits are wrong")
	}
	if NormalizeUsername("  Li.Gong ") != "li.gong" {
		t.Errorf("NormalizeUsername = %q", NormalizeUsername("  Li.Gong "))
	}
}

func TestThrottleDelay(t *testing.T) {
	rule := ThrottleRule{FreeFailures: 5, FirstDelay: time.Minute, MaxDelay: 10 * time.Minute, Forget: time.Hour}
	for failures, want := range map[int]time.Duration{
		0: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute, 8: 8 * time.Minute, 9: 10 * time.Minute, 40: 10 * time.Minute,
	} {
		if got := rule.Delay(failures); got != want {
			t.Errorf("Delay(%d) = %v, want %v", failures, got, want)
		}
	}
}
