package paretonbd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestOneCustomerNotIdentified: one customer buying three times in 120
// days, observed to the last purchase (the job's one.csv, in weeks). The
// fit runs off to the r/α limit, whose fit stalls (a failed line search)
// with s running off toward 0: the status is NotIdentified and the error
// wraps clv.ErrNotIdentified (and the optimizer's failure), not a bare
// failure to converge.
func TestOneCustomerNotIdentified(t *testing.T) {
	cs := []clv.Customer{{ID: "A", Frequency: 2, Recency: 120.0 / 7, T: 120.0 / 7}}
	m, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if !errors.Is(err, clv.ErrNotIdentified) || !strings.Contains(err.Error(), "(1 customer") {
		t.Fatalf("Fit: %v; want %v naming 1 customer", err, clv.ErrNotIdentified)
	}
	if m != nil {
		if st := m.FitInfo().Status; st != clv.NotIdentified {
			t.Errorf("status %v, want %v", st, clv.NotIdentified)
		}
		if p := m.Params(); !(p.S < 1e-5) {
			t.Errorf("s = %g, want below 1e-5 (running off toward 0)", p.S)
		}
	}
}
