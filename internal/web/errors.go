package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/views"
)

// Error is what a handler returns to answer with a given status and one of
// the site's messages. The cause, if any, is logged and never shown.
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

// NotFound answers 404 with the given message.
func NotFound(messageID string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, MessageID: messageID, Args: args}
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

// ErrorHandler turns every error a handler returns into a response: an HTML
// page in the site's layout, or JSON under /api/. A status of 500 or more is
// logged with its cause; the reader sees only a message of the site's.
// explain, when not nil, gives the answer to an error that is not an
// *Error (a full disk, say); without an answer it is a 500.
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
		status, messageID, args := http.StatusInternalServerError, "error.500", []any(nil)
		var appErr *Error
		var httpErr *echo.HTTPError
		if !errors.As(err, &appErr) && explain != nil {
			appErr = explain(err)
		}
		switch {
		case appErr != nil:
			status, messageID, args = appErr.Status, appErr.MessageID, appErr.Args
		case errors.As(err, &httpErr):
			status, messageID = httpErr.Code, messageForStatus(httpErr.Code)
		}
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
