package sbg_test

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/sbg"
)

type reference struct {
	SBG struct {
		Segments map[string]struct {
			Survivors []float64 `json:"survivors"`
			FitYears  int       `json:"fit_years"`
			Alpha     float64   `json:"alpha"`
			Beta      float64   `json:"beta"`
			LL        float64   `json:"log_likelihood"`
			Survival  []float64 `json:"survival_0_12"`
			Retention []float64 `json:"retention_rate_1_12"`
			DEL       struct {
				Sum float64 `json:"sum"`
			} `json:"DEL_d0.10"`
			DERL map[string]struct {
				Sum float64 `json:"sum"`
			} `json:"DERL_d0.10_by_renewals"`
		} `json:"segments"`
	} `json:"sbg_fader_hardie_2007"`
}

func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }

// TestFaderHardie2007 fits the two cohorts of Fader & Hardie (2007) on
// years 0..7, as the paper does (published α/β: regular 0.704/1.182, high
// end 0.668/3.806), and checks every reference value: parameters 1e-4,
// LL 1e-3, S(t) for t = 0..12, retention rates, DEL and DERL at d = 0.10
// to 1e-9 relative.
func TestFaderHardie2007(t *testing.T) {
	b, err := os.ReadFile(datasets.Reference(t, "contractual_discrete_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	published := map[string][2]float64{"regular": {0.704, 1.182}, "highend": {0.668, 3.806}}
	for name, seg := range ref.SBG.Segments {
		rs, err := sbg.CohortRecords(seg.Survivors[:seg.FitYears+1])
		if err != nil {
			t.Fatal(err)
		}
		m, err := sbg.Fit(rs, sbg.FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := m.Params()
		if relErr(p.Alpha, seg.Alpha) > 1e-4 || relErr(p.Beta, seg.Beta) > 1e-4 || math.Abs(m.LogLikelihood()-seg.LL) > 1e-3 {
			t.Errorf("%s: %v, reference α=%v β=%v LL=%v", name, m, seg.Alpha, seg.Beta, seg.LL)
		}
		if pub := published[name]; math.Abs(p.Alpha-pub[0]) > 5e-4 || math.Abs(p.Beta-pub[1]) > 5e-4 {
			t.Errorf("%s: α=%.4f β=%.4f, published %v", name, p.Alpha, p.Beta, pub)
		}
		at, _ := sbg.New(sbg.Params{Alpha: seg.Alpha, Beta: seg.Beta, C: 1})
		check := func(what string, got, want float64) {
			t.Helper()
			if e := relErr(got, want); !(e <= 1e-9) {
				t.Errorf("%s %s = %.15g, reference %.15g (rel. error %.2g)", name, what, got, want, e)
			}
		}
		for tt, want := range seg.Survival {
			check("S("+strconv.Itoa(tt)+")", at.Survival(tt), want)
		}
		for i, want := range seg.Retention {
			check("r("+strconv.Itoa(i+1)+")", at.RetentionRate(i+1), want)
		}
		check("DEL(0.10)", at.DEL(0.10), seg.DEL.Sum)
		for k, v := range seg.DERL {
			n, _ := strconv.Atoi(k)
			check("DERL(0.10|"+k+")", at.DERL(0.10, n), v.Sum)
		}
		// The holdout years 8..12: the sBG projects the survivors within a
		// few percent (Fader & Hardie 2007, Figure 3); the BdW, with one
		// more parameter, is compared beside it.
		errS, err := m.ProjectionError(seg.Survivors, seg.FitYears+1)
		if err != nil {
			t.Fatal(err)
		}
		bm, err := sbg.Fit(rs, sbg.FitOptions{DurationDependence: true})
		if err != nil {
			t.Fatal(err)
		}
		errB, _ := bm.ProjectionError(seg.Survivors, seg.FitYears+1)
		if errS > 0.05 {
			t.Errorf("%s: sBG projection error over years 8..12: %.1f%%", name, 100*errS)
		}
		t.Logf("%s: %v, holdout error %.2f%%; %v (AIC %.1f vs %.1f), holdout error %.2f%%", name, m, 100*errS,
			bm, bm.FitInfo().AIC(), m.FitInfo().AIC(), 100*errB)
	}
}
