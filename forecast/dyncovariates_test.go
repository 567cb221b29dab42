package forecast_test

import (
	"context"
	"errors"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

const week = 7 * 24 * time.Hour

// TestDynamicCovariatePaths: shared rows ("*") give every customer's
// path, a customer's own rows override them from their dates on, an
// empty value of an own row takes the shared value, and rows before the
// first purchase give the vector in force at it; the vectors of equal
// consecutive rows merge.
func TestDynamicCovariatePaths(t *testing.T) {
	const file = `id,date,season,vip
*,2024-01-01,0,0
*,2024-01-15,1,0
*,2024-01-29,0,0
a,2024-01-22,,1
a,2024-02-05,1,
`
	f, err := forecast.ReadDynamicCovariates(strings.NewReader(file), "cov.csv", csvio.Options{ID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Names, []string{"season", "vip"}) || f.Rows != 5 || f.Shared != 3 || f.Customers != 1 {
		t.Fatalf("%+v", f)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		id    string
		first string
		want  clv.CovariatePath
	}{
		{"b", "2024-01-08", clv.CovariatePath{Start: []float64{0, 1, 3}, Values: [][]float64{{0, 0}, {1, 0}, {0, 0}}}},
		{"a", "2024-01-08", clv.CovariatePath{Start: []float64{0, 1, 2, 3, 4}, Values: [][]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {1, 0}}}},
		{"a", "2024-01-22", clv.CovariatePath{Start: []float64{0, 1, 2}, Values: [][]float64{{1, 1}, {0, 1}, {1, 0}}}},
		{"a", "2024-01-25", clv.CovariatePath{Start: []float64{0, 4.0 / 7, 11.0 / 7}, Values: [][]float64{{1, 1}, {0, 1}, {1, 0}}}},
	} {
		got, err := f.Path(c.id, day(c.first), week)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("customer %s from %s: %+v, want %+v", c.id, c.first, got, c.want)
		}
	}
	if _, err := f.Path("b", day("2023-12-31"), week); !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), "2024-01-01") {
		t.Errorf("a first purchase before the file: %v", err)
	}
	// Without shared rows, an empty value has nothing to fall back on.
	g, err := forecast.ReadDynamicCovariates(strings.NewReader("id,date,x\na,2024-01-01,1\na,2024-01-08,\n"), "c.csv", csvio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Path("a", day("2024-01-01"), week); err == nil || !strings.Contains(err.Error(), `line 3, column "x"`) {
		t.Errorf("an empty value without shared rows: %v", err)
	}
}

// TestDynamicCovariateErrors: unusable files are errors wrapping
// clv.ErrInvalidCovariates that name the line and the column.
func TestDynamicCovariateErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"", "empty file"},
		{"id,date\n", "at least one covariate"},
		{"id,date,x,x\n", `column 4: column "x" is repeated`},
		{"id,date,x\na,2024-01-01\n", "line 2: 2 fields"},
		{"id,date,x\na,2024-13-01,1\n", `line 2, column "date": "2024-13-01" is not a date`},
		{"id,date,x\na,2024-01-01,one\n", `line 2, column "x": "one" is not a number`},
		{"id,date,x\n*,2024-01-01,\n", `line 2, column "x": empty value in a row of every customer`},
		{"id,date,x\n,2024-01-01,1\n", `line 2, column "id": empty customer id`},
		{"id,date,x\na,2024-01-08,1\nb,2024-01-01,1\na,2024-01-08,0\n", `line 4, column "date": customer "a" again on 2024-01-08 (first on line 2)`},
		{"id,date,x\n", "empty file"},
	} {
		_, err := forecast.ReadDynamicCovariates(strings.NewReader(c.file), "cov.csv", csvio.Options{})
		if !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "cov.csv") {
			t.Errorf("%q: error %v, want one with %q", c.file, err, c.want)
		}
	}
}

// TestDynamicCovariatesApparel: the apparel log summarized in weeks to
// 2006-12-31 with the weekly covariates file read by
// ReadDynamicCovariates gives FitDynamic CLVTools' data: the fit reaches
// the log-likelihood −5752.623 (CLVTools' best −5753.54), with
// life.High.Season at the bound.
func TestDynamicCovariatesApparel(t *testing.T) {
	tf, err := os.Open("../../shared/data/apparel_transactions.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	defer tf.Close()
	cf, err := os.Open("../../shared/data/apparel_dynamic_covariates.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	defer cf.Close()
	end, _ := time.Parse(time.DateOnly, "2006-12-31")
	csvOpts := csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}
	rd, err := csvio.NewReader(tf, csvOpts)
	if err != nil {
		t.Fatal(err)
	}
	txs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := clv.Summarize(txs, clv.SummaryOptions{End: end, Unit: week, SkipAfterEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	// Each customer's purchase days, one per day as the summary merges.
	days := map[string][]time.Time{}
	for _, tx := range txs {
		if !tx.Time.After(end) {
			days[tx.CustomerID] = append(days[tx.CustomerID], tx.Time)
		}
	}
	purchases := make([][]time.Time, len(sum.Customers))
	for i, c := range sum.Customers {
		ts := days[c.ID]
		sort.Slice(ts, func(a, b int) bool { return ts[a].Before(ts[b]) })
		purchases[i] = slicesCompactTimes(ts)
	}
	f, err := forecast.ReadDynamicCovariates(cf, "apparel_dynamic_covariates.csv", csvio.Options{ID: "Id", Time: "Cov.Date"})
	if err != nil {
		t.Fatal(err)
	}
	z, err := f.Covariates(sum.Customers, purchases, week)
	if err != nil {
		t.Fatal(err)
	}
	m, err := paretonbd.FitDynamic(context.Background(), sum.Customers, z, paretonbd.CovFitOptions{})
	if !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("%v: %v", m, err)
	}
	t.Logf("%d customers: %v", len(sum.Customers), m)
	if ll := m.LogLikelihood(); math.Abs(ll-(-5752.6232)) > 1e-3 {
		t.Errorf("LL %.4f, want −5752.6232", ll)
	}
}

func slicesCompactTimes(ts []time.Time) []time.Time {
	var out []time.Time
	for _, t := range ts {
		if len(out) == 0 || !t.Equal(out[len(out)-1]) {
			out = append(out, t)
		}
	}
	return out
}
