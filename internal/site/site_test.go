package site_test

import (
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestUsernamesStoredBeforeTheRulesAreLogged: accounts an older version
// let in under a full-width or mixed-script name are named in the log at
// start, for an administrator to look at; admin is not.
func TestUsernamesStoredBeforeTheRulesAreLogged(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "admin", auth.Admin, sitetest.Password)
	for _, name := range []string{"ａｄｍｉｎ", "\u0430dmin"} {
		err := site.Site.DB.Write.Exec(`INSERT INTO users (username, role, password_hash, created_at, updated_at)
			VALUES (?, 'admin', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, name).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	again := sitetest.Open(t, site.Config)
	logged := again.Logs.String()
	for _, want := range []string{"username=ａｄｍｉｎ ", "username=\u0430dmin ", "U+0430"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log does not name %s:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, "username=admin ") {
		t.Errorf("the log names admin:\n%s", logged)
	}
}
