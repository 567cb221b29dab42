package clv

import (
	"fmt"
	"time"

	"github.com/clvkit/clvkit/internal/ingest"
)

// A Period is a calendar period: a day, a week, a month or a year.
type Period int

const (
	Day   Period = iota // a calendar day
	Week                // a week from Monday to Sunday (pandas' "W", weeks ending Sunday)
	Month               // a calendar month
	Year                // a calendar year: discrete opportunities such as annual drives (package bgbb)
)

// String returns "day", "week", "month" or "year".
func (p Period) String() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	case Year:
		return "year"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// index returns the number of the period that t falls in (in t's location),
// counting from the period of 1970-01-01.
func (p Period) index(t time.Time) int64 { return ingest.PeriodIndex(int(p), t) }
