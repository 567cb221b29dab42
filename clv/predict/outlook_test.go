package predict_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/paretonbd"
)

// outlookCase is a model with known parameters and its simulator: the
// times of one customer's repeat purchases in (0, end].
type outlookCase struct {
	m   clv.NextPurchaseModel
	sim func(src rand.Source, end float64) []float64
}

func outlookCases(t *testing.T) []outlookCase {
	t.Helper()
	var out []outlookCase
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, err := bgnbd.NewVariant(v, bgnbd.Params{R: 0.6, Alpha: 5, A: 0.8, B: 2.5})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, outlookCase{m, m.SimulatePurchases})
	}
	pp := paretonbd.Params{R: 0.6, Alpha: 8, S: 0.7, Beta: 12}
	pm, err := paretonbd.New(pp)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, outlookCase{pm, pp.SimulatePurchases})
}

// TestOutlookCalibration simulates 10⁵ customers of each model with known
// parameters, observes them to T, continues the simulation past T, and
// compares the predicted probability of a purchase within the window
// with the realised fraction by decile of the prediction, the predicted
// probability of a purchase within the horizon likewise overall, and the
// predicted percentiles of the time to the next purchase with the share
// of realised times below them, each within 4 standard errors.
func TestOutlookCalibration(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	const window, horizon = 4.3, 52.0
	for _, tc := range outlookCases(t) {
		src := rand.NewPCG(7, 11)
		cs := make([]clv.Customer, n)
		next := make([]float64, n) // time from T to the next purchase; +Inf if none by T+horizon
		for i := range cs {
			T := 20 + 60*float64(i)/float64(n)
			ts := tc.sim(src, T+horizon)
			k := sort.SearchFloat64s(ts, math.Nextafter(T, math.Inf(1)))
			c := clv.Customer{Frequency: float64(k), T: T}
			if k > 0 {
				c.Recency = ts[k-1]
			}
			cs[i] = c
			next[i] = math.Inf(1)
			if k < len(ts) {
				next[i] = ts[k] - T
			}
		}
		o, err := predict.OutlookAll(tc.m, cs, clv.OutlookOptions{Window: window, Horizon: horizon})
		if err != nil {
			t.Fatal(err)
		}
		// By decile of the predicted probability of a purchase within the window.
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int {
			x, y := o.At(a).PurchaseWithin, o.At(b).PurchaseWithin
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return a - b
		})
		for d := range 10 {
			g := idx[d*n/10 : (d+1)*n/10]
			var pred, real, v float64
			for _, i := range g {
				p := o.At(i).PurchaseWithin
				if p < 0 || p > 1 {
					t.Fatalf("%v: probability %v", tc.m, p)
				}
				pred += p
				v += p * (1 - p)
				if next[i] <= window {
					real++
				}
			}
			m := float64(len(g))
			se := math.Max(math.Sqrt(v)/m, 1/m)
			if math.Abs(real/m-pred/m) > 4*se {
				t.Errorf("%v: decile %d: predicted %.4f, realised %.4f (SE %.4f)", tc.m, d, pred/m, real/m, se)
			}
		}
		// Within the horizon, overall.
		var pred, real, v float64
		for i := range n {
			p := o.At(i).PurchaseWithinHorizon
			pred, v = pred+p, v+p*(1-p)
			if next[i] <= horizon {
				real++
			}
		}
		if se := math.Sqrt(v) / float64(n); math.Abs(real-pred)/float64(n) > 4*se {
			t.Errorf("%v: within the horizon: predicted %.4f, realised %.4f (SE %.4f)", tc.m, pred/float64(n), real/float64(n), se)
		}
		// The percentiles of the time to the next purchase, where defined.
		for k, level := range clv.NextPurchaseLevels {
			var below, m float64
			for i := range n {
				q := o.At(i).NextPurchase[k]
				if math.IsNaN(q) {
					continue
				}
				if k > 0 && q < o.At(i).NextPurchase[k-1] {
					t.Fatalf("%v: percentiles %v not monotone", tc.m, o.At(i).NextPurchase)
				}
				m++
				if next[i] <= q {
					below++
				}
			}
			se := math.Sqrt(level * (1 - level) / m)
			if m < float64(n)/200 || math.Abs(below/m-level) > 4*se {
				t.Errorf("%v: %d customers with a %v-quantile: %.4f of the next purchases below it (SE %.4f)", tc.m, int(m), level, below/m, se)
			}
			t.Logf("%v: %d customers with a %v-quantile, %.4f of next purchases below it (SE %.4f)", tc.m, int(m), level, below/m, se)
		}
	}
}

func TestOutlookAllErrors(t *testing.T) {
	m, _ := bgnbd.New(bgnbd.Params{R: 0.6, Alpha: 5, A: 0.8, B: 2.5})
	cs := []clv.Customer{{Frequency: 1, Recency: 2, T: 5}}
	for _, o := range []clv.OutlookOptions{{}, {Window: -1, Horizon: 1}, {Window: 1, Horizon: math.NaN()}, {Window: math.Inf(1), Horizon: 1}} {
		if _, err := predict.OutlookAll(m, cs, o); !errors.Is(err, clv.ErrBadOutlookOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := predict.OutlookAll(m, []clv.Customer{{Frequency: 1, Recency: 6, T: 5}}, clv.OutlookOptions{Window: 1, Horizon: 2}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: %v", err)
	}
	if _, err := predict.OutlookAll(nil, cs, clv.OutlookOptions{Window: 1, Horizon: 2}); !errors.Is(err, clv.ErrNilModel) {
		t.Errorf("nil model: %v", err)
	}
	o, err := predict.OutlookAll(m, append(cs, cs[0], clv.Customer{T: 3}), clv.OutlookOptions{Window: 1, Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() != 3 || o.Distinct() != 2 || o.Index(1) != o.Index(0) || o.Index(2) != 0 || o.Index(0) != 1 || o.At(1).PurchaseWithin != o.At(0).PurchaseWithin || o.At(5) != (clv.Outlook{}) || o.Index(-1) != -1 {
		t.Errorf("Len %d Distinct %d Index %d %d", o.Len(), o.Distinct(), o.Index(1), o.Index(2))
	}
	if got, want := o.At(0).PurchaseWithin, m.ProbabilityOfPurchaseWithin(cs[0], 1); got != want {
		t.Errorf("At(0).PurchaseWithin %v, want %v", got, want)
	}
}

// TestOutlookIsTheMethods: each model's Outlook gives what its
// single-quantity methods give.
func TestOutlookIsTheMethods(t *testing.T) {
	opts := clv.OutlookOptions{Window: 4.3, Horizon: 52}
	cs := []clv.Customer{{T: 30}, {Frequency: 1, Recency: 2, T: 39}, {Frequency: 2, Recency: 30, T: 38}, {Frequency: 12, Recency: 70, T: 78},
		{Frequency: 40, Recency: 77.9, T: 78}, {Frequency: 3000, Recency: 1, T: 1e5}}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, tc := range outlookCases(t) {
		m := tc.m
		for _, c := range cs {
			o := m.Outlook(c, opts)
			qs := m.NextPurchaseQuantiles(c, clv.NextPurchaseLevels[:], opts.Horizon)
			if o.PurchaseWithinHorizon < 0.5 {
				qs = []float64{math.NaN(), math.NaN(), math.NaN()}
			}
			want := []float64{m.ProbabilityOfPurchaseWithin(c, opts.Window), m.ProbabilityOfPurchaseWithin(c, opts.Horizon),
				m.ProbabilityAliveAfter(c, opts.Horizon), m.ExpectedPurchaseRate(c), qs[0], qs[1], qs[2]}
			got := []float64{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon, o.PurchaseRate, o.NextPurchase[0], o.NextPurchase[1], o.NextPurchase[2]}
			for k := range got {
				if !same(got[k], want[k]) {
					t.Errorf("%v %+v: Outlook %v, methods %v", m, c, got, want)
					break
				}
			}
		}
		// OutlookAll (through OutlookRows where the model has it) gives
		// the same, customers sharing (x, T) included.
		all, err := predict.OutlookAll(m, append(cs, clv.Customer{Frequency: 2, Recency: 5, T: 38}), opts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range all.Len() {
			c := cs[min(i, len(cs)-1)]
			if i == len(cs) {
				c = clv.Customer{Frequency: 2, Recency: 5, T: 38}
			}
			a, o := all.At(i), m.Outlook(c, opts)
			if !same(a.PurchaseWithin, o.PurchaseWithin) || !same(a.AliveAtHorizon, o.AliveAtHorizon) || !same(a.PurchaseRate, o.PurchaseRate) ||
				!same(a.NextPurchase[1], o.NextPurchase[1]) || !same(a.NextPurchase[2], o.NextPurchase[2]) {
				t.Errorf("%v %+v: OutlookAll %+v, Outlook %+v", m, c, a, o)
			}
		}
		for _, bad := range []clv.OutlookOptions{{}, {Window: math.NaN(), Horizon: 1}, {Window: 1, Horizon: -1}} {
			if o := m.Outlook(cs[1], bad); !math.IsNaN(o.PurchaseWithin) || !math.IsNaN(o.NextPurchase[1]) {
				t.Errorf("%v %+v: %+v", m, bad, o)
			}
		}
	}
}
