package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestKPIsToEnd: with the end of observation months after the log's last
// order, kpis.csv and cohorts.csv run to the month of the end, the months
// after the last order as zero months (before, they stopped at the log's
// last month).
func TestKPIsToEnd(t *testing.T) {
	var log strings.Builder
	log.WriteString("customer_id,date,amount\n")
	for i := range 40 {
		id := string(rune('A'+i%26)) + string(rune('a'+i/26))
		log.WriteString(id + ",2024-01-0" + string(rune('1'+i%9)) + ",10\n")
		if i%3 == 0 {
			log.WriteString(id + ",2024-03-15,12\n")
		}
		if i%5 == 0 {
			log.WriteString(id + ",2024-06-20,8\n")
		}
	}
	res, err := forecast.Run(context.Background(), strings.NewReader(log.String()), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "end.csv", Model: "bgnbd", End: time.Date(2024, 10, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var kb, cb bytes.Buffer
	if err := res.WriteKPIsCSV(&kb); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteCohortsCSV(&cb); err != nil {
		t.Fatal(err)
	}
	kpis, err := csv.NewReader(&kb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(kpis); n != 1+10 || kpis[n-1][0] != "2024-10" || kpis[n-2][0] != "2024-09" || kpis[n-1][1] != "0" || kpis[n-1][4] != "0" || kpis[n-1][7] != "40" {
		t.Errorf("kpis.csv: %d rows, last %v; want 10 months to 2024-10, its active customers and orders 0, customers to date 40", len(kpis)-1, kpis[n-1])
	}
	cohorts, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last := cohorts[len(cohorts)-1]; last[0] != "2024-01" || last[2] != "2024-10" || last[4] != "0" {
		t.Errorf("cohorts.csv's last row %v, want the 2024-01 cohort in 2024-10 with 0 active", last)
	}
}
