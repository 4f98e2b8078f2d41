package web

import (
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// Render writes a templ component as the response with the given status.
// The page is rendered in full before anything is sent, so that a failure
// half-way becomes an error page, not half a page.
func Render(c echo.Context, status int, component templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := component.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// Download answers with body as a file the browser saves under name,
// with its ETag (304 when the client has it) and compressed when that
// pays, as a Prepared answer is.
func Download(c echo.Context, name, contentType string, body []byte) error {
	p := Prepare(contentType, body, time.Time{}, "")
	p.ContentDisposition = `attachment; filename="` + name + `"`
	return p.Serve(c)
}

// IsHTMX reports whether the request was made by htmx, which wants the
// fragment that changed rather than the whole page.
func IsHTMX(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true"
}
