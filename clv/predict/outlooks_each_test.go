package predict_test

import (
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
)

// TestOutlooksOf: one row per customer, in order.
func TestOutlooksOf(t *testing.T) {
	o := predict.OutlooksOf([]clv.Outlook{{PurchaseWithin: 0.25}, {PurchaseWithin: 0.5}, {PurchaseWithin: 0.25}})
	if o.Len() != 3 || o.Distinct() != 3 {
		t.Fatalf("Len %d, Distinct %d, want 3, 3", o.Len(), o.Distinct())
	}
	for i, want := range []float64{0.25, 0.5, 0.25} {
		if o.Index(i) != i || o.At(i).PurchaseWithin != want || o.Row(i).PurchaseWithin != want {
			t.Errorf("customer %d: Index %d, At %v, Row %v", i, o.Index(i), o.At(i), o.Row(i))
		}
	}
}
