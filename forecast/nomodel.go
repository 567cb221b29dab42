package forecast

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clvkit/clvkit/clv"
)

// ErrNoModel is wrapped by the error of a run in which no purchase model
// could be fitted: the one Config.Model names, or under auto every
// candidate (see NoModelError).
var ErrNoModel = errors.New("no purchase model could be fitted")

// A NoModelError is the error of a run under auto in which every
// candidate's fit failed. It names each candidate with its reason, in the
// order auto fits them (as Choice.Failed and model.json's failed_fits do
// for the candidates left out of a comparison), and unwraps to ErrNoModel
// and to every fit's error, so that errors.Is finds the reason of any of
// them (clv.ErrNotIdentified, ErrFitBudget).
type NoModelError struct {
	// Names are the candidates (ModelNames), Errs their fits' errors.
	Names []string
	Errs  []error
	// Summary is the whole observation (to the end, as a run's
	// Result.Summary), for WriteModelJSON.
	Summary *clv.Summary
	cfg     Config
}

// Error implements error: one line per candidate, its title and reason.
func (e *NoModelError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: each of the %d candidates failed:", ErrNoModel, len(e.Names))
	for i, n := range e.Names {
		fmt.Fprintf(&b, "\n  %s: %v", ModelTitle(n), e.Errs[i])
	}
	return b.String()
}

// Unwrap returns ErrNoModel and every candidate's error.
func (e *NoModelError) Unwrap() []error { return append([]error{ErrNoModel}, e.Errs...) }

// Failed returns every candidate's reason by name, as Choice.Failed.
func (e *NoModelError) Failed() map[string]string {
	m := make(map[string]string, len(e.Names))
	for i, n := range e.Names {
		m[n] = e.Errs[i].Error()
	}
	return m
}

// WriteModelJSON writes what a run's model.json would say of the data and
// of the failed fits (its data and failed_fits), with purchase_model ""
// and no models: the record a scheduled run leaves of why it produced no
// forecast.
func (e *NoModelError) WriteModelJSON(w io.Writer) error {
	if e.Summary == nil {
		return errors.New("forecast: NoModelError without the summary")
	}
	res := &Result{Config: e.cfg, Summary: e.Summary, Choice: &Choice{Fitted: map[string]PurchaseModel{}, Failed: e.Failed()}}
	return res.WriteModelJSON(w)
}
