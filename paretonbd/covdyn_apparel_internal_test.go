package paretonbd

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/parallel"
)

// readCSV reads a CSV file of the shared data, skipping the test if it is
// absent.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

// TestDynLogLikApparel: the log-likelihood of the apparel customers
// (CLVTools' conventions: weekly, transactions of a day summed, 104 weeks
// of estimation from 2005-01-02) under CLVTools' pnbd_dynamic estimate,
// High.Season time-varying and Gender, Channel static, is CLVTools'
// reported LL there, −5758.21, to 0.1 (it is −5758.14: 1e-5 relative; the
// difference, in a week convention or CLVTools' quadrature, is not explained yet).
func TestDynLogLikApparel(t *testing.T) {
	cs := apparelDyn(t)
	// Order: High.Season, Gender, Channel.
	p := Params{R: 1.93429830904814, Alpha: 123.271077382678, S: 5.0656969711222, Beta: 356.118779673747}
	tr := []float64{0.655725669927446, 0.434877208446496, 0.545930217661286}
	li := []float64{-3.02216058897311, -0.480718509010016, 0.223339582372337}
	var ll float64
	for _, c := range cs {
		v := dynLogLik(p, tr, li, c.x, c.tx, c.T, c.zSum, c.segs, nil)
		if math.IsNaN(v) {
			t.Fatalf("customer %s: NaN", c.id)
		}
		ll += v
	}
	t.Logf("%d customers: LL %.4f at CLVTools' pnbd_dynamic estimate (CLVTools: −5758.2085)", len(cs), ll)
	if math.Abs(ll-(-5758.20849788564)) > 0.1 {
		t.Errorf("LL %.4f, CLVTools −5758.2085", ll)
	}
}

// dynCustomer is a customer of the apparel data with dynamic covariates.
type dynCustomer struct {
	id       string
	x, tx, T float64
	zSum     []float64
	segs     []dynSegment
}

// apparelDyn reads the apparel customers of the estimation period with
// their covariates (High.Season, Gender, Channel) by week.
func apparelDyn(t *testing.T) []dynCustomer {
	trans := readCSV(t, "../../shared/data/apparel_transactions.csv")
	dyn := readCSV(t, "../../shared/data/apparel_dynamic_covariates.csv")
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	estEnd := day("2006-12-31")
	type seg struct {
		from time.Time
		z    []float64
	}
	covs := map[string][]seg{}
	for _, r := range dyn {
		z := make([]float64, 3)
		for j := range z {
			z[j], _ = strconv.ParseFloat(r[2+j], 64)
		}
		covs[r[0]] = append(covs[r[0]], seg{day(r[1]), z})
	}
	dates := map[string]map[time.Time]bool{}
	for _, r := range trans {
		if dates[r[0]] == nil {
			dates[r[0]] = map[time.Time]bool{}
		}
		dates[r[0]][day(r[1])] = true
	}
	weeks := func(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 / 7 }
	var out []dynCustomer
	for id, ds := range dates {
		var days []time.Time
		for d := range ds {
			if !d.After(estEnd) {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			continue
		}
		sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
		first := days[0]
		cs := covs[id]
		sort.Slice(cs, func(i, j int) bool { return cs[i].from.Before(cs[j].from) })
		var segs []dynSegment
		for _, c := range cs {
			st := weeks(first, c.from)
			if st < 0 {
				if len(segs) == 0 || c.from.AddDate(0, 0, 7).After(first) {
					segs = []dynSegment{{0, c.z}}
				}
				continue
			}
			if len(segs) == 0 {
				segs = append(segs, dynSegment{0, c.z}) // covariates before the first date: the first known
			}
			if st == 0 {
				segs[0].Z = c.z
				continue
			}
			segs = append(segs, dynSegment{st, c.z})
		}
		zSum := make([]float64, 3)
		for _, d := range days[1:] {
			w := weeks(first, d)
			k := sort.Search(len(segs), func(k int) bool { return segs[k].Start > w }) - 1
			for j := range zSum {
				zSum[j] += segs[k].Z[j]
			}
		}
		x := float64(len(days) - 1)
		tx, T := weeks(first, days[len(days)-1]), weeks(first, estEnd)
		out = append(out, dynCustomer{id, x, tx, T, zSum, segs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// TestDynFitApparel (CLVKIT_LONG=1): maximizing dynLogLik over the apparel
// customers with its analytic gradient (BFGS on ln r, ln α, ln s, ln β,
// γ) from CLVTools' pnbd_dynamic estimate reaches a log-likelihood at
// least CLVTools' best (−5753.54 after its restart, not converged). It
// converges (gradient 1e-7, 81 iterations, 7 s) at −5752.62, with
// life.High.Season ≈ −16: no dropout in the high season, a coefficient
// running off toward −∞ on a flat likelihood (why CLVTools does not
// converge).
func TestDynFitApparel(t *testing.T) {
	if os.Getenv("CLVKIT_LONG") != "1" {
		t.Skip("CLVKIT_LONG=1: a fit of some seconds")
	}
	cs := apparelDyn(t)
	K := 3
	n := 4 + 2*K
	grads := make([][]float64, len(cs))
	lls := make([]float64, len(cs))
	for i := range grads {
		grads[i] = make([]float64, n)
	}
	obj := func(th, grad []float64) float64 {
		p := Params{R: math.Exp(th[0]), Alpha: math.Exp(th[1]), S: math.Exp(th[2]), Beta: math.Exp(th[3])}
		parallel.For(len(cs), func(i int) {
			c := cs[i]
			lls[i] = dynLogLik(p, th[4:4+K], th[4+K:], c.x, c.tx, c.T, c.zSum, c.segs, grads[i])
		})
		var ll float64
		clear(grad)
		for i := range cs {
			ll += lls[i]
			for q := range n {
				grad[q] -= grads[i][q] / float64(len(cs))
			}
		}
		for q, v := range []float64{p.R, p.Alpha, p.S, p.Beta} {
			grad[q] *= v
		}
		if math.IsNaN(ll) {
			return math.Inf(1)
		}
		return -ll / float64(len(cs))
	}
	start := []float64{math.Log(1.93429830904814), math.Log(123.271077382678), math.Log(5.0656969711222), math.Log(356.118779673747),
		0.655725669927446, 0.434877208446496, 0.545930217661286, -3.02216058897311, -0.480718509010016, 0.223339582372337}
	res, err := mle.Minimize(context.Background(), obj, mle.Settings{Starts: [][]float64{start}, GradTol: 1e-7, MaxIter: 500})
	ll := -res.F * float64(len(cs))
	t.Logf("LL %.4f after %d iterations (%v, %v): r %.4g α %.4g s %.4g β %.4g γ %.4g", ll, res.Iterations, res.Status, err,
		math.Exp(res.X[0]), math.Exp(res.X[1]), math.Exp(res.X[2]), math.Exp(res.X[3]), res.X[4:])
	if !(ll >= -5753.54) {
		t.Errorf("LL %.4f, below CLVTools' −5753.54", ll)
	}
}
