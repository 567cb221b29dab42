package paretonbd_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestDynPaths: a model bound to prepared paths (On) gives
// AliveAndExpectedAt's numbers exactly, customer by customer and path by
// path; paths of other covariates, an index out of range or an invalid
// customer are refused.
func TestDynPaths(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
		Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}}
	m, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	var paths []clv.CovariatePath
	for i := range 20 {
		paths = append(paths, calendarSeason(i*5, 200, float64(i%2)))
	}
	pp, err := paretonbd.NewDynPaths(p.Names, paths)
	if err != nil {
		t.Fatal(err)
	}
	o, err := m.On(pp)
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0, 3, 13, 52, 100}
	got, want := make([]float64, len(ts)), make([]float64, len(ts))
	for i, path := range paths {
		for _, c := range []clv.Customer{{T: 20}, {Frequency: 3, Recency: 15.5, T: 60}, {}} {
			pg := o.AliveAndExpectedAt(i, c, ts, got)
			pw := m.AliveAndExpectedAt(c, path, ts, want)
			if pg != pw {
				t.Fatalf("path %d, %+v: P(alive) %v, want %v", i, c, pg, pw)
			}
			for k := range ts {
				if got[k] != want[k] {
					t.Fatalf("path %d, %+v, t = %v: %v, want %v", i, c, ts[k], got[k], want[k])
				}
			}
		}
	}
	if pa := o.AliveAndExpectedAt(len(paths), clv.Customer{T: 1}, ts, got); !math.IsNaN(pa) || !math.IsNaN(got[0]) {
		t.Errorf("index out of range: %v, %v", pa, got)
	}
	if pa := o.AliveAndExpectedAt(0, clv.Customer{Frequency: 1, Recency: 2, T: 1}, ts, got); !math.IsNaN(pa) {
		t.Errorf("invalid customer: %v", pa)
	}
	other, err := paretonbd.NewDynPaths([]string{"season"}, []clv.CovariatePath{{Start: []float64{0}, Values: [][]float64{{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.On(other); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("paths of other covariates: %v", err)
	}
	if _, err := paretonbd.NewDynPaths(p.Names, []clv.CovariatePath{{Start: []float64{1}, Values: [][]float64{{1, 0}}}}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("a path from after the first purchase: %v", err)
	}
}
