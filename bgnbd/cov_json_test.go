package bgnbd_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestCovariatesJSON: fitted models — the apparel BG/NBD at its boundary
// (no standard errors) and an MBG/NBD with a coefficient held at 0 — read
// back from their JSON with the same variant, parameters, standard
// errors, fit information and predictions; broken JSON is refused.
func TestCovariatesJSON(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx := context.Background()
	bg, _ := bgnbd.FitCovariates(ctx, a.Customers, a.Covariates, bgnbd.CovFitOptions{})
	mbg, err := bgnbd.FitCovariates(ctx, a.Customers, a.Covariates, bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD, NoDropout: []string{"Gender"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*bgnbd.CovModel{bg, mbg} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back bgnbd.CovModel
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		se1, ok1 := m.StdErrors()
		se2, ok2 := back.StdErrors()
		if back.Variant() != m.Variant() || !reflect.DeepEqual(back.Params(), m.Params()) || ok1 != ok2 || !reflect.DeepEqual(se1, se2) || back.FitInfo() != m.FitInfo() {
			t.Errorf("round trip of %s:\n%v\n%v", b, &back, m)
		}
		for i, c := range a.Customers[:40] {
			z := a.Covariates.Values[i]
			if m.ConditionalExpectedPurchases(c, z, 52) != back.ConditionalExpectedPurchases(c, z, 52) {
				t.Fatalf("customer %s: expectation differs after the round trip", c.ID)
			}
		}
	}
	for _, bad := range []string{
		`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"bgnbd_covariates","params":{"r":1,"alpha":1e-3,"a":1,"b":1},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"mbgnbd_covariates","params":{"r":1,"alpha":1,"a":1,"b":1},"covariates":[],"trans":[],"life":[]}`,
		`{"model":"bgnbd_covariates","params":{"r":1,"alpha":1,"a":1,"b":1},"covariates":["g"],"trans":[0],"life":[2],"no_dropout":["g"]}`,
	} {
		var m bgnbd.CovModel
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// FuzzCovariatesUnmarshalJSON: a model read from any JSON either fails
// with an error or predicts, at any z of its size, NaN (a customer's
// parameters outside the range of accurate predictions, or the corner
// r ≫ a+b) or numbers in range, and writes back JSON that reads to the
// same parameters.
func FuzzCovariatesUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"bgnbd_covariates","params":{"r":0.67,"alpha":38,"a":4571,"b":33748},"covariates":["Gender","Channel"],"trans":[0.46,0.57],"life":[-1.39,-7.77]}`, 1.0, 1.0)
	f.Add(`{"model":"mbgnbd_covariates","params":{"r":1,"alpha":1e12,"a":1,"b":1},"covariates":["g"],"trans":[-30],"life":[700]}`, 1.0, -1.0)
	f.Fuzz(func(t *testing.T, in string, z1, z2 float64) {
		var m bgnbd.CovModel
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		z := []float64{z1, z2}[:min(2, len(p.Names))]
		if len(p.Names) > 2 {
			z = make([]float64, len(p.Names))
		}
		for _, c := range []clv.Customer{{}, {T: 39}, {Frequency: 2, Recency: 30, T: 39}} {
			pa, e := m.ProbabilityAlive(c, z), m.ConditionalExpectedPurchases(c, z, 52)
			if math.IsNaN(pa) {
				if _, err := m.Customer(z); err == nil {
					t.Fatalf("%+v z %v: P(alive) NaN for a valid customer model", p, z)
				}
				continue
			}
			if !(pa >= 0 && pa <= 1) || !(e >= 0 || math.IsNaN(e)) || math.IsInf(e, 0) {
				t.Fatalf("%+v z %v %+v: P(alive) = %v, E = %v", p, z, c, pa, e)
			}
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back bgnbd.CovModel
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.Params(), p) || back.Variant() != m.Variant() {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}
