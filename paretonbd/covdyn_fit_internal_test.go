package paretonbd

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// apparelDynamic reads the apparel customers of the estimation period
// (CLVTools' conventions: weekly, transactions of a day as one, 104 weeks
// from 2005-01-02) as summaries with their covariate paths (High.Season,
// Gender, Channel; weeks from each customer's first purchase) and repeat
// purchase times, and the future paths from the prediction file appended.
func apparelDynamic(t testing.TB) ([]clv.Customer, clv.DynamicCovariates) {
	tt, ok := t.(*testing.T)
	if !ok {
		tt = &testing.T{}
	}
	trans := readCSV(tt, "../../shared/data/apparel_transactions.csv")
	dyn := readCSV(tt, "../../shared/data/apparel_dynamic_covariates.csv")
	fut := readCSV(tt, "../../shared/data/apparel_dynamic_covariates_future.csv")
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	estEnd := day("2006-12-31")
	type row struct {
		from time.Time
		z    []float64
	}
	covs := map[string][]row{}
	for _, r := range slices.Concat(dyn, fut) {
		z := make([]float64, 3)
		for j := range z {
			z[j], _ = strconv.ParseFloat(r[2+j], 64)
		}
		covs[r[0]] = append(covs[r[0]], row{day(r[1]), z})
	}
	dates := map[string]map[time.Time]bool{}
	for _, r := range trans {
		if dates[r[0]] == nil {
			dates[r[0]] = map[time.Time]bool{}
		}
		dates[r[0]][day(r[1])] = true
	}
	var ids []string
	for id := range dates {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	weeks := func(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 / 7 }
	var cs []clv.Customer
	z := clv.DynamicCovariates{Names: []string{"High.Season", "Gender", "Channel"}}
	for _, id := range ids {
		var days []time.Time
		for d := range dates[id] {
			if !d.After(estEnd) {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			continue
		}
		sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
		first := days[0]
		rs := covs[id]
		sort.Slice(rs, func(i, j int) bool { return rs[i].from.Before(rs[j].from) })
		var path clv.CovariatePath
		for _, r := range rs {
			// A week's row holds from its date; the row of the week of
			// the first purchase from the first purchase on.
			st := weeks(first, r.from)
			path.Start = append(path.Start, st)
			path.Values = append(path.Values, r.z)
		}
		// The covariates before the first row: the first row's.
		if path.Start[0] > 0 {
			path.Start[0] = 0
		}
		var ts []float64
		for _, d := range days[1:] {
			ts = append(ts, weeks(first, d))
		}
		x := float64(len(days) - 1)
		c := clv.Customer{ID: id, Frequency: x, T: weeks(first, estEnd)}
		if x > 0 {
			c.Recency = ts[len(ts)-1]
		}
		cs = append(cs, c)
		z.Paths = append(z.Paths, path)
		z.Purchases = append(z.Purchases, ts)
	}
	return cs, z
}

// TestFitDynamicApparel: FitDynamic on the apparel data (High.Season
// time-varying, Gender and Channel static) reaches a log-likelihood above
// CLVTools' best (−5753.54 after its restart, not converged): the
// likelihood rises as life.High.Season runs off toward −∞ (no dropout in
// the high season), which the fit reports as a boundary, holding it at
// −GammaBound; the other coefficients converge (gradient ≈ 0, Hessian
// positive definite on the free directions, standard errors).
func TestFitDynamicApparel(t *testing.T) {
	cs, z := apparelDynamic(t)
	t0 := time.Now()
	m, err := FitDynamic(context.Background(), cs, z, CovFitOptions{})
	el := time.Since(t0)
	if m == nil {
		t.Fatal(err)
	}
	info := m.FitInfo()
	t.Logf("%v in %v: %v; %d iterations, gradient %.2g; %s", m, el, err, info.Iterations, info.GradNorm, info.Reason)
	if !errors.Is(err, clv.ErrBoundary) || info.Status != clv.AtBoundary {
		t.Fatalf("error %v, status %v; want the boundary of life.High.Season", err, info.Status)
	}
	if b := m.Boundary(); !slices.Equal(b, []string{"life.High.Season"}) {
		t.Errorf("boundary %v, want [life.High.Season]", b)
	}
	if ll := m.LogLikelihood(); !(ll >= -5753.54) {
		t.Errorf("LL %.4f, below CLVTools' −5753.54", ll)
	}
	if p := m.Params(); p.Life[0] != -GammaBound {
		t.Errorf("life.High.Season %v, want held at −%v", p.Life[0], GammaBound)
	}
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	t.Logf("SE %+v", se)
	eff, err := m.Effects(0.95)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eff {
		t.Log(e)
		if e.Boundary != (e.Covariate == "High.Season" && e.Process == clv.DropoutProcess) {
			t.Errorf("%v: boundary %v", e, e.Boundary)
		}
		if !e.Boundary && !(e.Lo < e.Ratio && e.Ratio < e.Hi) {
			t.Errorf("%v: no interval", e)
		}
	}
}
