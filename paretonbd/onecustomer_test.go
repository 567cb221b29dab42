package paretonbd_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestOneCustomerBoundary: one customer buying three times in 120 days,
// observed to the last purchase (the job's one.csv, in weeks). The fit
// runs off to the r/α limit; the Poisson limit model's fit (in closed
// form, limitpoisson.go) converges with s running off toward 0, which
// is named as the no-dropout edge: status AtBoundary, clv.ErrBoundary,
// both edges in the reason, and λ = x/T = 2/(120/7), the estimate of a
// Poisson rate without dropout. (The fit of the limit model on the
// general likelihood at r = 10⁶ used to stall in a failed line search,
// and the fit was reported not identified.)
func TestOneCustomerBoundary(t *testing.T) {
	cs := []clv.Customer{{ID: "A", Frequency: 2, Recency: 120.0 / 7, T: 120.0 / 7}}
	m, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if !errors.Is(err, clv.ErrBoundary) || m == nil || !strings.Contains(err.Error(), "(1 customer") {
		t.Fatalf("Fit: %v, %v; want %v naming 1 customer", m, err, clv.ErrBoundary)
	}
	info := m.FitInfo()
	if info.Status != clv.AtBoundary || !strings.Contains(info.Reason, "purchase heterogeneity vanishes") || !strings.Contains(info.Reason, "dropout vanishes") {
		t.Errorf("status %v, reason %q; want the boundary with both edges named", info.Status, info.Reason)
	}
	p := m.Params()
	if !(p.S < 1e-5) {
		t.Errorf("s = %g, want below 1e-5 (running off toward 0)", p.S)
	}
	if lam := p.R / p.Alpha; math.Abs(lam/(2/(120.0/7))-1) > 1e-4 {
		t.Errorf("λ = %v, want x/T = %v", lam, 2/(120.0/7))
	}
}
