package interval

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"gonum.org/v1/gonum/stat/distuv"
)

// Method is how the parameter draws behind the intervals are made.
//
// The normal approximation (each model's SampleParams: the maximum
// likelihood estimate's Laplace approximation on the log scale) fails
// near a limit of a model, where a heterogeneity across customers
// vanishes (Pareto/NBD's s, β → ∞ with s/β = μ; BG/NBD's a, b → ∞ with
// a/(a+b) = p). When the data come from that limit, the fit stops at the
// limit in about half of the samples (its limit model, whose draws hold
// the shape and cover at about the nominal rate), and in the other half
// at a finite shape, whose normal draws of ln s stay far from s = ∞ and,
// worse, keep the other parameters near their values at that shape:
// there they covered the truth about a third of the time.
//
// MethodMixture is built for that case. It tests the limit against the
// fit by the likelihood ratio LR = 2(ℓ_fit − ℓ_limit), whose distribution
// when the limit is true is the mixture ½χ²₀ + ½χ²₁ of a parameter on the
// boundary of its space (Self and Liang 1987, "Asymptotic properties of
// maximum likelihood estimators and likelihood ratio tests under
// nonstandard conditions", JASA 82:605–610). When LR is below the critical
// value of a test of size (1−level)/10 (LimitTestLevel: 5.41 for 90%
// intervals), the limit lies inside the profile likelihood's confidence
// region of the shape at that level, and the intervals must
// cover the forecasts of both: as many draws come from the limit model's
// normal approximation as from the fit's, and each interval runs
// between the mixture's (1−L)/2 and (1+L)/2 quantiles with L = (1+level)/2.
// That band holds the union of the two halves' level intervals: the
// mixture's distribution function is F = ½F₁ + ½F₂, so F(u) = (1+L)/2
// needs F₁(u) ≥ L and F₂(u) ≥ L, u at or above both halves' upper
// quantiles (1+level)/2, and likewise below; it equals the union when the
// halves are far apart, and is wider when they overlap.
//
// Chosen over the alternatives by measured coverage and cost
// (TestNearBoundaryCoverage; the README has the numbers). The
// nonparametric bootstrap (Poisson reweighting of the distinct rows,
// warm-started refits: the models' Bootstrap) was tried on the same
// near-limit samples: its refits that run off to the limit cost about
// 0.25 CPU-s each at 1,400 distinct rows (25 CPU-s for 100 replicates of
// 4,000 customers, so hours at 10⁶ customers), and of the first two
// interior fits it covered one, the normal draws none — too costly to
// measure at the study's scale, let alone to run by default. A
// reparametrized normal approximation (1/s rather than ln s, the mass
// beyond 0 put at the limit) covered no more fits than the plain one:
// what misses is not the shape's spread but the other parameters, which
// at the limit sit elsewhere than at the fit. The mixture costs one more
// fit (the limit model's) and twice the draws.
type Method int

const (
	// MethodAuto, the zero Method, is MethodMixture when the fit's
	// limit model is not rejected at the intervals' level (Decide), and
	// MethodNormal otherwise.
	MethodAuto Method = iota
	// MethodNormal draws every parameter set from the fitted model's
	// normal approximation (a limit model's: conditional on its limit).
	MethodNormal
	// MethodMixture draws the parameter sets in equal numbers from the
	// fitted model's normal approximation and from its limit model's,
	// and widens the quantile band to hold the union of the two halves'
	// intervals (see Method). It needs a limit model.
	MethodMixture
)

var methodNames = [...]string{"auto", "normal", "mixture"}

// String returns the method's name: "auto", "normal" or "mixture".
func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the Method named s ("auto", "normal" or "mixture";
// "" is auto).
func ParseMethod(s string) (Method, error) {
	if s == "" {
		return MethodAuto, nil
	}
	for i, n := range methodNames {
		if s == n {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("interval: method %q: want auto, normal or mixture", s)
}

// MarshalText returns the method's name.
func (m Method) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(methodNames) {
		return nil, fmt.Errorf("interval: invalid method %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText sets the method from its name.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Decision is the method that made a forecast's draws, and why.
type Decision struct {
	// Method is MethodNormal or MethodMixture.
	Method Method `json:"method"`
	// Asked is the method asked for (MethodAuto unless forced).
	Asked Method `json:"asked"`
	// LR is the likelihood-ratio statistic 2(ℓ_fit − ℓ_limit) of the fit
	// against its limit model, and Critical its critical value,
	// LimitCritical(LimitTestLevel(level)) for intervals at level; both NaN when no limit model was fitted or the
	// test was not made. They are not written by encoding/json (NaN has
	// no JSON); forecast.IntervalMethod writes them when finite.
	LR       float64 `json:"-"`
	Critical float64 `json:"-"`
	// Reason says why, for people.
	Reason string `json:"reason"`
}

// LimitCritical returns the critical value of the likelihood ratio
// 2(ℓ_fit − ℓ_limit) at level (e.g. 0.9): under the limit, LR is
// distributed as ½χ²₀ + ½χ²₁ (Self and Liang 1987), so P(LR > c) =
// ½·P(χ²₁ > c) = 1 − level gives c, the χ²₁ quantile at 2·level − 1
// (1.642 at 0.9, 2.706 at 0.95); 0 for levels at or below ½.
func LimitCritical(level float64) float64 {
	if !(level > 0.5) {
		return 0
	}
	if level >= 1 {
		return math.Inf(1)
	}
	return distuv.ChiSquared{K: 1}.Quantile(2*level - 1)
}

// LimitTestLevel returns the level of the likelihood-ratio test of the
// limit that Decide makes for intervals at level: 1 − (1−level)/10 (0.99
// for 90% intervals, critical value 5.41; 0.995 for 95%, 6.63), a test
// whose size is a tenth of the intervals' nominal miss rate.
//
// The test is there to keep the normal draws where the limit is far; it
// is not there to find the limit. When the limit is true, a rejection
// (its probability is the test's size) leaves an interior fit's normal
// draws, which sit at the fit's finite shape and nearly always miss: at
// the test's first size, 1 − level, it rejected 22 of 200 fits simulated
// at the Pareto/NBD's limit (20,000 customers each,
// TestNearBoundaryCoverage), whose normal draws covered the truth once
// (the mixture's, 20 times), and the intervals covered 80.5% in all. At a
// tenth of it a false rejection costs at most a tenth of the nominal miss
// rate, and the same fits were covered 90.0%. Away from the limit the
// likelihood ratio grows with the number of customers (Pareto/NBD and
// BG/NBD: 467 and 930 on CDNOW's 23,570 customers, 39 and 54 on the
// apparel log, 13 and 81 on the repository's example log), so the
// stricter test changes nothing there; where it does mix, the band
// holds the normal one, only wider.
func LimitTestLevel(level float64) float64 { return 1 - (1-level)/10 }

// Decide returns the method for the draws of a fitted model, given how
// its fit went and how its limit model's went (nil when the model has
// none or its fit failed), at the intervals' level:
//
//   - a model that was not fitted (clv.NotFitted), or whose fit is at a
//     limit of its model (clv.AtBoundary: it is its own limit model,
//     whose draws are conditional on the limit): MethodNormal;
//   - without a limit model (one need not be fitted for MethodNormal
//     asked for), or with log-likelihoods that are not numbers:
//     MethodNormal;
//   - MethodAuto: MethodMixture when LR = 2(ℓ_fit − ℓ_limit) is below
//     LimitCritical(LimitTestLevel(level)), i.e. the limit is not
//     rejected by a test of size (1−level)/10, MethodNormal otherwise;
//   - MethodNormal and MethodMixture are kept as asked (MethodMixture
//     still needs a limit model).
//
// A level of 0 means 0.9; an invalid asked method is treated as
// MethodAuto.
func Decide(asked Method, level float64, fit clv.FitInfo, limit *clv.FitInfo) Decision {
	if asked < MethodAuto || asked > MethodMixture {
		asked = MethodAuto
	}
	d := Decision{Asked: asked, Method: MethodNormal, LR: math.NaN(), Critical: math.NaN()}
	if level == 0 {
		level = 0.9
	}
	switch {
	case fit.Status == clv.NotFitted:
		d.Reason = "the model was not fitted"
		return d
	case fit.Status == clv.AtBoundary:
		d.Reason = "the fit is at a limit of the model: draws of its free parameters, conditional on the limit"
		return d
	case limit == nil && asked == MethodNormal:
		d.Reason = "asked for"
		return d
	case limit == nil:
		d.Reason = "the model has no limit model to test"
		return d
	}
	d.LR = max(0, 2*(fit.LogLikelihood-limit.LogLikelihood))
	d.Critical = LimitCritical(LimitTestLevel(level))
	if math.IsNaN(d.LR) || math.IsNaN(d.Critical) {
		d.Reason = "the likelihood ratio against the limit model is not a number"
		return d
	}
	rejected := d.LR >= d.Critical
	test := fmt.Sprintf("likelihood ratio against the limit model %.3g, critical value %.3g (a test of size %.2g) for intervals at %g", d.LR, d.Critical, 1-LimitTestLevel(level), level)
	switch {
	case asked == MethodNormal:
		d.Reason = "asked for; " + test
	case asked == MethodMixture:
		d.Method, d.Reason = MethodMixture, "asked for; "+test
	case rejected:
		d.Reason = "the limit of the model is rejected: " + test
	default:
		d.Method, d.Reason = MethodMixture, "the limit of the model is not rejected ("+test+"): draws from the fit and from its limit model, the union of their intervals"
	}
	return d
}

// MixtureLevel is the level of the quantile band of MethodMixture's
// draws for intervals at level: (1+level)/2, so that each interval spans
// the union of the two halves' level intervals when they are apart (see
// Method).
func MixtureLevel(level float64) float64 { return (1 + level) / 2 }
