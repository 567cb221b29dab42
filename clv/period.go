package clv

import (
	"fmt"
	"time"
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
func (p Period) index(t time.Time) int64 {
	var day int64
	if t.Location() == time.UTC {
		day = floorDiv(t.Unix(), 86400)
	} else {
		y, m, d := t.Date()
		switch p {
		case Month:
			return int64(y)*12 + int64(m) - 1
		case Year:
			return int64(y)
		}
		day = daysFromCivil(int64(y), int64(m), int64(d))
	}
	switch p {
	case Year:
		return int64(t.Year())
	case Week:
		return floorDiv(day+3, 7) // 1970-01-01 was a Thursday; its Monday is day -3
	case Month:
		y, m, _ := t.Date()
		return int64(y)*12 + int64(m) - 1
	}
	return day
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
