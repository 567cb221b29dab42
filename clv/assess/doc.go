// Package assess checks fitted purchase models against data, beside clv as
// image/draw sits beside image: how well a model fits and predicts, and
// which of several to use.
//
// EvaluateHoldout sets a model's predictions of the holdout period's
// purchases beside what the customers did, by calibration frequency (the
// table of Fader, Hardie & Lee 2005), and beside a least-squares baseline;
// CompareModels scores candidates fitted to the same customers by AIC and
// BIC and chooses one, by holdout error when there is a holdout period and
// by BIC otherwise. ExpectedCumulativeRepeats gives the tracking curve
// (the repeat purchases a model expects a customer base to have made by
// each time, to set beside clv.Summary.Repeats) and
// ExpectedFrequencyCounts the calibration-period histogram of repeat
// purchases a model expects. The functions take models through clv's
// capability interfaces (clv.PurchaseModel, clv.FittedModel,
// clv.NewCustomerModel, clv.UnconditionalPMF), so they work with any model.
package assess
