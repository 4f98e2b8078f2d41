package imports_test

import (
	"net/http"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/imports/importstest"
	"shuangshi/internal/site/sitetest"
)

// TestTheAttacksWorkbooksAreRefused: each workbook of the attack is
// refused at once with its reason by the file field, nothing is kept, and
// the site goes on serving. Before, the 6.6 KB file took 43 s and 3 GB and
// the 980 KB one ended the process.
func TestTheAttacksWorkbooksAreRefused(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	sitetest.WantAttackRefused(t, adm)
	var kept int64
	if err := site.Site.DB.Read.Raw("SELECT COUNT(*) FROM imports").Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	if kept != 0 {
		t.Errorf("%d refused uploads were kept", kept)
	}
	sitetest.WantStatus(t, "the public year page", site.NewBrowser(t).Get("/years/2023"), http.StatusOK)
}

// TestAnUploadIsReadOnce: the upload keeps the rows read from the file, not
// the file, and the preview and the confirmation work from them.
func TestAnUploadIsReadOnce(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	uploaded := adm.PostFile("/admin/import", "2024", "list.csv", []byte("年度目标,项目名称\n开工,甲路新建工程\n"))
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	var row struct {
		Sheet   *string
		Content []byte
	}
	if err := site.Site.DB.Read.Raw("SELECT sheet, content FROM imports").Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.Sheet == nil || !strings.Contains(*row.Sheet, "甲路新建工程") || row.Content != nil {
		t.Fatalf("kept sheet %v and %d bytes of file, want the rows and no file", row.Sheet, len(row.Content))
	}
	if got := lineActions(adm.Get(uploaded.Header.Get("Location"))); len(got) != 1 || got["2"] != "new" {
		t.Fatalf("the preview: %v", got)
	}
	sitetest.WantStatus(t, "confirm", adm.Post(uploaded.Header.Get("Location"), nil), http.StatusSeeOther)
	if got := site.NewBrowser(t).Get("/years/2024").Doc.Find(`tr[data-position]`).Length(); got != 1 {
		t.Errorf("2024 has %d targets, want 1", got)
	}
}

// TestAnUploadKeptBeforeSheetsIsReadOnce: an upload kept as its file, as
// they were before migration 00012, is read when its preview is first
// shown and its rows kept in the file's place; one whose file would now be
// refused is answered with the reason.
func TestAnUploadKeptBeforeSheetsIsReadOnce(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	keep := func(content []byte) string {
		t.Helper()
		var id int64
		err := site.Site.DB.Write.Raw(`INSERT INTO imports (year, file_name, content, created_at) VALUES (2023, 'list.xlsx', ?, ?) RETURNING id`,
			content, site.Clock.Now()).Scan(&id).Error
		if err != nil {
			t.Fatal(err)
		}
		return "/admin/import/" + sitetest.ID(id)
	}
	table := keep(sitetest.Workbook(t, "表十 2023 年区“双十”项目", []string{"", "项目名称"}, table10(t)))
	if got := lineActions(adm.Get(table)); len(got) != 20 || got["3"] != "listed" {
		t.Fatalf("the older upload's preview: %v", got)
	}
	var left int64
	if err := site.Site.DB.Read.Raw("SELECT COUNT(*) FROM imports WHERE sheet IS NULL OR content IS NOT NULL").Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("the older upload still has its file, or no sheet")
	}
	if got := lineActions(adm.Get(table)); len(got) != 20 {
		t.Errorf("the preview shown again: %d lines", len(got))
	}

	hostile := adm.Get(keep(importstest.WideRows(importstest.SmallWideRows)))
	sitetest.WantStatus(t, "an older upload refused now", hostile, http.StatusUnprocessableEntity)
	if got := sitetest.Text(hostile.Doc.Find("main")); !strings.Contains(got, "XFD1") {
		t.Errorf("the page says %q, want it to name cell XFD1", got)
	}
}
