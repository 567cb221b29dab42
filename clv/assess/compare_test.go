package assess_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// simulateSplit draws n Pareto/NBD customers observed for T in [26, 52]
// weeks and followed for a further 39-week holdout period.
func simulateSplit(t *testing.T, p paretonbd.Params, n int) ([]clv.Customer, []clv.Holdout) {
	t.Helper()
	src := rand.NewPCG(3, 5)
	rng := rand.New(rand.NewPCG(8, 9))
	cal := make([]clv.Customer, n)
	hold := make([]clv.Holdout, n)
	for i := range n {
		T := 26 + 26*rng.Float64()
		times := p.SimulatePurchases(src, T+39)
		c := clv.Customer{T: T}
		for _, tm := range times {
			if tm <= T {
				c.Frequency++
				c.Recency = tm
			} else {
				hold[i].Frequency++
			}
		}
		cal[i], hold[i].Duration = c, 39
	}
	return cal, hold
}

func fitAll(t *testing.T, cs []clv.Customer) []assess.Candidate {
	t.Helper()
	bg, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mbg, err := bgnbd.Fit(cs, bgnbd.FitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	pn, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return []assess.Candidate{{Name: "bgnbd", Model: bg}, {Name: "mbgnbd", Model: mbg}, {Name: "paretonbd", Model: pn}}
}

// TestCompareModelsSimulated: on 30,000 customers from a Pareto/NBD
// population whose lifetimes are short, BIC and the holdout MAE both
// choose Pareto/NBD, and the scores are the fits' numbers.
func TestCompareModelsSimulated(t *testing.T) {
	cal, hold := simulateSplit(t, paretonbd.Params{R: 1.2, Alpha: 8, S: 1.5, Beta: 12}, 30000)
	cands := fitAll(t, cal)
	for _, h := range [][]clv.Holdout{nil, hold} {
		cmp, err := assess.CompareModels(cands, cal, h, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got := cmp.Scores[cmp.Chosen].Name; got != "paretonbd" || !strings.Contains(cmp.Reason, "paretonbd has the lowest "+cmp.Criterion) {
			t.Errorf("holdout %v: chose %s: %s", h != nil, got, cmp.Reason)
		}
		for i, s := range cmp.Scores {
			info := cands[i].Model.FitInfo()
			if s.LogLikelihood != info.LogLikelihood || s.NumParams != 4 ||
				math.Abs(s.AIC-(-2*info.LogLikelihood+8)) > 1e-9 || math.Abs(s.BIC-(-2*info.LogLikelihood+4*math.Log(30000))) > 1e-9 {
				t.Errorf("score %+v, fit %+v", s, info)
			}
			if (h == nil) != (s.Holdout == nil) {
				t.Errorf("holdout evaluation %v with holdout %v", s.Holdout != nil, h != nil)
			}
		}
		t.Logf("%s: %s", cmp.Criterion, cmp.Reason)
	}
}

// TestCompareModelsCDNOW: on the CDNOW customers the three fits have the
// reference log-likelihoods (BG/NBD −9582.43, MBG/NBD −9582.13,
// Pareto/NBD −9594.97), so BIC, with four parameters each, chooses MBG/NBD.
func TestCompareModelsCDNOW(t *testing.T) {
	cs := reftest.CDNOW(t)
	cmp, err := assess.CompareModels(fitAll(t, cs), cs, nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Criterion != "BIC" || cmp.Scores[cmp.Chosen].Name != "mbgnbd" {
		t.Errorf("%s chose %s: %s", cmp.Criterion, cmp.Scores[cmp.Chosen].Name, cmp.Reason)
	}
	t.Log(cmp.Reason)
}

func TestCompareModelsErrors(t *testing.T) {
	cal, _ := simulateSplit(t, paretonbd.Params{R: 1, Alpha: 8, S: 1, Beta: 12}, 2000)
	cands := fitAll(t, cal)
	other, err := bgnbd.Fit(cal[:1000], bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	given, _ := bgnbd.New(bgnbd.Params{R: 1, Alpha: 1, A: 1, B: 1})
	for name, cs := range map[string][]assess.Candidate{
		"none":          nil,
		"nil model":     {{Name: "x"}},
		"other data":    {cands[0], {Name: "half", Model: other}},
		"not fitted":    {cands[0], {Name: "given", Model: given}},
		"holdout short": cands,
	} {
		var hold []clv.Holdout
		if name == "holdout short" {
			hold = make([]clv.Holdout, 10)
		}
		if _, err := assess.CompareModels(cs, cal, hold, 7); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
