package forecast

import (
	"fmt"
	"time"
)

// longSpan is the span of a log beyond which the job notes it: no shop's
// transaction log covers half a century, a mistyped year (2204 for 2024,
// 0024) does.
const longSpan = 50 * 365.25 * 24 * 3600 // seconds

// spanNote returns a note on a log observed from first to end over more
// than longSpan, or "": one mistyped date sets the start or the end of
// observation, and every customer's forecast with it.
// (Seconds, not a Duration: one saturates at 292 years.)
func spanNote(first, end time.Time) string {
	span := float64(end.Unix() - first.Unix())
	if span <= longSpan {
		return ""
	}
	return fmt.Sprintf("note: the observation spans %.0f years, from %s to %s: a mistyped date (a year such as 2204 for 2024) "+
		"sets its start or its end, and every forecast with it; fix the row, or set the end of observation",
		span/(365.25*24*3600), first.Format(time.DateOnly), end.Format(time.DateOnly))
}

// holdoutNote returns a note on a holdout period without a transaction (a
// calibration end after the log's last purchase, with a later end of
// observation), or "": every model's holdout error then measures only how
// few purchases it predicts, and the choice by it means nothing.
func holdoutNote(cfg Config, last time.Time) string {
	if cfg.CalibrationEnd.IsZero() || cfg.Summaries {
		return ""
	}
	cal := cfg.CalibrationEnd
	if cfg.EndOfDay {
		cal = cal.Add(24 * time.Hour)
	}
	if !last.Before(cal) {
		return ""
	}
	return fmt.Sprintf("note: the holdout period, after the calibration end %s, holds no transaction (the last is on %s): "+
		"the holdout errors measure only how few purchases each model predicts; end the calibration before the last purchases",
		cfg.CalibrationEnd.Format(time.DateOnly), last.Format(time.DateOnly))
}
