package main

import (
	"fmt"
	"strings"
	"sync"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// purchaseModel is what the job needs of a purchase model; bgnbd.Model
// (either variant) and paretonbd.Model provide it.
type purchaseModel interface {
	clv.PurchaseModel
	clv.FittedModel
	clv.NewCustomerModel
	clv.UnconditionalPMF
	ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error)
	ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error)
	String() string
}

// modelNames are the purchase models -model accepts, besides "auto", in
// the order of the comparison.
var modelNames = []string{"bgnbd", "mbgnbd", "paretonbd"}

// modelTitles name the models for people.
var modelTitles = map[string]string{"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "paretonbd": "Pareto/NBD"}

func fitModel(name string, cs []clv.Customer) (purchaseModel, error) {
	switch name {
	case "bgnbd":
		return bgnbd.Fit(cs, bgnbd.FitOptions{})
	case "mbgnbd":
		return bgnbd.Fit(cs, bgnbd.FitOptions{Variant: bgnbd.MBGNBD})
	case "paretonbd":
		return paretonbd.Fit(cs, paretonbd.FitOptions{})
	}
	return nil, fmt.Errorf("-model %q: want auto, %s", name, strings.Join(modelNames, ", "))
}

// choice is the outcome of fitting and choosing the purchase model.
type choice struct {
	name       string
	pm         purchaseModel
	fitted     map[string]purchaseModel
	comparison *clv.Comparison // nil when one model was asked for
	failed     map[string]string
}

// choosePurchaseModel fits the model -model names, or with "auto" every
// candidate concurrently, compares them on the calibration data and the
// holdout (if any) and picks one (clv.CompareModels). A candidate whose
// fit fails is left out of the comparison and reported; it is an error if
// all fail.
func choosePurchaseModel(which string, cs []clv.Customer, hold []clv.Holdout, say func(string, ...any)) (*choice, error) {
	names := []string{which}
	if which == "auto" {
		names = modelNames
	}
	ch := &choice{fitted: map[string]purchaseModel{}, failed: map[string]string{}}
	models := make([]purchaseModel, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() { models[i], errs[i] = fitModel(n, cs) })
	}
	wg.Wait()
	var cands []clv.Candidate
	for i, n := range names {
		if errs[i] != nil {
			if which != "auto" {
				return nil, errs[i]
			}
			ch.failed[n] = errs[i].Error()
			say("  %s: fit failed, left out: %v", modelTitles[n], errs[i])
			continue
		}
		say("  %v", models[i])
		ch.fitted[n] = models[i]
		cands = append(cands, clv.Candidate{Name: n, Model: models[i]})
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("no purchase model could be fitted: %v", errs)
	}
	if which != "auto" {
		ch.name, ch.pm = which, models[0]
		return ch, nil
	}
	cmp, err := clv.CompareModels(cands, cs, hold, 7)
	if err != nil {
		return nil, err
	}
	ch.comparison = &cmp
	ch.name = cmp.Scores[cmp.Chosen].Name
	ch.pm = ch.fitted[ch.name]
	say("model choice: %s", cmp.Reason)
	for _, s := range cmp.Scores {
		line := fmt.Sprintf("  %-10s LL %12.2f  k %d  AIC %12.2f  BIC %12.2f", modelTitles[s.Name], s.LogLikelihood, s.NumParams, s.AIC, s.BIC)
		if s.Holdout != nil {
			line += fmt.Sprintf("  holdout MAE %.4f  RMSE %.4f  total error %+.1f", s.Holdout.Model.MAE, s.Holdout.Model.RMSE, s.TotalError)
		}
		say("%s", line)
	}
	return ch, nil
}
