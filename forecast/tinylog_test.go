package forecast_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestTinyLogEdgesAndMerges: a log of two customers, one line repeated.
// The BG/NBD fit sits at the r/α limit and on a further edge (a/(a+b) →
// 1): every heterogeneity of the model has vanished, which two customers
// cannot determine, so the run fails with clv.ErrNotIdentified, naming
// the number of customers, both edges, and a and b. (Before, the fit was
// accepted at the boundary; the report's count of merged lines is
// checked on logs the models fit.)
func TestTinyLogEdgesAndMerges(t *testing.T) {
	const log = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-02,12\nA,2024-01-02,12\nB,2024-03-15,9\n"
	_, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "tiny.csv", Model: "bgnbd"})
	if !errors.Is(err, clv.ErrNotIdentified) {
		t.Fatalf("Run: %v; want %v", err, clv.ErrNotIdentified)
	}
	for _, w := range []string{"(2 customers)", "purchase heterogeneity vanishes", "dropout becomes certain: a/(a+b) → 1", "a = ", "b = "} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Run's error %q does not say %q", err, w)
		}
	}
}
