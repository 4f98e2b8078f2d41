// Package errkind names the few kinds of failure the domain knows: what was
// asked for does not exist, clashes with what is stored, is not the asker's
// to do, or is not acceptable. Stores and rules say which kind an error is;
// the web layer answers each kind with its status in one place, so that a
// handler that forgets to check for "not found" still answers 404, not 500.
// (WTF Dial's error codes, github.com/benbjohnson/wtf, are the model.)
//
// The package knows nothing of HTTP: a kind is what went wrong, and the
// status that answers it is the web layer's choice.
package errkind

import "errors"

// Kind is what kind of failure an error is.
type Kind uint8

const (
	// Internal is every error that is not one of the kinds below: the
	// server's own failure, such as a lost database.
	Internal Kind = iota
	// NotFound: what was asked for does not exist (or is not shown to the
	// asker as existing).
	NotFound
	// Conflict: what was asked for clashes with what is stored, such as an
	// edit made from an older version or a name already taken.
	Conflict
	// Forbidden: the asker may not do what they asked.
	Forbidden
	// Invalid: what was sent is not acceptable, whoever sends it.
	Invalid
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "not found"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Invalid:
		return "invalid"
	}
	return "internal"
}

// Error is an error of a kind, with the site's message for the reader.
type Error struct {
	Kind Kind
	// MessageID names the message the reader is shown (a locale message
	// id); empty for the general message of the kind.
	MessageID string
	// Args are name and value pairs for the message, as locale.T takes them.
	Args []any
	// Err is what went wrong, for the log and for errors.Is; never shown.
	Err error
}

// New returns an error of a kind for a package's sentinel, such as
//
//	var ErrNotFound = errkind.New(errkind.NotFound, "project not found")
//
// Errors made from it with WithMessage still match it with errors.Is.
func New(kind Kind, text string) *Error {
	return &Error{Kind: kind, Err: errors.New(text)}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	if e.MessageID != "" {
		return e.Kind.String() + ": " + e.MessageID
	}
	return e.Kind.String()
}

func (e *Error) Unwrap() error { return e.Err }

// WithMessage returns an error of e's kind that wraps e (so that errors.Is
// still finds e) and shows the reader the message messageID with args.
func (e *Error) WithMessage(messageID string, args ...any) *Error {
	return &Error{Kind: e.Kind, MessageID: messageID, Args: args, Err: e}
}

// Of returns the kind of err: that of the first *Error in its chain, or
// Internal when there is none (and for nil).
func Of(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
