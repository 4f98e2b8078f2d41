package views

// Pager is where a page of a long list is: rows First to Last (from 1) of
// Total, and the addresses of the pages before and after, "" at either end.
type Pager struct {
	First, Last, Total int
	PrevURL, NextURL   string
}

// Paged reports whether there is more than one page.
func (p Pager) Paged() bool { return p.PrevURL != "" || p.NextURL != "" }

// NewPager places page number (from 1; a number past the last is the last)
// of total rows, size a page, and returns its pager and the rows it shows,
// from (included) to (excluded). url gives the address of a page.
func NewPager(total, number, size int, url func(page int) string) (p Pager, from, to int) {
	last := max(1, (total+size-1)/size)
	number = min(max(number, 1), last)
	from, to = (number-1)*size, min(number*size, total)
	p.Total = total
	if total > 0 {
		p.First, p.Last = from+1, to
	}
	if number > 1 {
		p.PrevURL = url(number - 1)
	}
	if number < last {
		p.NextURL = url(number + 1)
	}
	return p, from, to
}
