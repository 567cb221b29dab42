package paretonbd

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestLimitFitClosedForm: on the two logs whose Pareto/NBD likelihood is
// highest in the exponential-dropout limit (the shipped log observed to
// 2025-01-15, CDNOW's master log to 1998-12-31), the limit model is
// fitted on the limit's own likelihood: its log-likelihood in closed form
// is at least that of the former fit (the general likelihood maximized
// at s = 10⁶), it is the LL the model reports, the status and the held
// s are unchanged, μ = s/β moves by less than 1e-4 relative, and the
// gradient of the mean log-likelihood in the log-parameters is below the
// fit's tolerance there.
func TestLimitFitClosedForm(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name, path string
		copts      csvio.Options
		end        time.Time
	}{
		{"transactions.csv to 2025-01-15", "../testdata/transactions.csv", csvio.Options{Amount: "amount"}, day(2025, 1, 15)},
		{"CDNOW master to 1998-12-31", "", csvio.Options{Delimiter: ' ', ID: "customer_id", Time: "date", Amount: "dollar_value"}, day(1998, 12, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = datasets.Data(t, "CDNOW_master.txt")
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sum, err := csvio.Summarize(f, tc.copts, clv.SummaryOptions{Unit: 7 * 24 * time.Hour, End: tc.end, EndOfDay: true})
			if err != nil {
				t.Fatal(err)
			}
			cs := sum.Customers
			ctx := context.Background()
			m, err := FitContext(ctx, cs, FitOptions{})
			if !errors.Is(err, clv.ErrBoundary) || m == nil {
				t.Fatalf("%v, %v", m, err)
			}
			// The former fit: the general likelihood at s = 10⁶.
			general := spec
			general.LimitLogLik = nil
			old, err := model.FitRows(ctx, general, cs, model.RowOptions[Params]{}, func(b model.Base[Params]) *Model { return &Model{base: b} })
			if !errors.Is(err, clv.ErrBoundary) || old == nil {
				t.Fatalf("general: %v, %v", old, err)
			}
			d, err := rows.Compress(len(cs), func(i int) (x, tx, T float64) { return cs[i].Frequency, cs[i].Recency, cs[i].T }, nil)
			if err != nil {
				t.Fatal(err)
			}
			var s limitScratch
			p, q := m.Params(), old.Params()
			g := make([]float64, 4)
			llNew, llOld := expLimitLogLik(d, p, g, &s), expLimitLogLik(d, q, nil, &s)
			t.Logf("%d customers: closed form %v (LL %.10f), general %v (closed-form LL %.10f): %+.3g",
				len(cs), m, llNew, old, llOld, llNew-llOld)
			if !(llNew >= llOld-1e-9*math.Abs(llOld)) {
				t.Errorf("closed-form LL %.10f below the former fit's %.10f", llNew, llOld)
			}
			info := m.FitInfo()
			if info.Status != clv.AtBoundary || p.S != limitShape || info.LogLikelihood != llNew {
				t.Errorf("status %v, s = %v, LL %v; want %v, %v, %v", info.Status, p.S, info.LogLikelihood, clv.AtBoundary, limitShape, llNew)
			}
			if rel := p.mu()/q.mu() - 1; math.Abs(rel) > 1e-4 {
				t.Errorf("μ = %v, former %v", p.mu(), q.mu())
			}
			// The gradient in ln r, ln α, ln β, per customer.
			for _, i := range []int{0, 1, 3} {
				if gl := g[i] * p.Vector()[i] / d.W; !(math.Abs(gl) < 1e-7) {
					t.Errorf("∂(LL/n)/∂ln %s = %v", []string{"r", "α", "s", "β"}[i], gl)
				}
			}
		})
	}
}
