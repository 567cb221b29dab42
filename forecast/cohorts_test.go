package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// cohortFiles returns res's cohorts.csv and kpis.csv.
func cohortFiles(t *testing.T, res *forecast.Result) (cohorts, kpis []byte) {
	t.Helper()
	var c, k bytes.Buffer
	if err := res.WriteCohortsCSV(&c); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteKPIsCSV(&k); err != nil {
		t.Fatal(err)
	}
	return c.Bytes(), k.Bytes()
}

// TestCohortsGolden: the shipped log's cohorts.csv and kpis.csv (go test
// -update rewrites them); the same from the log in reverse order, which
// the job sorts; and the tables add up to the summaries: the orders are
// the customers' purchases (frequency + 1, customer-days), the cohorts'
// sizes the customers, the last month's repeat customers those with a
// repeat purchase.
func TestCohortsGolden(t *testing.T) {
	cfg := forecast.Config{CSV: csvio.Options{Amount: "amount"}, Model: "bgnbd"}
	res, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cohorts, kpis := cohortFiles(t, res)
	for name, got := range map[string][]byte{"cohorts.csv": cohorts, "kpis.csv": kpis} {
		path := filepath.Join("testdata", "golden_"+name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run go test -update after checking the change)", name, path)
		}
	}
	orders, repeat := 0.0, 0
	for _, c := range res.Summary.Customers {
		orders += c.Frequency + 1
		if c.Frequency > 0 {
			repeat++
		}
	}
	gotOrders, size := 0, 0
	for _, c := range res.Cohorts.Cohorts {
		size += c.Size
		for _, cell := range c.Months {
			gotOrders += cell.Orders
		}
	}
	last := res.Cohorts.KPIs[len(res.Cohorts.KPIs)-1]
	if float64(gotOrders) != orders || size != len(res.Summary.Customers) || last.Repeat != repeat || last.Customers != size {
		t.Errorf("orders %d (summaries %v), cohort sizes %d (customers %d), repeat %d (summaries %d)",
			gotOrders, orders, size, len(res.Summary.Customers), last.Repeat, repeat)
	}
	rows, err := csv.NewReader(bytes.NewReader(kpis)).ReadAll()
	if err != nil || strings.Join(rows[0], ",") != strings.Join(forecast.KPIColumns, ",") || len(rows) != len(res.Cohorts.KPIs)+1 {
		t.Fatalf("kpis.csv: %v, header %v, %d rows", err, rows[0], len(rows))
	}

	// The log in reverse order: every customer's transactions run
	// backwards; the job sorts it (a second read) and tabulates anew.
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	rev := []string{lines[0]}
	for i := len(lines) - 1; i > 0; i-- {
		rev = append(rev, lines[i])
	}
	back, err := forecast.Run(context.Background(), strings.NewReader(strings.Join(rev, "\n")+"\n"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c2, k2 := cohortFiles(t, back)
	// The revenue sums run in another order: compare to 9 digits.
	if !sameCSV(t, c2, cohorts) || !sameCSV(t, k2, kpis) {
		t.Errorf("reversed log: tables differ\n%s\n%s", k2, kpis)
	}
}

// sameCSV reports whether two CSV files have the same cells, numbers
// equal to a relative 1e-9.
func sameCSV(t *testing.T, a, b []byte) bool {
	t.Helper()
	ra, err1 := csv.NewReader(bytes.NewReader(a)).ReadAll()
	rb, err2 := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err1 != nil || err2 != nil || len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if len(ra[i]) != len(rb[i]) {
			return false
		}
		for j := range ra[i] {
			x, y := ra[i][j], rb[i][j]
			if x == y {
				continue
			}
			u, e1 := strconv.ParseFloat(x, 64)
			v, e2 := strconv.ParseFloat(y, 64)
			if e1 != nil || e2 != nil || !(abs(u-v) <= 1e-9*max(abs(u), abs(v))) {
				return false
			}
		}
	}
	return true
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestCohortsNoAmounts: without amounts the counts are those of the run
// with amounts and every revenue cell is empty.
func TestCohortsNoAmounts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var noAmounts strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if k := strings.LastIndexByte(line, ','); k >= 0 {
			line = line[:k] + "\n"
		}
		noAmounts.WriteString(line)
	}
	res, err := forecast.Run(context.Background(), strings.NewReader(noAmounts.String()), forecast.Config{Model: "bgnbd", NoAmounts: true})
	if err != nil {
		t.Fatal(err)
	}
	with, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	c, k := cohortFiles(t, res)
	cw, kw := cohortFiles(t, with)
	for _, f := range []struct {
		name        string
		got, with   []byte
		money, keep []int // revenue columns; the others must be the run's with amounts
	}{{"cohorts.csv", c, cw, []int{7, 8}, nil}, {"kpis.csv", k, kw, []int{5, 6}, nil}} {
		rg, _ := csv.NewReader(bytes.NewReader(f.got)).ReadAll()
		rw, _ := csv.NewReader(bytes.NewReader(f.with)).ReadAll()
		if len(rg) != len(rw) || len(rg) < 2 {
			t.Fatalf("%s: %d rows, %d with amounts", f.name, len(rg), len(rw))
		}
		for i := 1; i < len(rg); i++ {
			for j := range rg[i] {
				money := j == f.money[0] || j == f.money[1]
				if money && rg[i][j] != "" || !money && rg[i][j] != rw[i][j] || money && rw[i][j] == "" {
					t.Fatalf("%s row %d column %s: %q without amounts, %q with", f.name, i, rg[0][j], rg[i][j], rw[i][j])
				}
			}
		}
	}
	figs, err := res.Figures()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		if f.File == "revenue.png" {
			t.Error("a revenue plot without amounts")
		}
	}
}

// TestCohortsReport: the report shows the cohort heat map and the KPI
// lines (with the forecast's band with intervals), and the files are
// written; from summaries there are no cohorts and the files are not
// written.
func TestCohortsReport(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "bgnbd", Interval: 0.9, IntervalDraws: 20})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := res.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cohorts.csv", "kpis.csv", "cohorts.png", "kpis.png", "revenue.png"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("%s not written: %v", want, names)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(cohorts.png)", "(kpis.png)", "(revenue.png)", "Cohorts by month of first order"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// From summaries: no transactions, no cohorts.
	var sums bytes.Buffer
	sums.WriteString("customer_id,frequency,recency,T,monetary_value\n")
	for _, c := range res.Summary.Customers {
		sums.WriteString(c.ID + "," + strconv.FormatFloat(c.Frequency, 'g', -1, 64) + "," + strconv.FormatFloat(c.Recency, 'g', -1, 64) + "," +
			strconv.FormatFloat(c.T, 'g', -1, 64) + "," + strconv.FormatFloat(c.MonetaryValue, 'g', -1, 64) + "\n")
	}
	sr, err := forecast.Run(context.Background(), &sums, forecast.Config{Model: "bgnbd", Summaries: true, End: res.Summary.End})
	if err != nil {
		t.Fatal(err)
	}
	if sr.Cohorts != nil {
		t.Errorf("cohorts from summaries: %+v", sr.Cohorts)
	}
	names, err = sr.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(names, " "), "cohorts") || strings.Contains(strings.Join(names, " "), "kpis") {
		t.Errorf("cohort files from summaries: %v", names)
	}
}

// TestSegmentsNoAmounts: without amounts the RFM segments are by recency
// and frequency alone (segment.RecencyFrequencyRules) — the shipped log's
// best customers are Champions, not Loyal for want of a monetary score —
// and forecast.csv leaves monetary_value and m_score empty.
func TestSegmentsNoAmounts(t *testing.T) {
	log, err := os.ReadFile("../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := forecast.Run(context.Background(), bytes.NewReader(log), forecast.Config{Model: "bgnbd", NoAmounts: true})
	if err != nil {
		t.Fatal(err)
	}
	champions := 0
	for i, r := range res.RFM {
		want := r.R >= 4 && r.F >= 4
		if got := r.Segment == "Champions"; got != want {
			t.Fatalf("customer %d: R %d F %d in %q", i, r.R, r.F, r.Segment)
		}
		if want {
			champions++
		}
	}
	if champions == 0 {
		t.Fatal("no Champions without amounts")
	}
	var b bytes.Buffer
	if err := res.WriteForecastCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		if row[col["monetary_value"]] != "" || row[col["m_score"]] != "" || len(row[col["rfm_score"]]) != 2 {
			t.Fatalf("row %v: want no monetary value, no m_score and a two-digit rfm_score", row)
		}
	}
}
