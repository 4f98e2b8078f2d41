package views

import (
	"context"

	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
)

// t translates a message id in the language of the request.
func t(ctx context.Context, id string, args ...any) string {
	return locale.T(ctx, id, args...)
}

// date formats a date in the language of the request.
func date(ctx context.Context, d civil.Date) string {
	return locale.Date(ctx, d)
}
