package views

// Nav is what the site header needs: the years that have a list, and the one
// on show, if any.
type Nav struct {
	Years       []int
	CurrentYear int
}
