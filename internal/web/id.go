package web

import (
	"fmt"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/errkind"
)

// ParseID reads an id written in a path, such as the 12 of /projects/12.
// An id is the name of a page, and a page has one name: the positive
// decimal number strconv.FormatInt writes, within int64. Anything else
// ("+1", "01", "0", "-1", "1e3", " 1", a full-width "１", one past the
// largest int64) names no page, and ParseID returns an error of the
// not-found kind with the site's general message, so that every page
// answers it alike: 404.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, &errkind.Error{Kind: errkind.NotFound, MessageID: "error.404", Err: fmt.Errorf("%q is not an id", s)}
	}
	return id, nil
}

// IDParam reads the path parameter name as an id; see ParseID.
func IDParam(c echo.Context, name string) (int64, error) {
	return ParseID(c.Param(name))
}
