package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// errJobDone stops the rows' stream when the job has stopped reading.
var errJobDone = errors.New("the job stopped reading the rows")

// checkColumns checks the number of the query's columns: 3 (id, time,
// amount) or 2 (a log without amounts, which it sets in fc), or with
// fc.Summaries 5.
func checkColumns(fds []pgconn.FieldDescription, fc *forecast.Config) error {
	names := make([]string, len(fds))
	for i, fd := range fds {
		names[i] = fd.Name
	}
	got := fmt.Sprintf("%d columns (%s)", len(fds), strings.Join(names, ", "))
	switch {
	case fc.Summaries && len(fds) != len(csvio.SummaryColumns):
		return fmt.Errorf("-query gives %s: with -summaries want %d, %s", got, len(csvio.SummaryColumns), strings.Join(csvio.SummaryColumns, ", "))
	case fc.Summaries:
	case len(fds) == 2:
		fc.NoAmounts = true
	case len(fds) != 3:
		return fmt.Errorf("-query gives %s: want 3, the customer id, the time and the amount (or 2, without amounts)", got)
	}
	return nil
}

// streamCSV writes the rows to w as the job's CSV: with summaries, a
// header of csvio.SummaryColumns first; without, no header (so that the
// job's line numbers are the rows').
func streamCSV(rows pgx.Rows, summaries bool, w io.Writer) error {
	cw := csv.NewWriter(w)
	if summaries {
		cw.Write(csvio.SummaryColumns)
	}
	fds := rows.FieldDescriptions()
	rec := make([]string, len(fds))
	n := 0
	for rows.Next() {
		n++
		vals, err := rows.Values()
		if err != nil {
			return fmt.Errorf("-query: row %d: %w", n, err)
		}
		for i, v := range vals {
			if rec[i], err = cellText(v); err != nil {
				return fmt.Errorf("-query: row %d, column %s: %w", n, fds[i].Name, err)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("-query: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// cellText formats a value of the query as the CSV job reads it: NULL as
// an empty cell, numbers exactly (numeric by its decimal digits, floats in
// the shortest form that reads back), dates as YYYY-MM-DD and other times
// in RFC 3339.
func cellText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case int16:
		return strconv.FormatInt(int64(v), 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32), nil
	case time.Time:
		if v.Location() == time.UTC && v.Equal(v.Truncate(24*time.Hour)) {
			return v.Format(time.DateOnly), nil
		}
		return v.Format(time.RFC3339Nano), nil
	case pgtype.Numeric:
		return numericText(v)
	}
	return "", fmt.Errorf("a %T: want text, a number, a date or a timestamp", v)
}

// numericText returns a numeric's decimal digits, exactly.
func numericText(n pgtype.Numeric) (string, error) {
	switch {
	case !n.Valid:
		return "", nil
	case n.NaN:
		return "NaN", nil
	case n.InfinityModifier != pgtype.Finite:
		return "", fmt.Errorf("an infinite numeric")
	case n.Int == nil:
		return "0", nil
	}
	sign, digits := "", new(big.Int).Abs(n.Int).String()
	if n.Int.Sign() < 0 {
		sign = "-"
	}
	if n.Exp >= 0 {
		return sign + digits + strings.Repeat("0", int(n.Exp)), nil
	}
	k := -int(n.Exp)
	if len(digits) <= k {
		digits = strings.Repeat("0", k-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-k] + "." + digits[len(digits)-k:], nil
}
