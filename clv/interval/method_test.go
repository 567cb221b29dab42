package interval_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
)

func TestParseMethod(t *testing.T) {
	for _, m := range []interval.Method{interval.MethodAuto, interval.MethodNormal, interval.MethodMixture} {
		got, err := interval.ParseMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m.String(), got, err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back interval.Method
		if err := json.Unmarshal(b, &back); err != nil || back != m {
			t.Errorf("%v through JSON %s: %v, %v", m, b, back, err)
		}
	}
	if m, err := interval.ParseMethod(""); err != nil || m != interval.MethodAuto {
		t.Errorf(`ParseMethod("") = %v, %v; want auto`, m, err)
	}
	for _, s := range []string{"bootstrap", "Normal", " auto"} {
		if _, err := interval.ParseMethod(s); err == nil {
			t.Errorf("ParseMethod(%q): no error", s)
		}
	}
	if _, err := json.Marshal(interval.Method(7)); err == nil {
		t.Error("an invalid Method marshalled")
	}
	if s := interval.Method(-1).String(); s != "Method(-1)" {
		t.Errorf("String of an invalid method: %q", s)
	}
}

// TestLimitCritical: the χ²₁ quantiles at 2·level − 1 (published tables:
// 1.642 at 0.8, 2.706 at 0.9, 5.412 at 0.98).
func TestLimitCritical(t *testing.T) {
	for _, c := range []struct{ level, want float64 }{{0.9, 1.6424}, {0.95, 2.7055}, {0.99, 5.4119}, {0.5, 0}, {0.2, 0}} {
		if got := interval.LimitCritical(c.level); math.Abs(got-c.want) > 1e-4 {
			t.Errorf("LimitCritical(%v) = %v, want %v", c.level, got, c.want)
		}
	}
	if got := interval.LimitCritical(1); !math.IsInf(got, 1) {
		t.Errorf("LimitCritical(1) = %v", got)
	}
	if got := interval.LimitCritical(math.NaN()); got != 0 {
		t.Errorf("LimitCritical(NaN) = %v", got)
	}
}

func TestDecide(t *testing.T) {
	fit := clv.FitInfo{Status: clv.Converged, LogLikelihood: -1000}
	near := &clv.FitInfo{Status: clv.AtBoundary, LogLikelihood: -1000.5} // LR 1 < 5.41
	far := &clv.FitInfo{Status: clv.AtBoundary, LogLikelihood: -1003}    // LR 6 ≥ 5.41
	for _, c := range []struct {
		asked  interval.Method
		fit    clv.FitInfo
		limit  *clv.FitInfo
		want   interval.Method
		lr     float64
		reason string
	}{
		{interval.MethodAuto, fit, near, interval.MethodMixture, 1, "not rejected"},
		{interval.MethodAuto, fit, far, interval.MethodNormal, 6, "rejected"},
		// LR 2: rejected at the intervals' level (1.64), not by the
		// test of size 1% that Decide makes for 90% intervals.
		{interval.MethodAuto, fit, &clv.FitInfo{Status: clv.AtBoundary, LogLikelihood: -1001}, interval.MethodMixture, 2, "not rejected"},
		{interval.MethodNormal, fit, near, interval.MethodNormal, 1, "asked"},
		{interval.MethodMixture, fit, far, interval.MethodMixture, 6, "asked"},
		{interval.MethodAuto, fit, nil, interval.MethodNormal, math.NaN(), "no limit"},
		{interval.MethodNormal, fit, nil, interval.MethodNormal, math.NaN(), "asked for"},
		{interval.MethodAuto, *near, nil, interval.MethodNormal, math.NaN(), "at a limit"},
		{interval.MethodAuto, clv.FitInfo{}, near, interval.MethodNormal, math.NaN(), "not fitted"},
		{interval.MethodAuto, clv.FitInfo{Status: clv.Converged, LogLikelihood: math.NaN()}, near, interval.MethodNormal, math.NaN(), "not a number"},
		{interval.Method(9), fit, near, interval.MethodMixture, 1, "not rejected"},
		// A limit fitted higher than the fit (a fit short of its optimum): LR 0.
		{interval.MethodAuto, fit, &clv.FitInfo{Status: clv.AtBoundary, LogLikelihood: -999}, interval.MethodMixture, 0, "not rejected"},
	} {
		d := interval.Decide(c.asked, 0.9, c.fit, c.limit)
		if d.Method != c.want || !(d.LR == c.lr || math.IsNaN(d.LR) && math.IsNaN(c.lr)) || !strings.Contains(d.Reason, c.reason) {
			t.Errorf("Decide(%v, %v, %v) = %+v; want %v, LR %v, a reason with %q", c.asked, c.fit, c.limit, d, c.want, c.lr, c.reason)
		}
	}
	// The level sets the critical value: at 90% the χ²₁ quantile at
	// 0.98 (5.4119), at 95% at 0.99 (6.6349), where LR 6 is not rejected.
	if d := interval.Decide(interval.MethodAuto, 0.9, fit, far); math.Abs(d.Critical-5.4119) > 1e-4 {
		t.Errorf("at 90%%: %+v", d)
	}
	if d := interval.Decide(interval.MethodAuto, 0.95, fit, far); d.Method != interval.MethodMixture || math.Abs(d.Critical-6.6349) > 1e-4 {
		t.Errorf("at 95%%: %+v", d)
	}
}

// TestLimitTestLevel: a tenth of the intervals' miss rate.
func TestLimitTestLevel(t *testing.T) {
	for _, c := range []struct{ level, want float64 }{{0.9, 0.99}, {0.95, 0.995}, {0.8, 0.98}} {
		if got := interval.LimitTestLevel(c.level); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("LimitTestLevel(%v) = %v, want %v", c.level, got, c.want)
		}
	}
}
