package ingest

import (
	"bytes"
	"errors"
	"time"
)

var errTime = errors.New("no layout matches")

// TimeParser parses times with a list of layouts, in Location when the
// text has no zone. The common numeric
// layouts have hand-written parsers; the last parsed text and the layout
// that parsed it are remembered, since logs repeat dates.
type TimeParser struct {
	Layouts  []string
	Location *time.Location
	last     int // index of the layout that parsed last
	prev     []byte
	prevT    time.Time
	hasPrev  bool
}

// Parse returns the time b holds in one of the layouts.
func (p *TimeParser) Parse(b []byte) (time.Time, error) {
	if p.hasPrev && bytes.Equal(b, p.prev) {
		return p.prevT, nil
	}
	order := func(k int) int { // try p.last first
		if k == 0 {
			return p.last
		}
		if k <= p.last {
			return k - 1
		}
		return k
	}
	for k := range p.Layouts {
		i := order(k)
		if t, ok := p.try(p.Layouts[i], b); ok {
			p.last = i
			p.prev = append(p.prev[:0], b...)
			p.prevT, p.hasPrev = t, true
			return t, nil
		}
	}
	return time.Time{}, errTime
}

func (p *TimeParser) try(layout string, b []byte) (time.Time, bool) {
	switch layout {
	case "2006-01-02":
		if len(b) == 10 && b[4] == '-' && b[7] == '-' {
			return p.date(b[0:4], b[5:7], b[8:10], nil)
		}
		return time.Time{}, false
	case "20060102":
		if len(b) == 8 {
			return p.date(b[0:4], b[4:6], b[6:8], nil)
		}
		return time.Time{}, false
	case "2006-01-02 15:04:05", "2006-01-02T15:04:05":
		if len(b) == 19 && b[4] == '-' && b[7] == '-' && b[10] == layout[10] && b[13] == ':' && b[16] == ':' {
			return p.date(b[0:4], b[5:7], b[8:10], b[11:19])
		}
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(layout, string(b), p.Location)
	return t, err == nil
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// date builds a time from digit fields, rejecting out-of-range values
// (time.Date would silently normalize February 30 to March 2).
func (p *TimeParser) date(yb, mb, db, clock []byte) (time.Time, bool) {
	y, ok1 := digits(yb)
	m, ok2 := digits(mb)
	d, ok3 := digits(db)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return time.Time{}, false
	}
	var hh, mm, ss int
	if clock != nil {
		var ok4, ok5, ok6 bool
		hh, ok4 = digits(clock[0:2])
		mm, ok5 = digits(clock[3:5])
		ss, ok6 = digits(clock[6:8])
		if !ok4 || !ok5 || !ok6 || hh > 23 || mm > 59 || ss > 59 {
			return time.Time{}, false
		}
	}
	return time.Date(y, time.Month(m), d, hh, mm, ss, 0, p.Location), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
