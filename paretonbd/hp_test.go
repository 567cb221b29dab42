package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// hpParams are the parameter sets of hpAlive: CDNOW's fit (α < β), α > β,
// and s > 1 with β ≫ α.
var hpParams = []paretonbd.Params{
	{R: 0.5532669432317685, Alpha: 10.57736055644404, S: 0.6061601328489057, Beta: 11.666509229946724},
	{R: 1, Alpha: 20, S: 0.5, Beta: 5},
	{R: 2, Alpha: 3, S: 4, Beta: 60},
}

// hpAlive are the log-odds of dropout, ln(1/P(alive) − 1), computed with
// bc at 70 digits from the textbook form of the likelihood (Fader & Hardie
// 2005): the hypergeometric series ₂F₁(r+s+x, s+1; r+s+x+1; ·) for α ≥ β
// and ₂F₁(r+s+x, r+x; r+s+x+1; ·) for α < β summed as written, whose
// terms reach 10^3000 for x = 10,000 — independent of the transformed
// series the package sums. They cover frequency and T up to 10,000.
var hpAlive = []struct {
	params      int
	x, tx, T    float64
	logOddsDead float64
}{
	{0, 0, 0, 38.86, 0.870719237480869184890120203},
	{0, 0, 0, 10000, 7.21147392674609616116754872},
	{0, 2, 30.43, 38.86, -1.8932495113184890546740790},
	{0, 100, 90, 100, 4.46015104327906411953713262},
	{0, 1000, 9000, 10000, 97.9554891159265771973657990},
	{0, 10000, 9999, 10000, -9.1712610798814222789759387},
	{0, 10000, 9000, 10000, 1042.84203117604613524225172},
	{0, 5, 1, 10000, 39.2088832408208759425092900},
	{0, 3, 2, 3, -2.9897627576203845849617983},
	{0, 50, 49, 50, -4.1584865999645108636223506},
	{1, 0, 0, 38.86, 1.44031341232954804444858118},
	{1, 0, 0, 10000, 9.37710427872710505765855338},
	{1, 2, 30.43, 38.86, -1.9365184797728012185964987},
	{1, 100, 90, 100, 3.66914051615845747295974613},
	{1, 1000, 9000, 10000, 97.6958133658796274480120706},
	{1, 10000, 9999, 10000, -9.3636579309039127559143590},
	{1, 10000, 9000, 10000, 1041.64343364251127659321435},
	{1, 5, 1, 10000, 39.0458887641175605606022426},
	{1, 3, 2, 3, -2.5804701688115387857534272},
	{1, 50, 49, 50, -4.2966825606102434456222258},
	{2, 0, 0, 38.86, 5.26653688689704773248414397},
	{2, 0, 0, 10000, 34.7121597362387371972397688},
	{2, 2, 30.43, 38.86, -0.34845405996845599841103623},
	{2, 100, 90, 100, 6.93813678184577539197534769},
	{2, 1000, 9000, 10000, 100.422916425423379173744481},
	{2, 10000, 9999, 10000, -7.2884512430220922226244235},
	{2, 10000, 9000, 10000, 1046.07042137890430954607833},
	{2, 5, 1, 10000, 72.0003731037968188069188646},
	{2, 3, 2, 3, -2.2341839716185707790508821},
	{2, 50, 49, 50, -2.7533398041957335710624498},
}

func TestHighPrecisionAlive(t *testing.T) {
	for _, h := range hpAlive {
		m, err := paretonbd.New(hpParams[h.params])
		if err != nil {
			t.Fatal(err)
		}
		got := m.ProbabilityAlive(clv.Customer{Frequency: h.x, Recency: h.tx, T: h.T})
		want := 1 / (1 + math.Exp(h.logOddsDead))
		// exp's relative error grows with its argument: |log-odds|·1e-16.
		tol := 1e-12 * math.Max(1, math.Abs(h.logOddsDead))
		if want < 1e-300 {
			if got > 1e-300 {
				t.Errorf("%+v: P(alive) = %g, want < 1e-300", h, got)
			}
			continue
		}
		if e := relErr(got, want); !(e <= tol) {
			t.Errorf("%+v: P(alive) = %.16g, want %.16g (rel. error %.2g)", h, got, want, e)
		}
	}
}
