package views

import (
	"strconv"
	"testing"
)

func TestNewPager(t *testing.T) {
	url := func(n int) string { return "?page=" + strconv.Itoa(n) }
	for _, tc := range []struct {
		total, number    int
		want             Pager
		wantFrom, wantTo int
	}{
		{0, 1, Pager{}, 0, 0},
		{20, 1, Pager{First: 1, Last: 20, Total: 20}, 0, 20},
		{250, 1, Pager{First: 1, Last: 100, Total: 250, NextURL: "?page=2"}, 0, 100},
		{250, 2, Pager{First: 101, Last: 200, Total: 250, PrevURL: "?page=1", NextURL: "?page=3"}, 100, 200},
		{250, 3, Pager{First: 201, Last: 250, Total: 250, PrevURL: "?page=2"}, 200, 250},
		{250, 99, Pager{First: 201, Last: 250, Total: 250, PrevURL: "?page=2"}, 200, 250}, // past the last: the last
		{250, 0, Pager{First: 1, Last: 100, Total: 250, NextURL: "?page=2"}, 0, 100},
		{200, 2, Pager{First: 101, Last: 200, Total: 200, PrevURL: "?page=1"}, 100, 200},
	} {
		got, from, to := NewPager(tc.total, tc.number, 100, url)
		if got != tc.want || from != tc.wantFrom || to != tc.wantTo {
			t.Errorf("%d rows, page %d: %+v [%d, %d), want %+v [%d, %d)", tc.total, tc.number, got, from, to, tc.want, tc.wantFrom, tc.wantTo)
		}
	}
}
