package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"gonum.org/v1/gonum/integrate/quad"
)

// weekly returns weekly segments up to T of the covariates z(week).
func weekly(T float64, z func(w int) []float64) []dynSegment {
	var segs []dynSegment
	for w := 0; float64(w) < T; w++ {
		segs = append(segs, dynSegment{Start: float64(w), Z: z(w)})
	}
	return segs
}

// TestDynLogLikStatic: with covariates constant over time, in weekly
// segments, the dynamic likelihood is the static model's at the
// customer's parameters CovParams.At(z), to 1e-10 relative.
func TestDynLogLikStatic(t *testing.T) {
	p := CovParams{Params: Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12}, Names: []string{"a", "b"},
		Trans: []float64{0.4, -0.3}, Life: []float64{0.8, 0.2}}
	for _, c := range []clv.Customer{{Frequency: 0, Recency: 0, T: 52}, {Frequency: 3, Recency: 20.5, T: 52},
		{Frequency: 12, Recency: 77.3, T: 78.2}, {Frequency: 1, Recency: 0.5, T: 104}, {Frequency: 40, Recency: 30, T: 30}} {
		for _, z := range [][]float64{{0, 0}, {1, 0}, {1, -1.5}} {
			q, err := p.At(z)
			if err != nil {
				t.Fatal(err)
			}
			want := groupLogLik(cov.Group{Customers: []clv.Customer{c}}, q, nil)
			zSum := []float64{c.Frequency * z[0], c.Frequency * z[1]}
			got := dynLogLik(p.Params, p.Trans, p.Life, c.Frequency, c.Recency, c.T, zSum, weekly(c.T, func(int) []float64 { return z }), nil)
			if math.Abs(got-want) > 1e-10*math.Abs(want) {
				t.Errorf("customer %+v, z %v: dynamic LL %.15g, static %.15g", c, z, got, want)
			}
		}
	}
}

// TestDynLogLikSeason: a seasonal covariate (1 in weeks 10–19 and
// 62–71): the segment-wise quadrature agrees with one composite
// 400-point Gauss–Legendre over [t_x, T] of the integrand with A and B
// computed directly, to 1e-9; a season that raises the purchase rate
// makes a customer without purchases in it less likely and one whose
// purchases fell in it more likely.
func TestDynLogLikSeason(t *testing.T) {
	p := Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12}
	trans, life := []float64{0.7}, []float64{-0.5}
	season := func(w int) []float64 {
		if w%52 >= 10 && w%52 < 20 {
			return []float64{1}
		}
		return []float64{0}
	}
	x, tx, T := 4.0, 30.0, 90.0
	segs := weekly(T, season)
	got := dynLogLik(p, trans, life, x, tx, T, []float64{2}, segs, nil)
	// Direct: A(t), B(t) by summing the weeks.
	expo := func(t float64, g float64) float64 {
		var s float64
		for w := 0; float64(w) < t; w++ {
			s += math.Exp(g*season(w)[0]) * math.Min(1, t-float64(w))
		}
		return s
	}
	rx := p.R + x
	f := func(u float64) float64 {
		return math.Exp(life[0]*season(int(u))[0]) * math.Pow(p.Alpha+expo(u, trans[0]), -rx) * math.Pow(p.Beta+expo(u, life[0]), -(p.S+1))
	}
	// Composite over the weeks (the integrand has kinks at week ends).
	var integral float64
	for w := int(tx); float64(w) < T; w++ {
		integral += quad.Fixed(f, math.Max(float64(w), tx), math.Min(float64(w+1), T), 20, quad.Legendre{}, 0)
	}
	lgrx, _ := math.Lgamma(rx)
	lgr, _ := math.Lgamma(p.R)
	L := math.Pow(p.Alpha+expo(T, trans[0]), -rx)*math.Pow(p.Beta+expo(T, life[0]), -p.S) + p.S*integral
	want := lgrx - lgr + p.R*math.Log(p.Alpha) + p.S*math.Log(p.Beta) + trans[0]*2 + math.Log(L)
	if math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("dynamic LL %.15g, direct %.15g", got, want)
	}
	none := dynLogLik(p, trans, life, x, tx, T, []float64{0}, segs, nil)
	all := dynLogLik(p, trans, life, x, tx, T, []float64{4}, segs, nil)
	flat := dynLogLik(p, []float64{0}, life, x, tx, T, []float64{0}, segs, nil)
	if !(none < got && got < all) || !(none < flat) {
		t.Errorf("LL with 0, 2, 4 purchases in season: %v %v %v; without the effect %v", none, got, all, flat)
	}
	if v := dynLogLik(p, trans, life, x, tx, T, []float64{2}, nil, nil); !math.IsNaN(v) {
		t.Errorf("no segments: %v", v)
	}
}

// TestDynLogLikGradient: the analytic gradient of dynLogLik agrees with
// central differences to 1e-6 relative, for a customer with purchases
// in and out of season and for one without repeat purchases.
func TestDynLogLikGradient(t *testing.T) {
	season := func(w int) []float64 { return []float64{float64(w % 52 / 10 % 2), 0.5} }
	for _, c := range []struct{ x, tx, T float64 }{{4, 30.3, 90}, {0, 0, 60.5}} {
		segs := weekly(c.T, season)
		v := []float64{0.8, 10, 0.7, 12, 0.7, -0.2, -0.5, 0.3}
		at := func(v []float64, grad []float64) float64 {
			return dynLogLik(Params{R: v[0], Alpha: v[1], S: v[2], Beta: v[3]}, v[4:6], v[6:8], c.x, c.tx, c.T, []float64{2, 1.5}, segs, grad)
		}
		g := make([]float64, 8)
		ll := at(v, g)
		if want := at(v, nil); ll != want {
			t.Errorf("LL %v with the gradient, %v without", ll, want)
		}
		for i := range v {
			h := 1e-5 * math.Max(1, math.Abs(v[i]))
			vp, vm := append([]float64(nil), v...), append([]float64(nil), v...)
			vp[i] += h
			vm[i] -= h
			num := (at(vp, nil) - at(vm, nil)) / (2 * h)
			if math.Abs(num-g[i]) > 1e-6*math.Max(1, math.Abs(num)) {
				t.Errorf("customer %+v: ∂LL/∂v[%d] = %v, central difference %v", c, i, g[i], num)
			}
		}
	}
}

// TestDynQuadratureApparel: at the fit's estimate on the apparel data and
// at CLVTools', the log-likelihood with the quadrature's pieces 20 times
// finer agrees to 1e-9 absolute, and its gradient to 1e-7.
func TestDynQuadratureApparel(t *testing.T) {
	cs, z := apparelDynamic(t)
	d, err := prepDynamic(cs, z, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range []struct {
		p           Params
		trans, life []float64
	}{
		{Params{R: 2.1591, Alpha: 123.962, S: 1.25717, Beta: 85.1577}, []float64{0.718498, 0.258233, 0.622857}, []float64{-10, -0.544114, 0.536825}},
		{Params{R: 1.93429830904814, Alpha: 123.271077382678, S: 5.0656969711222, Beta: 356.118779673747},
			[]float64{0.655725669927446, 0.434877208446496, 0.545930217661286}, []float64{-3.02216058897311, -0.480718509010016, 0.223339582372337}},
		{Params{R: 0.3, Alpha: 2, S: 0.4, Beta: 3}, []float64{1.5, 0.3, 0.2}, []float64{-1, 0.5, 0.5}},
	} {
		e := newDynEval(pt.p, pt.trans, pt.life, d.zs)
		g := make([]float64, 10)
		ll := d.logLik(e, g)
		e.scale = 1.0 / 20
		gf := make([]float64, 10)
		fine := d.logLik(e, gf)
		if math.Abs(ll-fine) > 1e-9 {
			t.Errorf("%+v: LL %.12f, with finer pieces %.12f", pt.p, ll, fine)
		}
		for i := range g {
			if math.Abs(g[i]-gf[i]) > 1e-7*math.Max(1, math.Abs(gf[i])) {
				t.Errorf("%+v: ∂LL[%d] %.12g, with finer pieces %.12g", pt.p, i, g[i], gf[i])
			}
		}
	}
}
