package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestDynamicOutlookLikelihoodRatio: along a seasonal path, no purchase
// in (T, T+t] is the history observed to T+t instead of T, so 1 −
// P(Y(T, T+t) ≥ 1) = L(x, t_x, T+t)/L(x, t_x, T), the likelihood of
// rowLogLik (an independent route: the integral of the dropout density,
// not of the purchase density), to 1e-11.
func TestDynamicOutlookLikelihoodRatio(t *testing.T) {
	p := CovParams{Params: Params{R: 1.2, Alpha: 8, S: 1.5, Beta: 20}, Names: []string{"season"}, Trans: []float64{1.2}, Life: []float64{-0.9}}
	m, err := NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	var path clv.CovariatePath
	var segs []dynSegment
	for w := 0.0; w < 400; w += 26 {
		for _, s := range []struct{ at, v float64 }{{w, 0}, {w + 7.5, 1}} {
			path.Start, path.Values = append(path.Start, s.at), append(path.Values, []float64{s.v})
			segs = append(segs, dynSegment{Start: s.at, Z: []float64{s.v}})
		}
	}
	zSum := []float64{0}
	for _, c := range []clv.Customer{{Frequency: 0, T: 30}, {Frequency: 4, Recency: 17, T: 33.2}, {Frequency: 25, Recency: 60, T: 61}} {
		l0 := dynLogLik(p.Params, p.Trans, p.Life, c.Frequency, c.Recency, c.T, zSum, segs, nil)
		for _, h := range []float64{0.2, 5, 7.5, 26, 90} {
			l1 := dynLogLik(p.Params, p.Trans, p.Life, c.Frequency, c.Recency, c.T+h, zSum, segs, nil)
			got, want := m.ProbabilityOfPurchaseWithin(c, path, h), -math.Expm1(l1-l0)
			if !(math.Abs(got-want) <= 1e-11) {
				t.Errorf("%+v, t = %v: P(Y ≥ 1) %.15g, 1 − L(T+t)/L(T) %.15g", c, h, got, want)
			}
		}
	}
}
