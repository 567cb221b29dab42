package sbg

import (
	"math"
	"testing"
)

// TestLnGammaRatio: Stirling's branch agrees with the Lgamma difference
// where both are accurate (b = 1000) and with the asymptotic expansion
// ln Γ(b+½)/Γ(b) = ½ln b − 1/(8b) + O(b⁻³) at b = 10⁶, where the Lgamma
// difference has lost five digits.
func TestLnGammaRatio(t *testing.T) {
	for _, a := range []float64{1e-7, 0.5, 3, 700, 1e7} {
		lab, _ := math.Lgamma(1000 + a)
		lb, _ := math.Lgamma(1000)
		if got, want := lnGammaRatio(1000, a), lab-lb; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("a = %v, b = 1000: %v, Lgamma difference %v", a, got, want)
		}
	}
	b := 1e6
	if got, want := lnGammaRatio(b, 0.5), 0.5*math.Log(b)-1/(8*b); math.Abs(got-want) > 1e-14 {
		t.Errorf("ln Γ(10⁶+½)/Γ(10⁶) = %.17g, want %.17g", got, want)
	}
}

// TestChurnLargeC: a BdW with strong duration dependence (c ≈ 8) gives
// churn probabilities in [0, 1] and a finite DERL far out, where t^c ≈ 10¹⁶
// (it gave −8e13 and ran 10⁷ terms to +Inf).
func TestChurnLargeC(t *testing.T) {
	for _, p := range []Params{{Alpha: 7.04, Beta: 192.6, C: 7.95}, {Alpha: 112, Beta: 0.0012, C: 8.83}} {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 12, 100, 1000} {
			if c := m.ChurnNext(n); !(c >= 0 && c <= 1) {
				t.Errorf("%+v: ChurnNext(%d) = %v", p, n, c)
			}
			if d := m.DERL(0.01, n); !(d >= 0) || math.IsInf(d, 0) {
				t.Errorf("%+v: DERL(0.01, %d) = %v", p, n, d)
			}
		}
	}
}
