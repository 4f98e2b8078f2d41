package web

import (
	"bufio"
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
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

// RowCountHeader is the header of a streamed export that says how many
// rows of data it holds, known before the first is sent.
const RowCountHeader = "X-Row-Count"

// StartDownload begins a streamed download of rows rows of data, saved
// under name: the headers go now, and the body follows as it is written to
// the response. An error after this cannot become an error page; the
// download is cut short instead, and the error logged.
func StartDownload(c echo.Context, name, contentType string, rows int) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set(RowCountHeader, strconv.Itoa(rows))
	c.Response().WriteHeader(http.StatusOK)
}

// StreamCSV answers with a CSV download of rows rows of data below its
// headings, written by write, which calls row for each as it reads them, in
// the form the site's other CSV files have: UTF-8 with a byte-order mark
// (which Excel needs to read it as UTF-8), CRLF line ends.
func StreamCSV(c echo.Context, name string, headings []string, rows int, write func(row func([]string) error) error) error {
	progress, err := NewProgress(c)
	if err != nil {
		return err
	}
	StartDownload(c, name, "text/csv; charset=utf-8", rows)
	out := bufio.NewWriterSize(c.Response(), 32<<10)
	if _, err := out.WriteString("\uFEFF"); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.UseCRLF = true
	if err := w.Write(headings); err != nil {
		return err
	}
	err = write(func(record []string) error {
		if err := progress.Row(); err != nil {
			return err
		}
		return w.Write(record)
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return out.Flush()
}

// Progress keeps a long download going while it makes progress. The
// server's write timeout bounds a whole answer, and a download of millions
// of rows outlasts it; every progressRows rows move the deadline
// progressGrace on, so that only a download that stops making progress, as
// when its client stops reading, is cut.
type Progress struct {
	answer *http.ResponseController
	rows   int
}

// The pace a download must keep: 10,000 rows a minute, where one is
// written in about a second.
const (
	progressRows  = 10_000
	progressGrace = time.Minute
)

// NewProgress begins the progress of the download c answers with.
func NewProgress(c echo.Context) (*Progress, error) {
	p := &Progress{answer: http.NewResponseController(c.Response())}
	return p, p.extend()
}

// Row counts a row made.
func (p *Progress) Row() error {
	p.rows++
	if p.rows%progressRows != 0 {
		return nil
	}
	return p.extend()
}

func (p *Progress) extend() error {
	err := p.answer.SetWriteDeadline(time.Now().Add(progressGrace))
	if errors.Is(err, http.ErrNotSupported) {
		return nil // a writer without deadlines: a test's recorder
	}
	return err
}
