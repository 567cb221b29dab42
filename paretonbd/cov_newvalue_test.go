package paretonbd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestNewCustomerValueByProfile: the value of a new customer with a
// covariate profile, predict.NewCustomerValue at the profile's Pareto/NBD
// (CovModel.Customer) and Gamma-Gamma (gammagamma.CovModel.Customer)
// models, is
//   - without discount, the mean margin of 2·10⁵ simulated new customers
//     of that profile over the horizon (repeat purchases times their
//     simulated values), within 4 standard errors;
//   - with discount, the sum of the closed form's increments,
//     E[X(t)] = rβ/(α(s−1))·(1 − (β/(β+t))^(s−1)) at the profile's
//     parameters, discounted by the period, to 1e-12;
//
// and profiles with larger effects on purchases and spend are worth more.
func TestNewCustomerValueByProfile(t *testing.T) {
	pm, err := paretonbd.NewCovariates(drawTruth)
	if err != nil {
		t.Fatal(err)
	}
	spend, err := gammagamma.NewCovariates(gammagamma.CovParams{Params: gammagamma.Params{P: 6, Q: 4, Gamma: 15},
		Names: drawTruth.Names, Spend: []float64{0.2, -0.3}})
	if err != nil {
		t.Fatal(err)
	}
	const periods, length, margin = 12, 52.0 / 12, 0.3
	value := func(z []float64, disc float64) float64 {
		cm, err := pm.Customer(z)
		if err != nil {
			t.Fatal(err)
		}
		sm, err := spend.Customer(z)
		if err != nil {
			t.Fatal(err)
		}
		v, err := predict.NewCustomerValue(cm, sm, 0, predict.ValueOptions{Periods: periods, PeriodLength: length, Margin: margin, DiscountRate: disc})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	profiles := [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}
	vals := make([]float64, len(profiles))
	for k, z := range profiles {
		vals[k] = value(z, 0)
		// Simulation.
		const n = 200_000
		T := make([]float64, n)
		zs := clv.Covariates{Names: drawTruth.Names, Values: make([][]float64, n)}
		for i := range T {
			T[i], zs.Values[i] = periods*length, z
		}
		cs, err := pm.Simulate(rand.NewPCG(uint64(k), 1), T, zs)
		if err != nil {
			t.Fatal(err)
		}
		freq := make([]float64, n)
		for i, c := range cs {
			freq[i] = c.Frequency
		}
		sv, err := spend.Simulate(rand.NewPCG(uint64(k), 2), freq, zs)
		if err != nil {
			t.Fatal(err)
		}
		var s, s2 float64
		for _, c := range sv {
			v := margin * c.Frequency * c.MonetaryValue
			s += v
			s2 += v * v
		}
		mean := s / n
		se := math.Sqrt((s2/n - mean*mean) / n)
		if math.Abs(vals[k]-mean) > 4*se {
			t.Errorf("profile %v: value %.4f, simulated %.4f ± %.4f", z, vals[k], mean, se)
		}
		// Closed form, discounted.
		p, _ := drawTruth.At(z)
		ex := func(t float64) float64 {
			return p.R * p.Beta / (p.Alpha * (p.S - 1)) * (1 - math.Pow(p.Beta/(p.Beta+t), p.S-1))
		}
		sm, _ := spend.Customer(z)
		var want, prev float64
		for i := 1; i <= periods; i++ {
			cur := ex(float64(i) * length)
			want += (cur - prev) / math.Pow(1.01, float64(i))
			prev = cur
		}
		want *= margin * sm.PopulationMean()
		if got := value(z, 0.01); math.Abs(got-want) > 1e-12*want {
			t.Errorf("profile %v, discounted: %.15g, closed form %.15g", z, got, want)
		}
	}
	// loyalty: buy more, stay longer, spend more; online: buy more, leave
	// sooner, spend less.
	if !(vals[1] > vals[0]) {
		t.Errorf("values %v: the loyal profile is not worth more", vals)
	}
}
