package projects

import (
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzEditForm: any form body is refused with problems or gives an edit
// whose values are within their rules, and that edit, saved and opened
// again, has nothing left to change.
func FuzzEditForm(f *testing.F) {
	for _, body := range []string{
		"version=3&planned_start=2023-03-01&planned_completion=2024-06-30&progress-70=前期工作&outcome-70=auto",
		"version=3&percent=101", "version=3&percent=-1&actual_start=2023-13-01",
		"version=3&progress-70=%00%FF&outcome-70=achieved&delay_reason=" + url.QueryEscape("<script>alert(1)</script>"),
		"version=2&base-version=2&planned_start=2023&rebaseline_reason=x", "progress-999=other project",
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		p := editable()
		edit, problems := ParseEditForm(values, p).Check(p, midYear)
		if len(problems) > 0 {
			return
		}
		saved := edit.Project
		if pc := saved.PercentComplete; pc != nil && (*pc < 0 || *pc > 100) {
			t.Fatalf("percent %d accepted", *pc)
		}
		for _, text := range []string{saved.DelayReason, saved.InternalNote} {
			if !utf8.ValidString(text) {
				t.Fatalf("%q accepted", text)
			}
		}
		for _, target := range saved.Targets {
			if !utf8.ValidString(target.Progress) {
				t.Fatalf("progress %q accepted", target.Progress)
			}
		}
		for _, c := range edit.Changes {
			if !utf8.ValidString(c.NewValue) {
				t.Fatalf("change %+v is not UTF-8", c)
			}
		}
		again, problems := FormOf(saved).Check(saved, midYear)
		if len(problems) == 0 && len(again.Changes) > 0 {
			t.Fatalf("%q: saved and opened again, it still changes %+v", body, again.Changes)
		}
	})
}
