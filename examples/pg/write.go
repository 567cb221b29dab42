package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/jackc/pgx/v5"
)

// newSuffix names the table a run copies into before the swap.
const newSuffix = "_clvkit_new"

// maxIdentifier is PostgreSQL's limit on a name's bytes (NAMEDATALEN − 1).
const maxIdentifier = 63

// parseTable parses -table: name or schema.name.
func parseTable(s string) (pgx.Identifier, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 2 {
		return nil, cli.Usagef("-table %q: want name or schema.name", s)
	}
	for _, p := range parts {
		if p == "" {
			return nil, cli.Usagef("-table %q: want name or schema.name, neither empty", s)
		}
	}
	if name := parts[len(parts)-1]; len(name)+len(newSuffix) > maxIdentifier {
		return nil, cli.Usagef("-table %q: the name has %d bytes; want at most %d (the run copies into %s%s first)",
			s, len(name), maxIdentifier-len(newSuffix), name, newSuffix)
	}
	return pgx.Identifier(parts), nil
}

// column is one column of the forecast table: its name, its SQL type, and
// its value for a customer (nil is NULL).
type column struct {
	name, typ string
	val       func(*forecast.CustomerForecast) any
}

// num is a float column's value: NaN (forecast.csv's empty cell) is NULL.
func num(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}

// forecastColumns are forecast.csv's columns (forecast.ForecastColumns
// and the interval columns res has), typed.
func forecastColumns(res *forecast.Result) []column {
	valued := res.Spend != nil
	money := func(v float64) any {
		if !valued {
			return nil
		}
		return num(v)
	}
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	const f8, i2, tx = "double precision", "smallint", "text"
	cols := []column{
		{"customer_id", tx + " NOT NULL", func(c *forecast.CustomerForecast) any { return c.ID }},
		{"frequency", f8, func(c *forecast.CustomerForecast) any { return c.Frequency }},
		{"recency", f8, func(c *forecast.CustomerForecast) any { return c.Recency }},
		{"T", f8, func(c *forecast.CustomerForecast) any { return c.T }},
		{"monetary_value", f8, func(c *forecast.CustomerForecast) any { return c.MonetaryValue }},
		{"p_alive", f8, func(c *forecast.CustomerForecast) any { return num(c.PAlive) }},
		{"expected_purchases", f8, func(c *forecast.CustomerForecast) any { return num(c.ExpectedPurchases) }},
		{"expected_avg_value", f8, func(c *forecast.CustomerForecast) any { return money(c.ExpectedValue) }},
		{"clv", f8, func(c *forecast.CustomerForecast) any { return money(c.CLV) }},
		{"r_score", i2, func(c *forecast.CustomerForecast) any { return int16(c.RFM.R) }},
		{"f_score", i2, func(c *forecast.CustomerForecast) any { return int16(c.RFM.F) }},
		{"m_score", i2, func(c *forecast.CustomerForecast) any { return int16(c.RFM.M) }},
		{"rfm_score", tx, func(c *forecast.CustomerForecast) any { return c.RFM.Code() }},
		{"segment", tx, func(c *forecast.CustomerForecast) any { return text(c.RFM.Segment) }},
		{"churn_tier", tx, func(c *forecast.CustomerForecast) any { return text(c.Tier.Churn) }},
		{"value_tier", tx, func(c *forecast.CustomerForecast) any { return text(c.Tier.Value) }},
		{"action", tx, func(c *forecast.CustomerForecast) any { return text(c.Tier.Action) }},
		{"discounted_purchases", f8, func(c *forecast.CustomerForecast) any { return num(c.DiscountedPurchases) }},
		{"p_purchase_window", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.PurchaseWithinWindow) }},
		{"p_churn_window", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.ChurnWithinWindow) }},
		{"p_purchase_horizon", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.PurchaseWithinHorizon) }},
		{"p_alive_horizon_end", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.AliveAtHorizonEnd) }},
		{"next_order_days_p10", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.NextOrderDays[0]) }},
		{"next_order_days_median", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.NextOrderDays[1]) }},
		{"next_order_days_p90", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.NextOrderDays[2]) }},
		{"next_order_date", "date", func(c *forecast.CustomerForecast) any {
			t := c.Answers.NextOrderDate
			if t.IsZero() {
				return nil
			}
			y, m, d := t.Date() // the day forecast.csv writes
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}},
		{"next_order_note", tx, func(c *forecast.CustomerForecast) any { return text(c.Answers.NextOrderNote) }},
		{"avg_days_between_orders", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.AvgDaysBetweenOrders) }},
		{"model_days_between_orders", f8, func(c *forecast.CustomerForecast) any { return num(c.Answers.ModelDaysBetweenOrders) }},
	}
	if res.Intervals != nil {
		cols = append(cols,
			column{"p_alive_low", f8, func(c *forecast.CustomerForecast) any { return num(c.Intervals.PAlive.Low) }},
			column{"p_alive_high", f8, func(c *forecast.CustomerForecast) any { return num(c.Intervals.PAlive.High) }},
			column{"expected_purchases_low", f8, func(c *forecast.CustomerForecast) any { return num(c.Intervals.ExpectedPurchases.Low) }},
			column{"expected_purchases_high", f8, func(c *forecast.CustomerForecast) any { return num(c.Intervals.ExpectedPurchases.High) }},
			column{"clv_low", f8, func(c *forecast.CustomerForecast) any { return money(c.Intervals.CLV.Low) }},
			column{"clv_high", f8, func(c *forecast.CustomerForecast) any { return money(c.Intervals.CLV.High) }})
	}
	if res.Purchases != nil {
		cols = append(cols,
			column{"purchases_low", "integer", func(c *forecast.CustomerForecast) any { return int32(c.Purchases.Low) }},
			column{"purchases_high", "integer", func(c *forecast.CustomerForecast) any { return int32(c.Purchases.High) }})
	}
	return cols
}

// rowSource is a pgx.CopyFromSource of a Result's customers, one row at a
// time: the rows are never all in memory.
type rowSource struct {
	res  *forecast.Result
	cols []column
	i    int
	cf   forecast.CustomerForecast
	row  []any
}

func newRowSource(res *forecast.Result) *rowSource {
	cols := forecastColumns(res)
	return &rowSource{res: res, cols: cols, row: make([]any, len(cols))}
}

// Next implements pgx.CopyFromSource.
func (s *rowSource) Next() bool {
	var ok bool
	s.cf, ok = s.res.Customer(s.i)
	s.i++
	return ok
}

// Values implements pgx.CopyFromSource.
func (s *rowSource) Values() ([]any, error) {
	for k, c := range s.cols {
		s.row[k] = c.val(&s.cf)
	}
	return s.row, nil
}

// Err implements pgx.CopyFromSource.
func (s *rowSource) Err() error { return nil }

// replaceTable replaces table with the rows of src, atomically: in one
// transaction it creates a new table, copies the rows into it, drops the
// old table if there is one and gives the new one its name. Any error
// rolls the transaction back, leaving the old table as it was. also, if
// not nil, runs in the transaction before the commit (the state's save),
// its error rolling everything back too.
func replaceTable(ctx context.Context, conn *pgx.Conn, table pgx.Identifier, cols []column, src pgx.CopyFromSource, also func(pgx.Tx) error) (int64, error) {
	name := table[len(table)-1]
	tmp := append(append(pgx.Identifier{}, table[:len(table)-1]...), name+newSuffix)
	defs := make([]string, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = pgx.Identifier{c.name}.Sanitize() + " " + c.typ
		names[i] = c.name
	}
	fail := func(step string, err error) (int64, error) {
		return 0, fmt.Errorf("-table %s: %s: %w (the table is unchanged)", table.Sanitize(), step, err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fail("beginning the transaction", err)
	}
	defer tx.Rollback(context.Background()) // a no-op after Commit
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+tmp.Sanitize()); err != nil {
		return fail("dropping "+tmp.Sanitize(), err)
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE "+tmp.Sanitize()+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fail("creating "+tmp.Sanitize(), err)
	}
	n, err := tx.CopyFrom(ctx, tmp, names, src)
	if err != nil {
		return fail("copying the rows", err)
	}
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+table.Sanitize()); err != nil {
		return fail("dropping the old table (a view that depends on it must be dropped first)", err)
	}
	if _, err := tx.Exec(ctx, "ALTER TABLE "+tmp.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fail("renaming the new table", err)
	}
	if also != nil {
		if err := also(tx); err != nil {
			return 0, fmt.Errorf("-state-table: %w (the tables are unchanged)", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fail("committing", err)
	}
	return n, nil
}
