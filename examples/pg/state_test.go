package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
)

// TestStateTable: two daily runs through a state table (the log to
// 2024-12-29, then the rest, by one query taking the state's last
// transaction as $1) write the forecast table of one full run on the
// whole log, cell for cell; the same day again changes nothing (no new
// rows: the same forecast); a run that fails at the swap leaves the
// state as it was; flags that an incremental run refuses are usage
// errors.
func TestStateTable(t *testing.T) {
	conn, schema := testDB(t)
	ctx := context.Background()
	state := schema + ".clv_state"
	// The rows after the state's last transaction, to a day (the first
	// run's) or all of them.
	query := func(to string) string {
		q := "SELECT customer_id, date, amount FROM " + schema + ".transactions WHERE date > $1"
		if to != "" {
			q += " AND date <= '" + to + "'"
		}
		return q + " ORDER BY line"
	}
	var stdout, stderr bytes.Buffer
	for _, step := range []struct{ to, table string }{{"2024-12-29", "day1"}, {"", "day2"}} {
		if err := run([]string{"-query", query(step.to), "-table", schema + "." + step.table, "-state-table", state}, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v\n%s", step.table, err, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "saved the state of 3000 customers, 7348 transactions") {
		t.Errorf("stdout does not report the state saved:\n%s", stdout.String())
	}
	if err := run([]string{"-query", "SELECT customer_id, date, amount FROM " + schema + ".transactions ORDER BY line", "-table", schema + ".full"}, &stdout, &stderr); err != nil {
		t.Fatalf("full: %v\n%s", err, stderr.String())
	}
	cols, full := readTable(t, conn, schema+".full")
	sameTable(t, conn, schema+".day2", 0, cols, full)

	var saved []byte
	var customers, records int64
	if err := conn.QueryRow(ctx, "SELECT state, customers, records FROM "+state).Scan(&saved, &customers, &records); err != nil {
		t.Fatal(err)
	}
	st, err := forecast.LoadState(bytes.NewReader(saved))
	if err != nil || st.Customers() != 3000 || customers != 3000 || records != 7348 {
		t.Fatalf("the state table: %d customers, %d transactions (columns %d, %d), %v", st.Customers(), st.Records, customers, records, err)
	}
	// A failure at the swap (a view on the forecast table): the state
	// table is as it was, and so is the forecast table.
	exec(t, conn, "CREATE VIEW "+schema+".v AS SELECT * FROM "+schema+".day2")
	exec(t, conn, "INSERT INTO "+schema+".transactions (customer_id, date, amount) VALUES ('new', '2025-01-05', 10)")
	err = run([]string{"-query", query(""), "-table", schema + ".day2", "-state-table", state}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("a run failing at the swap: %v", err)
	}
	var now []byte
	if err := conn.QueryRow(ctx, "SELECT state FROM "+state).Scan(&now); err != nil || !bytes.Equal(now, saved) {
		t.Errorf("a failed run changed the state table (%v)", err)
	}
	sameTable(t, conn, schema+".day2", 0, cols, full)

	for _, args := range [][]string{
		{"-query", query(""), "-table", schema + ".x", "-state-table", state, "-summaries", "-end", "2025-01-01"},
		{"-query", query(""), "-table", schema + ".x", "-state-table", state, "-calibration-end", "2024-06-01"},
		{"-query", "SELECT $1::text, $2::date, 1", "-table", schema + ".x", "-state-table", state},
	} {
		if err := run(args, &stdout, &stderr); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", args[len(args)-2:], err)
		}
	}
	if err := run([]string{"-query", query(""), "-table", schema + ".x", "-state-table", "a.b.c"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "-state-table") {
		t.Errorf("-state-table a.b.c: %v", err)
	}
}
