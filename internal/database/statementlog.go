package database

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// statementLog logs the statements that failed or were slow, as GORM's
// slog logger does, without asking GORM for the others' text: GORM's
// logger writes out every statement with its values (the dialect's
// Explain) before deciding not to log it, and a page makes dozens.
type statementLog struct {
	logger.Interface
	slow  time.Duration // a statement slower is logged; 0 logs none for being slow
	every bool          // at logger.Info (db.Debug()) every statement is
}

// newStatementLog logs through log, GORM's slog logger made with cfg, the
// statements that fail or take longer than cfg.SlowThreshold.
func newStatementLog(log logger.Interface, cfg logger.Config) statementLog {
	return statementLog{Interface: log, slow: cfg.SlowThreshold, every: cfg.LogLevel >= logger.Info}
}

func (l statementLog) LogMode(level logger.LogLevel) logger.Interface {
	return statementLog{Interface: l.Interface.LogMode(level), slow: l.slow, every: level >= logger.Info}
}

func (l statementLog) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound)
	if !l.every && !failed && (l.slow == 0 || time.Since(begin) <= l.slow) {
		return
	}
	l.Interface.Trace(ctx, begin, fc, err)
}

// ParamsFilter keeps what the inner logger says of values (GORM asks the
// logger itself, so an embedded interface would hide it).
func (l statementLog) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if filter, ok := l.Interface.(gorm.ParamsFilter); ok {
		return filter.ParamsFilter(ctx, sql, params...)
	}
	return sql, params
}
