package forecast

import (
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
)

// OutlookEach implements outlookEach: every customer's clv.Outlook from
// the plain model of the customer's covariate profile (a customer of a
// covariate model is that model at the customer's parameters), computed
// once per distinct (profile, frequency, recency, T)
// (predict.OutlookProfiles); nil if a profile's model gives no
// distribution of the next purchase.
func (m *covPurchase) OutlookEach(cs []clv.Customer, opts clv.OutlookOptions) (*predict.Outlooks, error) {
	nps := make([]clv.NextPurchaseModel, len(m.models))
	for g, pm := range m.models {
		np, ok := pm.(clv.NextPurchaseModel)
		if !ok {
			return nil, nil
		}
		nps[g] = np
	}
	profile := make([]int32, len(cs))
	for i, c := range cs {
		profile[i] = m.tab.slotOf(c.ID)
	}
	return predict.OutlookProfiles(nps, profile, cs, opts)
}
