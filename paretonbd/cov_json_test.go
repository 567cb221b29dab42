package paretonbd_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestCovariatesJSON: a fitted model, with a coefficient held at 0, reads
// back from its JSON with the same parameters, standard errors,
// covariance, fit information and predictions; broken JSON is refused.
func TestCovariatesJSON(t *testing.T) {
	a := reftest.LoadApparel(t)
	m, err := paretonbd.FitCovariates(context.Background(), a.Customers, a.Covariates, paretonbd.CovFitOptions{NoPurchase: []string{"Gender"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back paretonbd.CovModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	se1, _ := m.StdErrors()
	se2, ok := back.StdErrors()
	c1, _ := m.Covariance()
	c2, _ := back.Covariance()
	if !ok || !reflect.DeepEqual(back.Params(), m.Params()) || !reflect.DeepEqual(se1, se2) || !reflect.DeepEqual(c1, c2) || back.FitInfo() != m.FitInfo() {
		t.Errorf("round trip of %s:\n%v\n%v", b, &back, m)
	}
	e1, _ := m.Effects(0.9)
	e2, _ := back.Effects(0.9)
	if len(e1) != 3 || len(e2) != 3 {
		t.Errorf("effects %v, read back %v", e1, e2)
	}
	for i, c := range a.Customers[:40] {
		z := a.Covariates.Values[i]
		if m.DERT(c, z, 0.01) != back.DERT(c, z, 0.01) {
			t.Fatalf("customer %s: DERT differs after the round trip", c.ID)
		}
	}
	for _, bad := range []string{
		`{"model":"paretonbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1e13},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g","g"],"trans":[0,0],"life":[0,0]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[1],"life":[0],"no_purchase":["g"]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"no_dropout":["h"]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"std_errors":{"params":{"r":1,"alpha":1,"s":1,"beta":-1},"trans":[1],"life":[1]}}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"std_errors":{"params":{"r":1,"alpha":1,"s":1,"beta":1},"trans":[1],"life":[]}}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"covariance":[[1,0],[0,1]]}`,
		`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"fit":{"status":"not_fitted"}}`,
		`{"model":"paretonbd_covariates"`,
	} {
		var m paretonbd.CovModel
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	var zero paretonbd.CovModel
	if _, err := json.Marshal(&zero); err == nil {
		t.Error("zero model: no error")
	}
}

// FuzzCovariatesUnmarshalJSON: a model read from any JSON either fails
// with an error or predicts, at any z of its size, NaN (a customer's
// parameters outside the range of accurate predictions) or numbers in
// range, and writes back JSON that reads to the same parameters.
func FuzzCovariatesUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"paretonbd_covariates","params":{"r":1.8,"alpha":93,"s":0.59,"beta":49.5},"covariates":["Gender","Channel"],"trans":[0.29,0.62],"life":[-0.64,0.79]}`, 1.0, 0.0)
	f.Add(`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1e12,"s":1,"beta":1},"covariates":["g"],"trans":[-30],"life":[700]}`, 1.0, -1.0)
	f.Add(`{"model":"paretonbd_covariates","params":{"r":1,"alpha":1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0],"covariance":[[1,0,0,0,0,0],[0,1,0,0,0,0],[0,0,1,0,0,0],[0,0,0,1,0,0],[0,0,0,0,1,0],[0,0,0,0,0,1]],"fit":{"status":"converged","n_params":6}}`, 0.5, 2.0)
	f.Fuzz(func(t *testing.T, in string, z1, z2 float64) {
		var m paretonbd.CovModel
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
			if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%+v z %v %+v: P(alive) = %v, E = %v", p, z, c, pa, e)
			}
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back paretonbd.CovModel
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.Params(), p) {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}
