package ingest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors of the summaries' reader; clv exports them under the same names.
var (
	ErrInvalidCustomer = errors.New("clv: invalid customer summary")
	ErrFieldCount      = errors.New("wrong number of fields")
)

// A summaryFault is the reason a summary row is inconsistent, a fixed
// phrase that Stats counts by; it is an ErrInvalidCustomer.
type summaryFault string

func (f summaryFault) Error() string        { return string(f) }
func (f summaryFault) Is(target error) bool { return target == ErrInvalidCustomer }

const (
	faultFrequency     summaryFault = "frequency not a whole number ≥ 0"
	faultFrequencyHigh summaryFault = "frequency above the bound"
	faultRecency       summaryFault = "recency outside [0, T]"
	faultRecencyZero   summaryFault = "recency ≠ 0 with frequency 0"
	faultT             summaryFault = "T < 0"
	faultMonetaryZero  summaryFault = "monetary_value ≠ 0 with frequency 0"
)

// A SummaryRow is a row of a table of summaries: a clv.Customer.
type SummaryRow struct {
	ID                                   string
	Frequency, Recency, T, MonetaryValue float64
}

// ParseSummary parses and checks one row of csvio.ReadSummaries: rec's
// field idx[k] (−1: absent) holds column cols[k] of csvio.SummaryColumns.
// On error it returns the index k of the field at fault (−1: the record).
func ParseSummary(rec []string, idx []int, cols []string, allowNegative bool, maxX float64) (SummaryRow, int, error) {
	var c SummaryRow
	var v [5]float64
	for k, i := range idx {
		if i < 0 {
			continue
		}
		if i >= len(rec) {
			return c, -1, fmt.Errorf("%w: %d fields, the header names column %q as field %d", ErrFieldCount, len(rec), cols[k], i+1)
		}
		s := strings.TrimSpace(rec[i])
		if k == 0 {
			if s == "" {
				return c, 0, ErrMissingID
			}
			c.ID = s
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !PlainNumber([]byte(s)) {
			return c, k, fmt.Errorf("%w %s: want a decimal number", ErrBadAmount, Quote([]byte(s)))
		}
		v[k] = f
	}
	x, tx, T, m := v[1], v[2], v[3], v[4]
	c.Frequency, c.Recency, c.T, c.MonetaryValue = x, tx, T, m
	switch {
	case x < 0 || x != math.Trunc(x):
		return c, 1, fmt.Errorf("%w: %v; frequency counts the repeat purchase periods (purchases after the first)", faultFrequency, x)
	case x > maxX:
		return c, 1, fmt.Errorf("%w: %v > %g; the column may hold something other than a count of repeat purchase periods (raise SummariesOptions.MaxFrequency if it is right)", faultFrequencyHigh, x, maxX)
	case T < 0:
		return c, 3, fmt.Errorf("%w: %v; T is the time from the first purchase to the end of observation", faultT, T)
	case tx < 0 || tx > T:
		return c, 2, fmt.Errorf("%w: recency %v, T %v; recency is the time from the first to the last purchase, at most T, the time from the first purchase to the end of observation (are both in the same unit, measured to the same end?)", faultRecency, tx, T)
	case x == 0 && tx != 0:
		return c, 2, fmt.Errorf("%w: recency %v; without repeat purchases the last purchase is the first", faultRecencyZero, tx)
	case m < 0 && !allowNegative:
		return c, 4, fmt.Errorf("%w: monetary_value %v; allow negative values (returns) with AllowNegative, or fix the row", ErrNegativeAmount, m)
	case x == 0 && m != 0:
		return c, 4, fmt.Errorf("%w: %v; monetary_value is the mean of the repeat purchases, 0 without any (the first purchase is not counted)", faultMonetaryZero, m)
	}
	return c, 0, nil
}
