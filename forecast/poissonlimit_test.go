package forecast_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestPoissonLimitJob: a log of 2,000 customers simulated in the
// Pareto/NBD's Poisson limit (every customer buys at λ = 0.2 a week while
// alive; Pareto dropout, s = 0.5, β = 10), first purchases in 2024's
// first half, observed to 2026-01-01. Under auto the Pareto/NBD is fitted
// as the Poisson limit model (status boundary, r held at 10⁶, λ within 5%),
// kept in the comparison with its 3 free parameters, and chosen by BIC.
// (Before its closed form, the limit model's fit did not converge on this
// log, and auto left the Pareto/NBD out.)
func TestPoissonLimitJob(t *testing.T) {
	p := paretonbd.Params{R: 1e6, Alpha: 1e6 / 0.2, S: 0.5, Beta: 10}
	src, rng := rand.NewPCG(4, 42), rand.New(rand.NewPCG(4, 41))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := range 2000 {
		first := rng.IntN(180)
		d0 := start.AddDate(0, 0, first)
		fmt.Fprintf(&b, "c%d,%s,%.2f\n", i, d0.Format("2006-01-02"), 10+rng.Float64()*20)
		for _, tt := range p.SimulatePurchases(src, float64(730-first)/7) {
			fmt.Fprintf(&b, "c%d,%s,%.2f\n", i, d0.Add(time.Duration(tt*7*24*float64(time.Hour))).Format("2006-01-02"), 10+rng.Float64()*20)
		}
	}
	res, err := forecast.Run(context.Background(), strings.NewReader(b.String()), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "poisson.csv", Model: "auto", End: start.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	ch := res.Choice
	m, ok := ch.Fitted["paretonbd"].(*paretonbd.Model)
	if !ok {
		t.Fatalf("no Pareto/NBD fitted (failed: %v)", ch.Failed)
	}
	fp, info := m.Params(), m.FitInfo()
	if info.Status != clv.AtBoundary || fp.R != 1e6 || !strings.Contains(info.Reason, "purchase heterogeneity vanishes") {
		t.Errorf("Pareto/NBD %v, %+v; want the Poisson limit model", m, info)
	}
	if lam := fp.R / fp.Alpha; lam < 0.19 || lam > 0.21 {
		t.Errorf("λ = %v, simulated at 0.2", lam)
	}
	if ch.Name != "paretonbd" {
		t.Errorf("chosen %s, want paretonbd", ch.Name)
	}
	for _, s := range ch.Comparison.Scores {
		if s.Name == "paretonbd" && s.NumParams != 3 {
			t.Errorf("Pareto/NBD counted with %d parameters, want 3 (r held)", s.NumParams)
		}
	}
}
