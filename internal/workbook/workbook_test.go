package workbook

import "testing"

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name     string
		text     string
		width    float64
		wrap     bool
		min, max int
	}{
		{"one short line", "已开工", 36, true, 1, 1},
		{"its own breaks", "管线迁移完成\n主线路基完成\n沥青面层施工中", 36, true, 3, 3},
		{"its own breaks, not wrapped", "a\nb", 36, false, 2, 2},
		{"a long Chinese text wraps", "已完成路基施工，正在铺设沥青面层已完成路基施工，正在铺设沥青面层", 20, true, 3, 4},
		{"long text not wrapped stays one line", "已完成路基施工，正在铺设沥青面层已完成路基施工", 10, false, 1, 1},
		{"English breaks between words", "Subgrade done, asphalt being laid on the main line", 20, true, 3, 4},
		{"a word longer than the line breaks", "Reconstruction", 6, true, 3, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Lines(tc.text, tc.width, 11, false, tc.wrap); got < tc.min || got > tc.max {
				t.Errorf("got %d lines, want %d to %d", got, tc.min, tc.max)
			}
		})
	}
}

func TestPunctuationStaysWithTheCharacterBefore(t *testing.T) {
	got := tokens("路基，面层。")
	want := []string{"路", "基，", "面", "层。"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
