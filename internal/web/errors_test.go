package web

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/errkind"
)

// TestAnswerTo: every kind of the domain is answered with its status, once,
// here; a kind's own message is kept, and one without a message gets the
// general message of its status.
func TestAnswerTo(t *testing.T) {
	errGone := errkind.New(errkind.NotFound, "thing not found")
	errFull := errors.New("disk full")
	explain := func(err error) *Error {
		if errors.Is(err, errFull) {
			return &Error{Status: http.StatusServiceUnavailable, MessageID: "error.storage_full"}
		}
		return nil
	}
	tests := []struct {
		name        string
		err         error
		wantStatus  int
		wantMessage string
		wantArgs    []any
	}{
		{"not found", errGone, 404, "error.404", nil},
		{"not found, wrapped", fmt.Errorf("loading 7: %w", errGone), 404, "error.404", nil},
		{"not found with a message", errGone.WithMessage("error.project_not_found", "ID", 7), 404, "error.project_not_found", []any{"ID", 7}},
		{"not found with a message, wrapped", fmt.Errorf("x: %w", errGone.WithMessage("error.year_not_found", "Year", 1999)), 404, "error.year_not_found", []any{"Year", 1999}},
		{"conflict", errkind.New(errkind.Conflict, "changed since"), 409, "error.400", nil},
		{"forbidden", errkind.New(errkind.Forbidden, "not yours"), 403, "error.403", nil},
		{"forbidden with a message", &errkind.Error{Kind: errkind.Forbidden, MessageID: "error.not_your_project"}, 403, "error.not_your_project", nil},
		{"invalid", errkind.New(errkind.Invalid, "too long"), 422, "error.400", nil},
		{"internal kind", errkind.New(errkind.Internal, "lost"), 500, "error.500", nil},
		{"a malformed id", func() error { _, err := ParseID("+1"); return err }(), 404, "error.404", nil},
		{"NotFound", NotFound("error.calendar_not_found"), 404, "error.calendar_not_found", nil},
		{"the web's own error", BadRequest("error.page_malformed", "Page", "x"), 400, "error.page_malformed", []any{"Page", "x"}},
		{"the web's own error around a kind", &Error{Status: 422, MessageID: "comment.too_long", Err: errGone}, 422, "comment.too_long", nil},
		{"explained", fmt.Errorf("save: %w", errFull), 503, "error.storage_full", nil},
		{"echo's 405", echo.ErrMethodNotAllowed, 405, "error.405", nil},
		{"echo's 404", echo.ErrNotFound, 404, "error.404", nil},
		{"anything else", errors.New("disk I/O error"), 500, "error.500", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, message, args := answerTo(tc.err, explain)
			if status != tc.wantStatus || message != tc.wantMessage || !reflect.DeepEqual(args, tc.wantArgs) {
				t.Errorf("answerTo(%v) = %d, %q, %v; want %d, %q, %v", tc.err, status, message, args, tc.wantStatus, tc.wantMessage, tc.wantArgs)
			}
		})
	}
}
