package views

// ErrorPage explains a failed request.
type ErrorPage struct {
	Nav     Nav
	Status  int
	Message string // already in the reader's words
}
