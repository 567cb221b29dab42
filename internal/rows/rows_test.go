package rows

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestCompress: identical rows merge (−0 and 0 alike) across table growth,
// weights add up, and the distinct values index back to the rows.
func TestCompress(t *testing.T) {
	var cs []clv.Customer
	for i := range 30000 {
		x := float64(i % 7)
		tx := float64(i%5000) / 100
		if x == 0 {
			tx = math.Copysign(0, -1)
		}
		cs = append(cs, clv.Customer{Frequency: x, Recency: tx, T: 50 + float64(i%3)})
	}
	d, err := Compress("test", cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[[3]float64]float64{}
	for _, c := range cs {
		distinct[[3]float64{c.Frequency, c.Recency + 0, c.T}]++
	}
	if len(d.Rows) != len(distinct) || d.W != float64(len(cs)) || d.MaxT != 52 {
		t.Fatalf("%d rows (want %d), weight %v, max T %v", len(d.Rows), len(distinct), d.W, d.MaxT)
	}
	for _, r := range d.Rows {
		k := [3]float64{d.Xs[r.Xi], d.Txs[r.Txi], d.Ts[r.Ti]}
		if distinct[k] != r.W {
			t.Errorf("row %v: weight %v, want %v", k, r.W, distinct[k])
		}
	}
	sub := d.Every(3)
	if len(sub.Rows) != (len(d.Rows)+2)/3 {
		t.Errorf("Every(3): %d rows of %d", len(sub.Rows), len(d.Rows))
	}
	if _, err := Compress("test", nil, nil); !errors.Is(err, clv.ErrNoCustomers) {
		t.Errorf("no customers: %v", err)
	}
	if _, err := Compress("test", []clv.Customer{{Frequency: 1, Recency: 3, T: 2}}, nil); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: %v", err)
	}
	if _, err := Compress("test", cs[:2], []float64{0, 0}); err == nil {
		t.Error("zero weights accepted")
	}
}
