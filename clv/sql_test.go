package clv_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/datasets"
)

// psql runs a psql command against the local PostgreSQL server, skipping
// the test when there is none (.ci/run installs and starts one).
func psql(t *testing.T, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("skipping: no psql (.ci/run installs PostgreSQL)")
	}
	out, err := exec.Command("psql", append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1"}, args...)...).CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("could not connect")) || bytes.Contains(out, []byte("connection to server")) ||
			bytes.Contains(out, []byte("does not exist")) && (bytes.Contains(out, []byte("role")) || bytes.Contains(out, []byte("database"))) {
			t.Skipf("skipping: no PostgreSQL server to connect to: %s", out)
		}
		t.Fatalf("psql %v: %v\n%s", args, err, out)
	}
	return out
}

// checkSQL loads txs into PostgreSQL, runs testdata/summary_postgres.sql
// (the SQL the README gives) and compares its rows with Summarize's.
func checkSQL(t *testing.T, txs []clv.Transaction, end time.Time) {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	for _, tx := range txs {
		fmt.Fprintf(&b, "%s,%s,%s\n", tx.CustomerID, tx.Time.Format(time.DateOnly), strconvF(tx.Amount))
	}
	csvPath := filepath.Join(dir, "tx.csv")
	os.WriteFile(csvPath, []byte(b.String()), 0o644)
	schema := fmt.Sprintf("clvkit_test_%d", os.Getpid())
	psql(t, "-c", "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec.Command("psql", "-X", "-q", "-c", "DROP SCHEMA IF EXISTS "+schema+" CASCADE").Run() })
	sql, err := os.ReadFile(filepath.Join("testdata", "summary_postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("SET search_path TO %s;\nCREATE TABLE transactions (customer_id text, date date, amount numeric);\n"+
		"\\copy transactions FROM '%s' WITH (FORMAT csv)\n\\pset format csv\n\\pset tuples_only on\n%s", schema, csvPath, sql)
	scriptPath := filepath.Join(dir, "run.sql")
	os.WriteFile(scriptPath, []byte(script), 0o644)
	out := psql(t, "-v", "end="+end.Format(time.DateOnly), "-v", "unit_days=7", "-f", scriptPath)
	rows, _, err := csvio.ReadSummaries(strings.NewReader(strings.Join(csvio.SummaryColumns, ",")+"\n"+string(out)), csvio.SummariesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := clv.Summarize(txs, clv.SummaryOptions{End: end, Unit: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sum.Customers) {
		t.Fatalf("SQL gives %d customers, Summarize %d", len(rows), len(sum.Customers))
	}
	byID := map[string]clv.Customer{}
	for _, c := range rows {
		byID[c.ID] = c
	}
	for _, want := range sum.Customers {
		got := byID[want.ID]
		for _, v := range [][2]float64{{got.Frequency, want.Frequency}, {got.Recency, want.Recency}, {got.T, want.T}, {got.MonetaryValue, want.MonetaryValue}} {
			if math.Abs(v[0]-v[1]) > 1e-12*math.Max(math.Abs(v[1]), 1) {
				t.Fatalf("customer %q: SQL %+v, Summarize %+v", want.ID, got, want)
			}
		}
	}
	t.Logf("%d customers agree", len(rows))
}

func strconvF(v float64) string { return fmt.Sprintf("%.17g", v) }

// TestSummarySQL: the README's PostgreSQL query gives Summarize's
// summaries row for row, on testdata/ and on the full CDNOW log.
func TestSummarySQL(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := csvio.NewReader(f, csvio.Options{Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	txs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checkSQL(t, txs, time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC))

	g, err := os.Open(datasets.Data(t, "CDNOW_master.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rd, err = csvio.NewReader(g, csvio.Options{Delimiter: ' ', Amount: "dollar_value"})
	if err != nil {
		t.Fatal(err)
	}
	if txs, err = rd.ReadAll(); err != nil {
		t.Fatal(err)
	}
	checkSQL(t, txs, time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC))
}
