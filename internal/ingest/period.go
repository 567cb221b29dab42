package ingest

import "time"

// The periods of PeriodIndex, as clv.Period numbers them.
const (
	Day = iota
	Week
	Month
	Year
)

// PeriodIndex returns the number of the period p (Day, Week, Month or
// Year) that t falls in (in t's location), counting from the period of
// 1970-01-01.
func PeriodIndex(p int, t time.Time) int64 {
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

// Seconds returns t as seconds since the Unix epoch.
func Seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())*1e-9
}

// AddExact adds x to the unevaluated sum hi + lo: hi is the rounded sum
// and lo accumulates the rounding errors exactly (Knuth's two-sum), so
// hi + lo rounds the exact sum correctly whatever order the amounts came
// in, and a summary built from merged shards (clv.CustomerState) has the
// very monetary value of one pass.
func AddExact(hi, lo, x float64) (float64, float64) {
	s := hi + x
	b := s - hi
	e := (hi - (s - b)) + (x - b)
	return s, lo + e
}
