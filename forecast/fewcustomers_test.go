package forecast_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// fewCustomersRun runs the job on log and returns its progress, its
// model.json's data.few_customers (nil if absent) and its report.
func fewCustomersRun(t *testing.T, log string, cfg forecast.Config) (string, map[string]any, string) {
	t.Helper()
	var progress bytes.Buffer
	cfg.CSV, cfg.Progress, cfg.Name = csvio.Options{Amount: "amount"}, &progress, "few.csv"
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, progress.String())
	}
	var js bytes.Buffer
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Data struct {
			Few map[string]any `json:"few_customers"`
		} `json:"data"`
	}
	if err := json.Unmarshal(js.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	if err := res.WriteReport(&report, nil); err != nil {
		t.Fatal(err)
	}
	return progress.String(), m.Data.Few, report.String()
}

// firstCustomers returns the header and the lines of the shipped log's
// customers for which keep, given the date of their first purchase, is
// true, with the number of them.
func firstCustomers(t *testing.T, keep func(first string) bool) (string, int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	first := map[string]string{}
	var out strings.Builder
	out.WriteString(lines[0] + "\n")
	n := 0
	for _, l := range lines[1:] {
		f := strings.Split(l, ",") // customer_id,date,amount
		if _, ok := first[f[0]]; !ok {
			first[f[0]] = f[1]
			if keep(f[1]) {
				n++
			}
		}
		if keep(first[f[0]]) {
			out.WriteString(l + "\n")
		}
	}
	return out.String(), n
}

// TestFewCustomers: a log of fewer than forecast.FewCustomers customers
// runs (users try the job on small files) but says, in the progress, in
// model.json's data.few_customers and in the report beside the key
// numbers, that its numbers are not to be relied on. One customer: the
// Pareto/NBD sits at both its limits (P(alive) = 1); the shipped log's 29
// customers first seen on 2024-01-01 are one short of the floor, and with
// those of the next day the note is gone. With a calibration period of 29
// customers (the others first seen after it), the note is on the
// comparison.
func TestFewCustomers(t *testing.T) {
	if forecast.FewCustomers != 30 {
		t.Fatalf("FewCustomers = %d; the cases below are made for 30", forecast.FewCustomers)
	}
	check := func(name, progress string, few map[string]any, report string, n int, period, says string) {
		t.Helper()
		if !strings.Contains(progress, "note: "+says) {
			t.Errorf("%s: the progress does not say %q:\n%s", name, says, progress)
		}
		if few == nil {
			t.Fatalf("%s: model.json has no data.few_customers", name)
		}
		if few["customers"] != float64(n) || few["minimum"] != float64(forecast.FewCustomers) || few["period"] != period ||
			!strings.HasPrefix(few["note"].(string), says) {
			t.Errorf("%s: data.few_customers = %v; want %d customers, minimum %d, period %s, a note %q…", name, few, n, forecast.FewCustomers, period, says)
		}
		key := strings.Index(report, "<h2>Key numbers</h2>")
		caveat := strings.Index(report, "<strong>Caveat, few customers:</strong> "+says)
		if key < 0 || caveat < key || caveat > key+300 {
			t.Errorf("%s: the report has no caveat %q right after its key numbers' heading (at %d, heading at %d)", name, says, caveat, key)
		}
	}

	const one = "customer_id,date,amount\nA,2024-01-05,10\nA,2024-02-10,12\nA,2024-03-15,9\nA,2024-04-20,11\n"
	progress, few, report := fewCustomersRun(t, one, forecast.Config{})
	check("one customer", progress, few, report, 1, "whole", "the log has only 1 customer: a model of how customers differ cannot be estimated from fewer than 30")

	log, n := firstCustomers(t, func(first string) bool { return first <= "2024-01-01" })
	if n != forecast.FewCustomers-1 {
		t.Fatalf("the shipped log has %d customers first seen on 2024-01-01; the test wants %d", n, forecast.FewCustomers-1)
	}
	progress, few, report = fewCustomersRun(t, log, forecast.Config{Model: "paretonbd"})
	check("29 customers", progress, few, report, 29, "whole", "the log has only 29 customers")

	log, n = firstCustomers(t, func(first string) bool { return first <= "2024-01-02" })
	progress, few, report = fewCustomersRun(t, log, forecast.Config{Model: "paretonbd"})
	if n < forecast.FewCustomers || strings.Contains(progress, "only") || few != nil || strings.Contains(report, "Caveat") {
		t.Errorf("%d customers: noted as few: data.few_customers = %v\n%s", n, few, progress)
	}

	// The calibration period to 2024-02-29 holds the 29 customers first
	// seen on 2024-01-01; the whole observation those first seen after it.
	log, _ = firstCustomers(t, func(first string) bool { return first <= "2024-01-01" || first > "2024-02-29" })
	cal := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	progress, few, report = fewCustomersRun(t, log, forecast.Config{Model: "bgnbd", CalibrationEnd: cal, EndOfDay: true})
	check("calibration", progress, few, report, 29, "calibration",
		"the calibration period has only 29 customers: the comparison of the purchase models and the holdout check")
}
