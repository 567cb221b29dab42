package forecast

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv/interval"
)

// TestIntervalMethodJSONNotFitted: a purchase model that was not fitted
// (bgnbd.New) has a limit model fitted but no test (Decide: NaN), and its
// IntervalMethod must still encode: before, LR and Critical pointed at
// NaN and json.Marshal failed.
func TestIntervalMethodJSONNotFitted(t *testing.T) {
	p := bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	T := make([]float64, 500)
	for i := range T {
		T[i] = 20 + float64(i%20)
	}
	cs, err := p.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := bgnbd.New(p)
	if err != nil {
		t.Fatal(err)
	}
	im, err := chooseIntervalMethod(context.Background(), interval.MethodAuto, 0.9, "bgnbd", pm, cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if im.Method != interval.MethodNormal || im.LR != nil || im.Critical != nil {
		t.Errorf("not fitted: %v, LR %v, critical %v; want normal, no test", im.Method, im.LR, im.Critical)
	}
	if _, err := json.Marshal(im); err != nil {
		t.Errorf("json.Marshal: %v", err)
	}
}
