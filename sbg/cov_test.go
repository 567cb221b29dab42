package sbg_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/sbg"
)

// covTruth: a plan (annual = 1) whose subscribers cancel less often, and a
// channel (referral = 1) that makes them more alike.
var covTruth = sbg.CovParams{Params: sbg.Params{Alpha: 0.8, Beta: 2.5, C: 1}, Names: []string{"annual", "referral"},
	GammaAlpha: []float64{0.6, -0.3}, GammaBeta: []float64{-0.2, -0.5}}

// covCohorts simulates per profile of (annual, referral) a cohort of n
// subscribers observed for 12 renewals.
func covCohorts(t testing.TB, truth sbg.CovParams, n int, seed uint64) ([]sbg.Record, clv.Covariates) {
	t.Helper()
	m, err := sbg.NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	z := clv.Covariates{Names: truth.Names, Values: [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}}
	rs, rz, err := m.SimulateCohorts(rand.NewPCG(seed, 1), []int{n, n, n, n}, 12, z)
	if err != nil {
		t.Fatal(err)
	}
	return rs, rz
}

// TestCovariatesRecovery: 10⁵ simulated subscribers (4 profiles of 25,000,
// 12 renewals): every coefficient within 4 standard errors of the truth,
// the odds effects within 5% of theirs and inside their 95% intervals,
// the likelihood-ratio tests reject no effect at 0.1%, and z = 0 is the
// base model bit for bit.
func TestCovariatesRecovery(t *testing.T) {
	rs, z := covCohorts(t, covTruth, 25_000, 1)
	ctx := context.Background()
	m, err := sbg.FitCovariates(ctx, rs, z, sbg.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(m)
	p := m.Params()
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	check := func(name string, got, want, s float64) {
		if !(math.Abs(got-want) < 4*s) || !(s > 0 && s < 0.1) {
			t.Errorf("%s = %.4f ± %.4f, truth %.4f", name, got, s, want)
		}
	}
	check("alpha", p.Alpha, covTruth.Alpha, se.Alpha)
	check("beta", p.Beta, covTruth.Beta, se.Beta)
	for j, n := range p.Names {
		check("gamma_alpha."+n, p.GammaAlpha[j], covTruth.GammaAlpha[j], se.GammaAlpha[j])
		check("gamma_beta."+n, p.GammaBeta[j], covTruth.GammaBeta[j], se.GammaBeta[j])
	}
	if fi := m.FitInfo(); fi.Status != clv.Converged || fi.Customers != 100_000 || fi.NumParams != 6 {
		t.Errorf("fit info %+v", fi)
	}
	eff, err := m.EffectTests(ctx, rs, z, sbg.CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	for j, e := range eff {
		want := math.Exp(covTruth.GammaBeta[j] - covTruth.GammaAlpha[j])
		if e.Process != clv.DropoutProcess || math.Abs(e.Ratio/want-1) > 0.05 || !(e.Lo < want && want < e.Hi) || !(e.P < 1e-3) {
			t.Errorf("effect %+v, want ratio %.4f (within 5%% and inside), p < 0.001", e, want)
		}
		t.Logf("%s: odds ×%.4f [%.4f, %.4f], truth ×%.4f, LR %.1f", e.Covariate, e.Ratio, e.Lo, e.Hi, want, e.LR)
	}
	// z = 0 is the base model; z = (1, 0) the plan's parameters.
	base, err := m.Customer([]float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if got := base.Params(); got != p.Params {
		t.Errorf("Customer(0) = %+v, base %+v", got, p.Params)
	}
	annual, err := m.Customer([]float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if q := annual.Params(); math.Abs(q.Alpha-p.Alpha*math.Exp(-p.GammaAlpha[0])) > 1e-12 || math.Abs(q.Beta-p.Beta*math.Exp(-p.GammaBeta[0])) > 1e-12 {
		t.Errorf("Customer(1, 0) = %+v", q)
	}
	if !(annual.Survival(12) > base.Survival(12)) {
		t.Errorf("annual subscribers survive 12 renewals with %v, monthly %v", annual.Survival(12), base.Survival(12))
	}
	// Without the covariates the likelihood is lower by the effects' worth.
	plain, err := sbg.FitContext(ctx, rs, sbg.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(m.LogLikelihood() > plain.LogLikelihood()+100) {
		t.Errorf("LL %v with covariates, %v without", m.LogLikelihood(), plain.LogLikelihood())
	}
}

// TestCovariatesNoEffect: with no effect on the odds simulated (annual
// shifts α and β alike, referral nothing) the odds effects hold 1 in
// their 99% intervals and the tests do not reject at 1%; dropping a
// covariate entirely costs at least its LR on the odds.
func TestCovariatesNoEffect(t *testing.T) {
	truth := covTruth
	truth.GammaAlpha, truth.GammaBeta = []float64{0.2, 0}, []float64{0.2, 0}
	rs, z := covCohorts(t, truth, 5000, 2)
	ctx := context.Background()
	m, err := sbg.FitCovariates(ctx, rs, z, sbg.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eff, err := m.EffectTests(ctx, rs, z, sbg.CovFitOptions{}, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eff {
		if !(e.Lo < 1 && 1 < e.Hi) || !(e.P > 0.01) {
			t.Errorf("no effect on the odds simulated: %+v", e)
		}
	}
	// The LR of "referral": the model with it dropped entirely, against
	// the full one, is at least its LR on the odds alone.
	sub := clv.Covariates{Names: z.Names[:1]}
	for _, v := range z.Values {
		sub.Values = append(sub.Values, v[:1])
	}
	m1, err := sbg.FitCovariates(ctx, rs, sub, sbg.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if full := 2 * (m.LogLikelihood() - m1.LogLikelihood()); !(full >= eff[1].LR-1e-6) {
		t.Errorf("LR without referral %v < LR on its odds effect %v", full, eff[1].LR)
	}
}

// TestCovariatesJSONAndDraws: a fitted model survives JSON (parameters,
// standard errors, covariance, fit); a bad one is refused; SampleParams
// draws have the estimate's spread; the zero model and bad input are
// errors, never panics.
func TestCovariatesJSONAndDraws(t *testing.T) {
	rs, z := covCohorts(t, covTruth, 4000, 3)
	ctx := context.Background()
	m, err := sbg.FitCovariates(ctx, rs, z, sbg.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back sbg.CovModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	p, q := m.Params(), back.Params()
	if p.Params != q.Params || !slices.Equal(p.GammaAlpha, q.GammaAlpha) || !slices.Equal(p.GammaBeta, q.GammaBeta) || back.LogLikelihood() != m.LogLikelihood() {
		t.Errorf("round trip: %v, want %v", &back, m)
	}
	e1, _ := m.Effects(0.9)
	e2, _ := back.Effects(0.9)
	if !slices.EqualFunc(e1, e2, func(a, b clv.CovariateEffect) bool { return a.Ratio == b.Ratio && a.Lo == b.Lo && a.Hi == b.Hi }) {
		t.Errorf("effects after the round trip %+v, want %+v", e2, e1)
	}
	for _, bad := range []string{`{"model":"sbg"}`, `{"model":"sbg_covariates","params":{"alpha":-1,"beta":1},"covariates":["a"],"gamma_alpha":[0],"gamma_beta":[0]}`,
		`{"model":"sbg_covariates","params":{"alpha":1,"beta":1},"covariates":["a"],"gamma_alpha":[0],"gamma_beta":[]}`,
		`{"model":"sbg_covariates","params":{"alpha":1,"beta":1},"covariates":["a"],"gamma_alpha":[0],"gamma_beta":[0],"covariance":[[1]]}`} {
		var x sbg.CovModel
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	se, _ := m.StdErrors()
	draws, err := m.SampleParams(rand.NewPCG(1, 1), 3000)
	if err != nil {
		t.Fatal(err)
	}
	var mean, sd float64
	for _, d := range draws {
		mean += d.GammaAlpha[0] / 3000
	}
	for _, d := range draws {
		sd += (d.GammaAlpha[0] - mean) * (d.GammaAlpha[0] - mean) / 2999
	}
	if sd = math.Sqrt(sd); math.Abs(mean-p.GammaAlpha[0]) > 4*se.GammaAlpha[0]/math.Sqrt(3000) || math.Abs(sd/se.GammaAlpha[0]-1) > 0.1 {
		t.Errorf("draws of gamma_alpha.annual: mean %v sd %v, want %v and %v", mean, sd, p.GammaAlpha[0], se.GammaAlpha[0])
	}

	var zero sbg.CovModel
	if _, err := zero.Customer([]float64{0, 0}); err == nil {
		t.Error("zero model: Customer")
	}
	if _, err := zero.Effects(0.9); err == nil {
		t.Error("zero model: Effects")
	}
	if _, err := zero.EffectTests(ctx, rs, z, sbg.CovFitOptions{}, 0.9); err == nil {
		t.Error("zero model: EffectTests")
	}
	if _, err := zero.MarshalJSON(); err == nil {
		t.Error("zero model: MarshalJSON")
	}
	if _, err := m.Customer([]float64{math.NaN(), 0}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("NaN covariate: %v", err)
	}
	if _, err := sbg.FitCovariates(ctx, rs, clv.Covariates{Names: []string{"a"}}, sbg.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("covariates of the wrong length: %v", err)
	}
	if _, err := sbg.FitCovariates(ctx, []sbg.Record{{Renewals: 3, Count: 5}}, clv.Covariates{Names: []string{"a"}, Values: [][]float64{{1}}}, sbg.CovFitOptions{}); !errors.Is(err, clv.ErrNotIdentified) {
		t.Errorf("nobody cancelled: %v", err)
	}
	if _, err := sbg.FitCovariates(ctx, []sbg.Record{{Renewals: -1, Churned: true, Count: 5}}, clv.Covariates{Names: []string{"a"}, Values: [][]float64{{1}}}, sbg.CovFitOptions{}); err == nil {
		t.Error("negative renewals accepted")
	}
	if _, err := sbg.NewCovariates(sbg.CovParams{Params: sbg.Params{Alpha: 1, Beta: 1, C: 0.5}, Names: []string{"a"}, GammaAlpha: []float64{0}, GammaBeta: []float64{0}}); err == nil {
		t.Error("a BdW base accepted")
	}
}
