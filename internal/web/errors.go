package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/errkind"
	"shuangshi/internal/locale"
	"shuangshi/views"
)

// Error is what a handler returns to answer with a given status and one of
// the site's messages, for what is the web's own business (a malformed
// request, a body too large, a busy server). What the domain refuses is an
// errkind.Error, answered by its kind. The cause, if any, is logged and
// never shown.
type Error struct {
	Status    int
	MessageID string
	Args      []any // name and value pairs for the message, as locale.T takes them
	Err       error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return http.StatusText(e.Status) + ": " + e.Err.Error()
	}
	return http.StatusText(e.Status) + ": " + e.MessageID
}

func (e *Error) Unwrap() error { return e.Err }

// NotFound answers 404 with the given message: an error of the not-found
// kind.
func NotFound(messageID string, args ...any) *errkind.Error {
	return &errkind.Error{Kind: errkind.NotFound, MessageID: messageID, Args: args}
}

// BadRequest answers 400 with the given message.
func BadRequest(messageID string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, MessageID: messageID, Args: args}
}

// statusClientClosedRequest is the status logged for a request whose client
// went away before it was answered (nginx's 499).
const statusClientClosedRequest = 499

// clientGone reports whether the request's client has gone away: its
// context was cancelled by the server because the connection closed.
func clientGone(c echo.Context) bool {
	return errors.Is(c.Request().Context().Err(), context.Canceled)
}

// BodyTooLarge reports whether err comes from reading a request body past
// the size limit (the body limit middleware's error).
func BodyTooLarge(err error) bool {
	var httpErr *echo.HTTPError
	return errors.As(err, &httpErr) && httpErr.Code == http.StatusRequestEntityTooLarge
}

// messageForStatus is the general message of a status that came without one
// of the site's messages, such as echo's own 404 and 405.
func messageForStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "error." + strconv.Itoa(status)
	}
	if status >= 500 {
		return "error.500"
	}
	return "error.400"
}

// statusOfKind is the status that answers an error of a kind.
func statusOfKind(k errkind.Kind) int {
	switch k {
	case errkind.NotFound:
		return http.StatusNotFound
	case errkind.Conflict:
		return http.StatusConflict
	case errkind.Forbidden:
		return http.StatusForbidden
	case errkind.Invalid:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// answerTo is the status and the site's message that answer err: an *Error
// says both; an errkind.Error says its kind, and its message or the
// kind's general one; explain, when not nil, answers the errors it knows
// (a full disk, say); echo's own errors carry their status; anything else
// is a 500.
func answerTo(err error, explain func(error) *Error) (status int, messageID string, args []any) {
	var appErr *Error
	var kindErr *errkind.Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &appErr):
		return appErr.Status, appErr.MessageID, appErr.Args
	case errors.As(err, &kindErr) && kindErr.Kind != errkind.Internal:
		status := statusOfKind(kindErr.Kind)
		if kindErr.MessageID == "" {
			return status, messageForStatus(status), nil
		}
		return status, kindErr.MessageID, kindErr.Args
	}
	if explain != nil {
		if appErr = explain(err); appErr != nil {
			return appErr.Status, appErr.MessageID, appErr.Args
		}
	}
	if errors.As(err, &httpErr) {
		return httpErr.Code, messageForStatus(httpErr.Code), nil
	}
	return http.StatusInternalServerError, "error.500", nil
}

// ErrorHandler turns every error a handler returns into a response: an HTML
// page in the site's layout, or JSON under /api/, with the status and
// message answerTo gives. A status of 500 or more is logged with its cause;
// the reader sees only a message of the site's.
func ErrorHandler(log *slog.Logger, catalog *locale.Catalog, explain func(error) *Error) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if clientGone(c) {
			// Nobody reads the answer: the request is neither a server
			// error nor worth a page. 499 is nginx's "client closed
			// request"; the log and the metrics count it as the client's.
			// A failure that is not the cancellation itself (the disk,
			// say) is still worth a line.
			if !errors.Is(err, context.Canceled) {
				log.WarnContext(c.Request().Context(), "request failed after its client went away", "error", err,
					"method", c.Request().Method, "uri", loggedURI(c),
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
			_ = c.NoContent(statusClientClosedRequest)
			return
		}
		status, messageID, args := answerTo(err, explain)
		if status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "error", err,
				"method", c.Request().Method, "uri", loggedURI(c),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		if locale.FromContext(c.Request().Context()) == nil {
			setLocale(c, catalog)
		}
		message := locale.T(c.Request().Context(), messageID, args...)

		var respondErr error
		switch {
		case strings.HasPrefix(c.Request().URL.Path, "/api/"):
			respondErr = c.JSON(status, map[string]any{"error": map[string]any{"status": status, "message": message}})
		default:
			respondErr = Render(c, status, views.Error(views.ErrorPage{Status: status, Message: message}))
		}
		if respondErr != nil {
			log.ErrorContext(c.Request().Context(), "error page failed", "error", respondErr)
			if !c.Response().Committed {
				_ = c.String(status, http.StatusText(status))
			}
		}
	}
}
