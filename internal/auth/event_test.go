package auth

import (
	"testing"
	"time"
)

func TestReadDetail(t *testing.T) {
	tests := []struct {
		name   string
		action Action
		stored string
		want   EventDetail
	}{
		{"no detail", ActionRoleChanged, "", EventDetail{}},
		{"role change", ActionRoleChanged, "engineer>supervisor", EventDetail{From: Engineer, To: Supervisor}},
		{"role change to admin", ActionRoleChanged, "supervisor>admin", EventDetail{From: Supervisor, To: Admin}},
		{"role change without its arrow", ActionRoleChanged, "engineer", EventDetail{Text: "engineer"}},
		{"role change from a retired role", ActionRoleChanged, "viewer>engineer", EventDetail{Text: "viewer>engineer"}},
		{"role change to nothing", ActionRoleChanged, "engineer>", EventDetail{Text: "engineer>"}},
		{"role change with one arrow too many", ActionRoleChanged, "engineer>supervisor>admin", EventDetail{Text: "engineer>supervisor>admin"}},
		{"new account", ActionUserCreated, "engineer", EventDetail{Role: Engineer}},
		{"new account with a retired role", ActionUserCreated, "viewer", EventDetail{Text: "viewer"}},
		{"unknown account", ActionSignInFailed, "unknown-account", EventDetail{Reason: "unknown-account"}},
		{"disabled", ActionSignInRefused, "disabled", EventDetail{Reason: "disabled"}},
		{"throttled", ActionSignInRefused, "throttled", EventDetail{Reason: "throttled"}},
		{"counted beyond the keys", ActionSignInFailed, "overflow", EventDetail{Reason: "overflow"}},
		{"by the setup link", ActionSignIn, "setup", EventDetail{Reason: "setup"}},
		{"sign-in with an unknown code", ActionSignInRefused, "locked", EventDetail{Text: "locked"}},
		{"a code of another action", ActionSignIn, "engineer>supervisor", EventDetail{Text: "engineer>supervisor"}},
		{"assignment", ActionAssigned, "#12 眉州路 > 东段", EventDetail{Text: "#12 眉州路 > 东段"}},
		{"a role named in an assignment stays text", ActionUnassigned, "admin", EventDetail{Text: "admin"}},
		{"email", ActionEmailChanged, "li@example.gov.cn", EventDetail{Text: "li@example.gov.cn"}},
		{"an action no longer known", Action("renamed"), "li>wang", EventDetail{Text: "li>wang"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := readDetail(tc.action, tc.stored); got != tc.want {
				t.Errorf("ReadDetail(%q, %q) = %+v, want %+v", tc.action, tc.stored, got, tc.want)
			}
		})
	}
}

// TestLogReadsWhatItWrites: each detail written for the log reads back as
// what was written.
func TestLogReadsWhatItWrites(t *testing.T) {
	tests := []struct {
		name   string
		action Action
		detail string
		want   EventDetail
	}{
		{"role change", ActionRoleChanged, roleChangeDetail(Admin, Engineer), EventDetail{From: Admin, To: Engineer}},
		{"unknown account", ActionSignInFailed, detailUnknownAccount, EventDetail{Reason: detailUnknownAccount}},
		{"disabled", ActionSignInRefused, detailDisabled, EventDetail{Reason: detailDisabled}},
		{"throttled", ActionSignInRefused, detailThrottled, EventDetail{Reason: detailThrottled}},
		{"overflow", ActionSignInRefused, overflowDetail, EventDetail{Reason: overflowDetail}},
		{"setup", ActionSignIn, detailSetup, EventDetail{Reason: detailSetup}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := CommandLine.event(tc.action, nil, tc.detail, time.Time{})
			if got := e.ReadDetail(); got != tc.want {
				t.Errorf("ReadDetail of %q = %+v, want %+v", tc.detail, got, tc.want)
			}
		})
	}
}

func TestActorCode(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{CommandLine.Name, "command-line"},
		{SetupLink.Name, "setup-link"},
		{"li", ""},
		{"@retired-tool", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ActorCode(tc.name); got != tc.want {
				t.Errorf("ActorCode(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}
