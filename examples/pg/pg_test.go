package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/jackc/pgx/v5"
)

// logPath is the shipped synthetic log.
var logPath = filepath.Join("..", "..", "testdata", "transactions.csv")

// testDB connects to the local PostgreSQL server (the PG* variables and
// libpq's defaults, as the command without -dsn), skipping the test when
// there is none, and loads the shipped log into a fresh schema's table
// transactions(line, customer_id, date, amount), line numbering the file's
// rows. It returns the connection and the schema, dropped at the end.
func testDB(t *testing.T) (*pgx.Conn, string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "")
	if err != nil {
		t.Skipf("skipping: no PostgreSQL server to connect to (.ci/run installs and starts one; the PG* variables say where): %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	schema := fmt.Sprintf("clvkit_pg_test_%d", os.Getpid())
	exec(t, conn, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
	t.Cleanup(func() { conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE") })
	exec(t, conn, "CREATE TABLE "+schema+".transactions (line bigserial, customer_id text, date date, amount numeric)")
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+schema+".transactions (customer_id, date, amount) FROM STDIN WITH (FORMAT csv, HEADER)"); err != nil {
		t.Fatal(err)
	}
	return conn, schema
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// csvJob is forecast.csv of the CSV job (examples/forecast with its
// defaults) on the shipped log, as records by customer id, and its header.
func csvJob(t *testing.T, summaries bool) ([]string, map[string][]string) {
	t.Helper()
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fc := forecast.Config{Unit: 7 * 24 * time.Hour, Months: 12, Discount: 0.01, Margin: 1, Model: "auto", EndOfDay: true}
	res, err := forecast.Run(context.Background(), f, fc)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteForecastCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r
	}
	return recs[0], byID
}

// readTable reads a table as text cells (NULL empty), with its columns.
func readTable(t *testing.T, conn *pgx.Conn, table string) ([]string, map[string][]string) {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for _, fd := range rows.FieldDescriptions() {
		cols = append(cols, fd.Name)
	}
	byID := map[string][]string{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(vals))
		for i, v := range vals {
			if rec[i], err = cellText(v); err != nil {
				t.Fatal(err)
			}
		}
		if _, dup := byID[rec[0]]; dup {
			t.Fatalf("customer %q twice in %s", rec[0], table)
		}
		byID[rec[0]] = rec
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, byID
}

// sameTable checks that the table holds forecast.csv's rows: the same
// columns, customers and text cells, numbers within tol relative (the CSV
// has 10 significant digits), NULL where the CSV cell is empty.
func sameTable(t *testing.T, conn *pgx.Conn, table string, tol float64, wantCols []string, want map[string][]string) {
	t.Helper()
	cols, got := readTable(t, conn, table)
	if strings.Join(cols, ",") != strings.Join(wantCols, ",") {
		t.Fatalf("columns\n%v\nwant forecast.csv's\n%v", cols, wantCols)
	}
	if len(got) != len(want) {
		t.Fatalf("%d customers in %s, %d in forecast.csv", len(got), table, len(want))
	}
	worst := 0.0
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Fatalf("customer %q of forecast.csv not in %s", id, table)
		}
		for k := range w {
			gv, gerr := strconv.ParseFloat(g[k], 64)
			wv, werr := strconv.ParseFloat(w[k], 64)
			if gerr != nil || werr != nil {
				if g[k] != w[k] {
					t.Fatalf("customer %q, %s: table %q, forecast.csv %q", id, cols[k], g[k], w[k])
				}
				continue
			}
			d := math.Abs(gv-wv) / math.Max(math.Abs(wv), 1)
			worst = max(worst, d)
			if !(d <= tol) {
				t.Fatalf("customer %q, %s: table %v, forecast.csv %v (relative difference %.3g > %g)", id, cols[k], gv, wv, d, tol)
			}
		}
	}
	t.Logf("%s: %d customers, %d columns agree with forecast.csv; largest relative difference %.2g", table, len(got), len(cols), worst)
}

// TestRoundTrip: the table the command writes from the database equals
// forecast.csv of the CSV job on the shipped log, to 1e-9 (the CSV's 10
// significant digits); a second run replaces it.
func TestRoundTrip(t *testing.T) {
	conn, schema := testDB(t)
	wantCols, want := csvJob(t, false)
	table := schema + ".forecast"
	query := "SELECT customer_id, date, amount FROM " + schema + ".transactions ORDER BY line"
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-query", query, "-table", table}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got := fmt.Sprintf("wrote %d rows to %q.\"forecast\"\n", len(want), schema); stdout.String() != got {
		t.Errorf("stdout %q, want %q", stdout.String(), got)
	}
	sameTable(t, conn, table, 1e-9, wantCols, want)
	exactTable(t, conn, table)

	// A second run, on the rows in date order (another order of the same
	// log), replaces the table: a row added since is gone.
	exec(t, conn, "INSERT INTO "+table+" (customer_id) VALUES ('stale')")
	query = "SELECT customer_id, date, amount FROM " + schema + ".transactions ORDER BY date, customer_id"
	if err := run([]string{"-query", query, "-table", table}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	sameTable(t, conn, table, 1e-9, wantCols, want)
}

// TestSummariesQuery: the README's summary SQL as the query, with
// -summaries, gives the CSV job's forecasts (the summaries agree to
// 1e-12, so the fits to their tolerance).
func TestSummariesQuery(t *testing.T) {
	conn, schema := testDB(t)
	wantCols, want := csvJob(t, false)
	sql, err := os.ReadFile(filepath.Join("..", "..", "clv", "testdata", "summary_postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var end time.Time
	if err := conn.QueryRow(context.Background(), "SELECT max(date) FROM "+schema+".transactions").Scan(&end); err != nil {
		t.Fatal(err)
	}
	query := strings.NewReplacer(":'end'", "'"+end.Format(time.DateOnly)+"'", ":unit_days", "7", "FROM transactions", "FROM "+schema+".transactions").Replace(string(sql))
	table := schema + ".forecast_from_summaries"
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-query", query, "-summaries", "-end", end.Format(time.DateOnly), "-table", table}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	sameTable(t, conn, table, 1e-6, wantCols, want)

	// A bad summary is named by its row (the CSV the job reads has a
	// header line first).
	bad := "SELECT * FROM (VALUES ('a', 1, 1.0, 2.0, 10.0), ('b', 1, 5.0, 2.0, 10.0)) v"
	err = run([]string{"-query", bad, "-summaries", "-end", "2024-12-30", "-table", table}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "-query: row 2") {
		t.Fatalf("a summary with recency > T in row 2: error %v, want it named", err)
	}
	t.Log(err)
}

// failAfter is a CopyFromSource that fails after n rows of src.
type failAfter struct {
	*rowSource
	n int
}

var errInjected = errors.New("injected failure")

func (f *failAfter) Values() ([]any, error) {
	if f.i > f.n {
		return nil, errInjected
	}
	return f.rowSource.Values()
}

// TestAtomicReplace: a run that fails mid-way through the copy, or at the
// swap, leaves yesterday's table as it was, and no new table behind.
func TestAtomicReplace(t *testing.T) {
	conn, schema := testDB(t)
	ctx := context.Background()
	table := schema + ".forecast"
	query := "SELECT customer_id, date, amount FROM " + schema + ".transactions ORDER BY line"
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-query", query, "-table", table}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	// Yesterday's table: mark it, and take its checksum.
	exec(t, conn, "UPDATE "+table+" SET segment = 'yesterday'")
	sum := func() string {
		var s string
		if err := conn.QueryRow(ctx, "SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM "+table+" t").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := sum()
	leftover := func() {
		t.Helper()
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = $2", schema, "forecast"+newSuffix).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("the new table %s%s is left behind", table, newSuffix)
		}
	}

	// Mid-way through the copy: the job's rows, failing after 1000.
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(ctx, f, forecast.Config{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := parseTable(table)
	n, err := replaceTable(ctx, conn, id, forecastColumns(res), &failAfter{newRowSource(res), 1000}, nil)
	if err == nil || !strings.Contains(err.Error(), errInjected.Error()) || n != 0 || !strings.Contains(err.Error(), "copying the rows") || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("replaceTable failing mid-copy: %d rows, error %v; want errInjected, saying the table is unchanged", n, err)
	}
	if after := sum(); after != before {
		t.Fatalf("after a failed copy the table is %s, was %s", after, before)
	}
	leftover()
	// The connection is usable again (the transaction was rolled back).
	exec(t, conn, "SELECT 1")

	// At the swap: a view on the table stops the drop after the copy.
	exec(t, conn, "CREATE VIEW "+schema+".active AS SELECT customer_id FROM "+table+" WHERE churn_tier = 'active'")
	err = run([]string{"-query", query, "-table", table}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "dropping the old table") || !strings.Contains(err.Error(), "depend") {
		t.Fatalf("run with a view on the table: error %v; want the drop's, naming the dependency", err)
	}
	if after := sum(); after != before {
		t.Fatalf("after a failed swap the table is %s, was %s", after, before)
	}
	leftover()
	t.Logf("yesterday's table intact after both failures: %s", before)
}

// TestErrors: a bad query, DSN or table says which flag and why.
func TestErrors(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		usage bool
		want  []string
	}{
		{"no query", []string{"-table", "t"}, true, []string{"no -query"}},
		{"no table", []string{"-query", "SELECT 1"}, true, []string{"no -table"}},
		{"table with 3 parts", []string{"-query", "SELECT 1", "-table", "a.b.c"}, true, []string{`-table "a.b.c"`, "schema.name"}},
		{"table name too long", []string{"-query", "SELECT 1", "-table", strings.Repeat("x", 60)}, true, []string{"want at most 52"}},
		{"bad dsn", []string{"-dsn", "postgres://a@h:notaport/db", "-query", "SELECT 1", "-table", "t"}, true, []string{"-dsn"}},
		{"no server", []string{"-dsn", "postgres://nobody@127.0.0.1:1/db?connect_timeout=5", "-query", "SELECT 1", "-table", "t"}, false,
			[]string{"-dsn", "127.0.0.1", "connect"}},
		{"bad unit", []string{"-query", "SELECT 1", "-table", "t", "-unit", "month"}, true, []string{`-unit "month"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(c.args, &stdout, &stderr)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, cli.ErrUsage) != c.usage {
				t.Errorf("usage error %v, want %v: %v", errors.Is(err, cli.ErrUsage), c.usage, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestQueryErrors: errors of the query, against the server.
func TestQueryErrors(t *testing.T) {
	conn, schema := testDB(t)
	table := schema + ".forecast"
	exec(t, conn, "CREATE TABLE "+schema+".shuffled AS SELECT * FROM "+schema+".transactions ORDER BY md5(line::text)")
	cases := []struct {
		name, query string
		want        []string
	}{
		{"syntax", "SELEC customer_id FROM x", []string{"-query", "syntax error", "42601"}},
		{"no such table", "SELECT customer_id, date, amount FROM " + schema + ".nope", []string{"-query", "does not exist"}},
		{"columns", "SELECT customer_id FROM " + schema + ".transactions", []string{"-query gives 1 columns (customer_id)", "want 3"}},
		{"types", "SELECT customer_id, date > '2024-06-01', amount FROM " + schema + ".transactions", []string{"row 1, column ?column?", "a bool"}},
		{"out of order", "SELECT customer_id, date, amount FROM " + schema + ".shuffled", []string{"-query: row ", "out of time order", "ORDER BY"}},
		{"runtime error", "SELECT customer_id, date, amount / (line - 100) FROM " + schema + ".transactions ORDER BY line", []string{"-query", "division by zero"}},
		{"bad amount", "SELECT customer_id, date, 'ten' FROM " + schema + ".transactions ORDER BY line", []string{"-query: row 1, column 3", "ten"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run([]string{"-query", c.query, "-table", table}, &stdout, &stderr)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'forecast%'", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("failed runs left %d tables", n)
	}
}

// TestNumericText: numeric values are written with their exact digits.
func TestNumericText(t *testing.T) {
	conn, err := pgx.Connect(context.Background(), "")
	if err != nil {
		t.Skipf("skipping: no PostgreSQL server to connect to: %v", err)
	}
	defer conn.Close(context.Background())
	for _, s := range []string{"14.79", "-0.05", "0", "1200", "0.000123", "-17", "123456789012345678.5", "NaN"} {
		var v any
		if err := conn.QueryRow(context.Background(), "SELECT $1::numeric", s).Scan(&v); err != nil {
			t.Fatal(err)
		}
		got, err := cellText(v)
		if err != nil {
			t.Fatal(err)
		}
		if got != s {
			t.Errorf("numeric %s: cell %q", s, got)
		}
	}
}

// exactTable checks the table's numbers against the job's Result at full
// precision: the rows in the file's order make the same CSV text but for
// the amounts' trailing zeros, so the same float64s.
func exactTable(t *testing.T, conn *pgx.Conn, table string) {
	t.Helper()
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{Discount: 0.01, EndOfDay: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][4]float64{}
	rows, err := conn.Query(context.Background(), "SELECT customer_id, p_alive, expected_purchases, clv, p_purchase_window FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var v [4]float64
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3]); err != nil {
			t.Fatal(err)
		}
		got[id] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i := range res.Summary.Customers {
		c, _ := res.Customer(i)
		want := [4]float64{c.PAlive, c.ExpectedPurchases, c.CLV, c.Answers.PurchaseWithinWindow}
		if got[c.ID] != want {
			t.Fatalf("customer %q: table %v, Result %v (p_alive, expected_purchases, clv, p_purchase_window)", c.ID, got[c.ID], want)
		}
	}
}
