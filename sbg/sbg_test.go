package sbg_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/sbg"
	"gonum.org/v1/gonum/mathext"
)

// cohorts simulates 100,000 subscribers in four cohorts observed for 4, 6,
// 9 and 12 periods (later cohorts are observed for less time).
func cohorts(t *testing.T, p sbg.Params, seed uint64) []sbg.Record {
	t.Helper()
	var rs []sbg.Record
	for i, periods := range []int{12, 9, 6, 4} {
		r, err := p.SimulateCohort(rand.NewPCG(seed, uint64(i)), 25000, periods)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r...)
	}
	return rs
}

// TestRecovery: parameters come back within 5% from 100,000 censored
// subscribers, for the sBG and the BdW.
func TestRecovery(t *testing.T) {
	for i, tc := range []struct {
		p   sbg.Params
		bdw bool
	}{
		{sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1}, false},
		{sbg.Params{Alpha: 0.67, Beta: 3.8, C: 1}, false},
		{sbg.Params{Alpha: 2, Beta: 5, C: 1}, false},
		{sbg.Params{Alpha: 1.5, Beta: 4, C: 0.6}, true},
		{sbg.Params{Alpha: 1, Beta: 2, C: 1.4}, true},
	} {
		m, err := sbg.Fit(cohorts(t, tc.p, uint64(i)), sbg.FitOptions{DurationDependence: tc.bdw})
		if err != nil {
			t.Fatal(err)
		}
		got := m.Params()
		for _, v := range [][2]float64{{got.Alpha, tc.p.Alpha}, {got.Beta, tc.p.Beta}, {got.C, tc.p.C}} {
			if relErr(v[0], v[1]) > 0.05 {
				t.Errorf("truth %+v: fitted %v", tc.p, m)
			}
		}
		se, ok := m.StdErrors()
		if !ok || (!tc.bdw && se.C != 0) || m.FitInfo().NumParams != 2+btoi(tc.bdw) || m.FitInfo().Customers != 100000 {
			t.Errorf("%v: std errors %+v, fit %+v", m, se, m.FitInfo())
		}
		t.Logf("truth %+v: %v", tc.p, m)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestProperties: S decreases from 1, the sBG retention rate rises, the
// cancellation probabilities sum to 1, and DEL is the hypergeometric
// closed form.
func TestProperties(t *testing.T) {
	for _, p := range []sbg.Params{{Alpha: 0.7, Beta: 1.2, C: 1}, {Alpha: 3, Beta: 2, C: 1}, {Alpha: 1.5, Beta: 4, C: 0.6}, {Alpha: 1, Beta: 2, C: 1.6}} {
		m, _ := sbg.New(p)
		if m.Survival(0) != 1 {
			t.Errorf("%+v: S(0) = %v", p, m.Survival(0))
		}
		sum := 0.0
		for tt := 1; tt <= 200000; tt++ {
			s0, s1 := m.Survival(tt-1), m.Survival(tt)
			if !(s1 < s0) {
				t.Fatalf("%+v: S(%d) = %v ≥ S(%d) = %v", p, tt, s1, tt-1, s0)
			}
			sum += s0 - s1
			if p.C == 1 && tt > 1 && tt < 1e5 && !(m.RetentionRate(tt) > m.RetentionRate(tt-1)) {
				t.Fatalf("%+v: retention falls at %d", p, tt)
			}
		}
		if tail := m.Survival(200000); math.Abs(sum+tail-1) > 1e-12 || (p.Alpha > 1 && tail > 1e-3) {
			t.Errorf("%+v: Σ P(T=t) = %v, tail %v", p, sum, tail)
		}
		if p.C == 1 {
			want := mathext.Hypergeo(1, p.Beta, p.Alpha+p.Beta, 1/1.1)
			if relErr(m.DEL(0.1), want) > 1e-10 {
				t.Errorf("%+v: DEL %v, 2F1 %v", p, m.DEL(0.1), want)
			}
			n := 3.0
			want = (p.Beta + n) / (p.Alpha + p.Beta + n) * mathext.Hypergeo(1, p.Beta+n+1, p.Alpha+p.Beta+n+1, 1/1.1)
			if relErr(m.DERL(0.1, 3), want) > 1e-10 {
				t.Errorf("%+v: DERL %v, 2F1 %v", p, m.DERL(0.1, 3), want)
			}
		}
	}
	m, _ := sbg.New(sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1})
	if !math.IsInf(m.DEL(0), 1) {
		t.Errorf("undiscounted lifetime with α < 1: %v", m.DEL(0))
	}
	if _, err := m.LifetimeValue(10, 0, 2); err == nil {
		t.Error("infinite value accepted")
	}
	m2, _ := sbg.New(sbg.Params{Alpha: 3, Beta: 2, C: 1})
	if got, want := m2.DEL(0), (3.0+2-1)/(3-1); relErr(got, want) > 1e-9 {
		t.Errorf("expected lifetime %v, want (α+β−1)/(α−1) = %v", got, want)
	}
}

// TestErrors: bad input is an error or NaN, never a panic.
func TestErrors(t *testing.T) {
	for _, rs := range [][]sbg.Record{nil, {{Renewals: -1, Count: 1}}, {{Renewals: 1, Count: math.NaN()}}, {{Renewals: 3, Count: 10}}} {
		if _, err := sbg.Fit(rs, sbg.FitOptions{}); err == nil {
			t.Errorf("%v: no error", rs)
		}
	}
	if _, err := sbg.Fit([]sbg.Record{{Renewals: 3, Count: 10}}, sbg.FitOptions{}); !errorsIs(err, clv.ErrNotIdentified) {
		t.Errorf("no cancellations: %v", err)
	}
	if _, err := sbg.CohortRecords([]float64{100, 120}); err == nil {
		t.Error("increasing survivors accepted")
	}
	var zero sbg.Model
	if !math.IsNaN(zero.Survival(1)) || !math.IsNaN(zero.DEL(0.1)) {
		t.Error("zero Model scores")
	}
	if _, err := (sbg.Params{}).SimulateCohort(nil, 1, 1); err == nil {
		t.Error("invalid simulation accepted")
	}
}

// BenchmarkFit1e7 fits the sBG to 10⁷ subscribers given one record each
// (the worst case: nothing compressed beforehand).
func BenchmarkFit1e7(b *testing.B) {
	grouped, err := sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1}.SimulateCohort(rand.NewPCG(1, 2), 10_000_000, 12)
	if err != nil {
		b.Fatal(err)
	}
	rs := make([]sbg.Record, 0, 10_000_000)
	for _, r := range grouped {
		for range int(r.Count) {
			rs = append(rs, sbg.Record{Renewals: r.Renewals, Churned: r.Churned, Count: 1})
		}
	}
	for b.Loop() {
		if _, err := sbg.Fit(rs, sbg.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzUnmarshalJSON: a model read from any JSON either fails with an
// error or holds valid parameters consistent with its kind (an sBG model
// has c = 1), predicts survival and churn in [0, 1] and finite DEL and
// DERL, and writes back JSON that reads to the same model.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"sbg","params":{"alpha":0.7,"beta":1.2,"c":1}}`)
	f.Add(`{"model":"bdw","params":{"alpha":0.7,"beta":1.2,"c":0.8}}`)
	f.Add(`{"model":"sbg","params":{"alpha":0.7,"beta":1.2,"c":0.8}}`)
	f.Add(`{"model":"bdw","params":{"alpha":0.7,"beta":1.2,"c":1}}`)
	f.Add(`{"model":"sbg","params":{"alpha":-1,"beta":1.2,"c":1}}`)
	f.Add(`{"model":"sbg","params":{"alpha":0.7,"beta":1.2}}`)
	f.Add(`{"model":"bdw","params":{"alpha":7.04,"beta":192.6,"c":7.95}}`)
	f.Add(`{"model":"bdw","params":{"alpha":1e-7,"beta":1e7,"c":10}}`)
	f.Add(`{"model":"bdw","params":{"alpha":0.7,"beta":1.2,"c":1e308}}`)
	f.Add(`{"model":"sbg","params":{"alpha":0.7,"beta":1.2},"log_covariance":[[1,0],[0,1]],"fit":{"status":"converged","n_params":2}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var m sbg.Model
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		if err := p.Validate(); err != nil || (m.Name() == "sBG" && p.C != 1) {
			t.Fatalf("read %s %+v from %s", m.Name(), p, in)
		}
		for _, k := range []int{0, 1, 12, 100} {
			if s := m.Survival(k); !(s >= 0 && s <= 1) {
				t.Fatalf("%s %+v: S(%d) = %v", m.Name(), p, k, s)
			}
			if c := m.ChurnNext(k); !(c >= 0 && c <= 1) {
				t.Fatalf("%s %+v: ChurnNext(%d) = %v", m.Name(), p, k, c)
			}
			if d := m.DERL(0.01, k); !(d >= 0) || math.IsInf(d, 0) {
				t.Fatalf("%s %+v: DERL(0.01, %d) = %v", m.Name(), p, k, d)
			}
		}
		if d := m.DEL(0.01); !(d >= 0) || math.IsInf(d, 0) {
			t.Fatalf("%s %+v: DEL(0.01) = %v", m.Name(), p, d)
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("writing back: %v", err)
		}
		var back sbg.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != p || back.Name() != m.Name() {
			t.Fatalf("round trip of %s: %s %+v, %v", b, back.Name(), back.Params(), err)
		}
	})
}

// TestJSONWithoutC: an "sbg" model written without c reads with c = 1; a
// "bdw" model without c, or with c ≤ 0, is an error.
func TestJSONWithoutC(t *testing.T) {
	var m sbg.Model
	if err := json.Unmarshal([]byte(`{"model":"sbg","params":{"alpha":0.7,"beta":1.2}}`), &m); err != nil {
		t.Fatal(err)
	}
	if p := m.Params(); p.Alpha != 0.7 || p.Beta != 1.2 || p.C != 1 || m.Name() != "sBG" {
		t.Errorf("read %s %+v", m.Name(), p)
	}
	for _, in := range []string{`{"model":"bdw","params":{"alpha":0.7,"beta":1.2}}`, `{"model":"bdw","params":{"alpha":0.7,"beta":1.2,"c":0}}`} {
		var b sbg.Model
		if err := json.Unmarshal([]byte(in), &b); err == nil {
			t.Errorf("%s: read %+v", in, b.Params())
		}
	}
}
