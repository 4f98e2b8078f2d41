package imports

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkPreviewLargeFile previews a file of 1,000 rows against 300
// projects with two names each: the names are taken apart once, not once
// per row.
func BenchmarkPreviewLargeFile(b *testing.B) {
	var file strings.Builder
	file.WriteString("年度目标,项目名称\n")
	for i := range 1000 {
		fmt.Fprintf(&file, "开工,第%d号路（甲路-乙路）道路新建工程\n", i)
	}
	sheet, err := Parse(b.Context(), "large.csv", []byte(file.String()))
	if err != nil {
		b.Fatal(err)
	}
	var candidates []Candidate
	for i := range 300 {
		candidates = append(candidates, Candidate{
			ProjectID: int64(i + 1), Name: fmt.Sprintf("某某%d路（丙路-丁路）道路整治工程", i),
			ListedNames: []string{fmt.Sprintf("某某%d路道路综合整治工程", i)},
		})
	}
	for b.Loop() {
		if lines := Preview(2030, sheet.Rows, candidates, nil); len(lines) != 1000 {
			b.Fatalf("%d lines, want 1000", len(lines))
		}
	}
}
