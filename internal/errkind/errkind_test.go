package errkind_test

import (
	"errors"
	"fmt"
	"testing"

	"shuangshi/internal/errkind"
)

var errMissing = errkind.New(errkind.NotFound, "thing not found")

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want errkind.Kind
	}{
		{"nil", nil, errkind.Internal},
		{"a plain error", errors.New("disk on fire"), errkind.Internal},
		{"a sentinel", errMissing, errkind.NotFound},
		{"a sentinel wrapped", fmt.Errorf("loading 7: %w", errMissing), errkind.NotFound},
		{"a sentinel with a message", errMissing.WithMessage("error.thing_not_found", "ID", 7), errkind.NotFound},
		{"a conflict", errkind.New(errkind.Conflict, "changed since"), errkind.Conflict},
		{"forbidden", &errkind.Error{Kind: errkind.Forbidden}, errkind.Forbidden},
		{"invalid, wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", errkind.New(errkind.Invalid, "bad"))), errkind.Invalid},
		{"the outermost kind wins", &errkind.Error{Kind: errkind.Conflict, Err: errMissing}, errkind.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := errkind.Of(tc.err); got != tc.want {
				t.Errorf("Of(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestWithMessageStillMatchesItsSentinel(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", errMissing.WithMessage("error.thing_not_found", "ID", 7))
	if !errors.Is(err, errMissing) {
		t.Errorf("errors.Is(%v, errMissing) = false, want true", err)
	}
	var e *errkind.Error
	if !errors.As(err, &e) || e.MessageID != "error.thing_not_found" || len(e.Args) != 2 {
		t.Errorf("errors.As found %+v, want the message error.thing_not_found with its ID", e)
	}
	if got, want := err.Error(), "wrapped: thing not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if errors.Is(err, errkind.New(errkind.NotFound, "thing not found")) {
		t.Error("an error matched another sentinel of the same kind and text")
	}
}
