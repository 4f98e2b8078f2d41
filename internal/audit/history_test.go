package audit

import (
	"context"
	"testing"
	"time"

	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
)

func TestEditionsTellAChange(t *testing.T) {
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ctx := locale.WithLocale(context.Background(), catalog.For("zh-CN"))
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	user := int64(7)
	target := int64(5)
	at := time.Date(2023, 6, 1, 2, 30, 0, 0, time.UTC)
	progress := projects.ExportedChange{
		Change: projects.Change{ProjectID: 3, TargetID: &target, At: at, UserID: &user, UserName: "li",
			Field: projects.FieldProgress, OldValue: "", NewValue: "=HYPERLINK(\"x\")", Reason: "据实更正", Public: true},
		ProjectName: "海安路道路整治工程", Year: 2023, List: projects.CompleteList,
	}
	note := projects.ExportedChange{
		Change:      projects.Change{ProjectID: 3, At: at, UserName: "li", Field: projects.FieldInternalNote, NewValue: "内部备注"},
		ProjectName: "海安路道路整治工程",
	}
	for _, c := range []struct {
		name   string
		e      Edition
		change projects.ExportedChange
		want   []string
	}{
		{"the public edition: no name, no reason", Public, progress,
			[]string{"2023-06-01T10:30:00+08:00", "3", "海安路道路整治工程", "2023", "竣工", "推进情况", "—", "'=HYPERLINK(\"x\")"}},
		{"the staff edition: who, why, and whether public", Staff, progress,
			[]string{"2023-06-01T10:30:00+08:00", "3", "海安路道路整治工程", "2023", "竣工", "推进情况", "—", "'=HYPERLINK(\"x\")", "li", "据实更正", "是"}},
		{"a project's own internal field", Staff, note,
			[]string{"2023-06-01T10:30:00+08:00", "3", "海安路道路整治工程", "", "", "内部备注", "—", "内部备注", "li", "", "否"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.e.Record(ctx, c.change, shanghai)
			if len(got) != len(c.e.Headings(catalog.For("zh-CN"))) {
				t.Errorf("%d cells under %d headings", len(got), len(c.e.Headings(catalog.For("zh-CN"))))
			}
			if len(got) != len(c.want) {
				t.Fatalf("Record = %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("cell %d = %q, want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}
