package views

import (
	"strconv"
	"time"

	"context"

	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/money"
)

// t translates a message id in the language of the request.
func t(ctx context.Context, id string, args ...any) string {
	return locale.T(ctx, id, args...)
}

// date formats a date in the language of the request.
func date(ctx context.Context, d civil.Date) string {
	return locale.Date(ctx, d)
}

// dateTime formats a moment, already in the district's time zone, in the
// language of the request.
func dateTime(ctx context.Context, at time.Time) string {
	return t(ctx, "date.date_time", "Date", date(ctx, civil.DateOf(at)), "Time", at.Format("15:04"))
}

// wan writes an amount of money for the reader; see locale.Money.
func wan(ctx context.Context, a money.Amount) string { return locale.Money(ctx, a) }

// monthShort is a month's short name in the reader's language: "May".
func monthShort(ctx context.Context, month int) string {
	return t(ctx, "date.month_short."+strconv.Itoa(month))
}

// english reports whether the page is in English.
func english(ctx context.Context) bool { return locale.Lang(ctx) == "en" }
