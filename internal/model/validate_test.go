package model_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestCompressGroupedNotRevalidated: Compress given the customers'
// grouping does not validate them again (clv.GroupCustomers did): a
// customer changed after the grouping, against its contract, to recency >
// T goes unseen, and the rows are those of the customers as grouped;
// without the grouping it is an error wrapping clv.ErrInvalidCustomer.
func TestCompressGroupedNotRevalidated(t *testing.T) {
	T := make([]float64, 300)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range T {
		T[i] = float64(rng.IntN(52) + 1)
	}
	cs, err := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		t.Fatal(err)
	}
	g, err := clv.GroupCustomers(cs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := model.Compress("test", cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs[5].Recency = cs[5].T + 1
	got, err := model.Compress("test", cs, nil, rows.Unbox(g))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Compress given the grouping: %v; want the rows of the customers as grouped", err)
	}
	if _, err := model.Compress("test", cs, nil, nil); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("Compress without the grouping: %v; want %v", err, clv.ErrInvalidCustomer)
	}
}
