package clv_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

func TestFitInfo(t *testing.T) {
	f := clv.FitInfo{Status: clv.Converged, LogLikelihood: -100, NumParams: 4, Customers: 1000}
	if f.AIC() != 208 || math.Abs(f.BIC()-(200+4*math.Log(1000))) > 1e-12 {
		t.Errorf("AIC %v, BIC %v", f.AIC(), f.BIC())
	}
	if !math.IsNaN((clv.FitInfo{}).AIC()) || !math.IsNaN((clv.FitInfo{}).BIC()) {
		t.Error("criteria of an unfitted model are not NaN")
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back clv.FitInfo
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip %s: %+v, %v", b, back, err)
	}
	for _, bad := range []clv.FitInfo{{Status: 7}, {Customers: -1}, {LogLikelihood: math.NaN()}, {Penalizer: -1}, {GradNorm: math.NaN()}} {
		if bad.Check() == nil {
			t.Errorf("%+v passes Check", bad)
		}
	}
	if _, err := json.Marshal(clv.FitInfo{Status: 9}); err == nil {
		t.Error("invalid status encoded")
	}
	if err := json.Unmarshal([]byte(`{"status":"done"}`), &back); err == nil {
		t.Error("unknown status decoded")
	}
	if clv.NotConverged.String() != "not_converged" || clv.AtBoundary.String() != "boundary" || clv.FitStatus(9).String() != "FitStatus(9)" {
		t.Error("FitStatus.String")
	}
	var st clv.FitStatus
	if err := json.Unmarshal([]byte(`"boundary"`), &st); err != nil || st != clv.AtBoundary {
		t.Errorf("boundary decoded as %v, %v", st, err)
	}
}
