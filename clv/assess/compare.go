package assess

import (
	"errors"
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/clv"
)

// A Candidate is one fitted purchase model in a comparison.
type Candidate struct {
	Name  string // e.g. "bgnbd"
	Model interface {
		clv.PurchaseModel
		clv.FittedModel
	}
}

// ModelScore is one row of a comparison: how a candidate fits the
// calibration data and, when a holdout period is given, how well it
// predicts it.
type ModelScore struct {
	Name          string
	LogLikelihood float64
	NumParams     int
	AIC, BIC      float64
	// Holdout is the candidate's holdout evaluation (per-customer MAE and
	// RMSE, total predicted, the table by calibration frequency); nil
	// without holdout data.
	Holdout *Evaluation
	// TotalError is the predicted minus the actual total of holdout
	// purchases (0 without holdout data).
	TotalError float64
}

// Comparison is the outcome of CompareModels.
type Comparison struct {
	Scores []ModelScore // in the order of the candidates
	Chosen int          // index of the chosen candidate in Scores
	// Criterion is "holdout MAE" when holdout data was given, else "BIC".
	Criterion string
	// Reason says in one sentence which model was chosen and why.
	Reason string
}

// CompareModels scores candidate purchase models fitted to the same
// customers cal and chooses one: by the mean absolute error of holdout
// purchases per customer when hold is not nil (what a forecast is for),
// otherwise by BIC (which penalizes parameters by ln n, so an extra
// parameter must earn its keep). Ties go to the earlier candidate. cal and
// hold are parallel, as in Summary; maxFreq is the last row of the holdout
// table (7 in Fader, Hardie & Lee 2005). It is an error if the candidates
// were fitted to different numbers of customers or a fit did not converge:
// log-likelihoods are only comparable on the same data. A fit at a
// boundary (status AtBoundary: the limit model, fitted by maximum
// likelihood with its own NumParams) competes as it is.
func CompareModels(cands []Candidate, cal []clv.Customer, hold []clv.Holdout, maxFreq int) (Comparison, error) {
	if len(cands) == 0 {
		return Comparison{}, errors.New("assess: CompareModels: no candidates")
	}
	var cmp Comparison
	for i, c := range cands {
		if isNil(c.Model) {
			return Comparison{}, fmt.Errorf("assess: CompareModels: candidate %d (%q): %w", i, c.Name, clv.ErrNilModel)
		}
		info := c.Model.FitInfo()
		if info.Status != clv.Converged && info.Status != clv.AtBoundary {
			return Comparison{}, fmt.Errorf("assess: CompareModels: %s: fit status %v, want %v or %v", c.Name, info.Status, clv.Converged, clv.AtBoundary)
		}
		if n := cands[0].Model.FitInfo().Customers; info.Customers != n {
			return Comparison{}, fmt.Errorf("assess: CompareModels: %s was fitted to %d customers, %s to %d", c.Name, info.Customers, cands[0].Name, n)
		}
		s := ModelScore{Name: c.Name, LogLikelihood: info.LogLikelihood, NumParams: info.NumParams, AIC: info.AIC(), BIC: info.BIC()}
		if hold != nil {
			ev, err := EvaluateHoldout(c.Model, cal, hold, maxFreq)
			if err != nil {
				return Comparison{}, fmt.Errorf("assess: CompareModels: %s: %w", c.Name, err)
			}
			s.Holdout = &ev
			s.TotalError = ev.Model.TotalPredicted - ev.TotalActual
		}
		cmp.Scores = append(cmp.Scores, s)
	}
	crit := func(s ModelScore) float64 { return s.BIC }
	cmp.Criterion = "BIC"
	if hold != nil {
		crit = func(s ModelScore) float64 { return s.Holdout.Model.MAE }
		cmp.Criterion = "holdout MAE"
	}
	for i, s := range cmp.Scores {
		if crit(s) < crit(cmp.Scores[cmp.Chosen]) {
			cmp.Chosen = i
		}
	}
	best := cmp.Scores[cmp.Chosen]
	var others []string
	for i, s := range cmp.Scores {
		if i != cmp.Chosen {
			others = append(others, fmt.Sprintf("%s %.6g", s.Name, crit(s)))
		}
	}
	cmp.Reason = fmt.Sprintf("%s has the lowest %s (%.6g", best.Name, cmp.Criterion, crit(best))
	if len(others) > 0 {
		cmp.Reason += "; " + strings.Join(others, ", ")
	}
	cmp.Reason += ")"
	if hold == nil {
		cmp.Reason += "; no holdout period was given, so the choice rests on how well each model fits the data alone"
	}
	return cmp, nil
}
