package imports

import (
	"sort"
	"strings"
)

// mergedRange is a merged cell's span, 1-based and inclusive.
type mergedRange struct {
	top, left, bottom, right int
	value                    string
}

// filledRows returns the sheet's rows that are not blank, with merged
// cells filled: a sheet shows a merged cell's value across its whole span,
// so each row it covers has it. truncated reports that there were more
// than maxRead.
//
// Of merged ranges that overlap, which no spreadsheet program writes, the
// one starting higher (or first in the file) is kept. So the ranges active
// on a row never share a column: each row costs at most maxColumns.
func (ws *worksheet) filledRows() (out []sheetRow, truncated bool) {
	merges := ws.merges
	sort.SliceStable(merges, func(i, j int) bool { return merges[i].top < merges[j].top })
	var active []*mergedRange
	for r := 1; r <= ws.lastRow; r++ {
		kept := active[:0]
		for _, m := range active {
			if m.bottom >= r {
				kept = append(kept, m)
			}
		}
		active = kept
		for ; len(merges) > 0 && merges[0].top == r; merges = merges[1:] {
			if m := &merges[0]; !overlaps(m, active) {
				active = append(active, m)
			}
		}
		var cells []string
		if r <= len(ws.rows) {
			cells = ws.rows[r-1]
		}
		if cells = fillMerged(cells, r, active); blank(cells) {
			continue
		}
		if len(out) == maxRead {
			return out, true
		}
		out = append(out, sheetRow{number: r, cells: cells})
	}
	return out, false
}

func overlaps(m *mergedRange, active []*mergedRange) bool {
	for _, a := range active {
		if m.left <= a.right && a.left <= m.right {
			return true
		}
	}
	return false
}

// fillMerged records the value of each merged range whose top-left cell is
// in row r and writes it into the range's other cells in this row.
func fillMerged(cells []string, r int, active []*mergedRange) []string {
	for _, m := range active {
		if m.top == r && m.left <= len(cells) {
			m.value = cells[m.left-1]
		}
		if m.value == "" {
			continue
		}
		for len(cells) < m.right {
			cells = append(cells, "")
		}
		for c := m.left; c <= m.right; c++ {
			if r != m.top || c != m.left {
				cells[c-1] = m.value
			}
		}
	}
	return cells
}

// parseRange reads a merged range such as A3:A12.
func parseRange(ref string) (mergedRange, bool) {
	from, to, found := strings.Cut(ref, ":")
	if !found {
		to = from
	}
	left, top, ok1 := parseCellRef(from)
	right, bottom, ok2 := parseCellRef(to)
	if !ok1 || !ok2 {
		return mergedRange{}, false
	}
	return mergedRange{top: min(top, bottom), left: min(left, right), bottom: max(top, bottom), right: max(left, right)}, true
}
