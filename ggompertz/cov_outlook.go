package ggompertz

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/model"
)

// Outlook returns the clv.Outlook of a customer with covariate vector z:
// Model.Outlook of the customer's model, Customer(z), the plain model at
// the parameters CovParams.At(z) (r, α·exp(−γ_trans·z), b, s,
// β·exp(−γ_life·z)). A customer of a covariate model is that plain model,
// so every answer of a clv.NextPurchaseModel is the plain model's: the
// probabilities of a purchase within the window and the horizon, of being
// alive at the horizon's end, the percentiles of the time to the next
// purchase and the posterior mean purchase rate (answers.go). An invalid
// customer, z or options, or the zero CovModel, give NaN in every field.
func (m *CovModel) Outlook(c clv.Customer, z []float64, opts clv.OutlookOptions) clv.Outlook {
	if m == nil || m.p.Names == nil {
		return cov.NaNOutlook()
	}
	cm, err := m.Customer(z)
	if err != nil {
		return cov.NaNOutlook()
	}
	return cm.Outlook(c, opts)
}

// OutlookAll returns Outlook(cs[i], z.Values[i], opts) of every customer,
// computed once per distinct (covariate vector, frequency, recency, T)
// on all cores, each vector's distinct rows with Model.OutlookRows (which
// computes the integrals of equal (x, T) once). An invalid customer,
// vector or options is an error naming it, as is a customer without an
// outlook.
func (m *CovModel) OutlookAll(cs []clv.Customer, z clv.Covariates, opts clv.OutlookOptions) ([]clv.Outlook, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("ggompertz: %w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	valid := func(c clv.Customer) bool { return model.ValidCustomer(&c) }
	return cov.OutlookAll("ggompertz", m.p.Names, cs, z, opts, valid, m.Customer)
}
