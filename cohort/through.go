package cohort

import "math"

// Through returns t extended with the months after its last up to m: each
// cohort's Months and the KPIs gain zero months (no active customer, no
// order, no revenue), as when the end of observation is months after the
// log's last order. In an added month the cumulative figures (Customers,
// Repeat, RepeatPurchaseRate) stay at the last month's, AverageOrderValue
// is NaN, Retained12 is 0 and Retention12 is 0 (NaN where the month
// twelve months before has no active customer or is before the first).
// t itself is not changed; t is returned as it is when m is not after its
// last month or t is empty.
func (t Table) Through(m Month) Table {
	if len(t.KPIs) == 0 {
		return t
	}
	last := t.KPIs[len(t.KPIs)-1]
	add := int(m) - int(last.Month)
	if add <= 0 {
		return t
	}
	out := Table{Cohorts: make([]Cohort, len(t.Cohorts)), KPIs: make([]KPI, len(t.KPIs), len(t.KPIs)+add)}
	for i, c := range t.Cohorts {
		c.Months = append(c.Months[:len(c.Months):len(c.Months)], make([]Cell, add)...)
		out.Cohorts[i] = c
	}
	copy(out.KPIs, t.KPIs)
	for k := 1; k <= add; k++ {
		i := len(out.KPIs)
		kpi := KPI{Month: last.Month + Month(k), AverageOrderValue: math.NaN(), Customers: last.Customers, Repeat: last.Repeat,
			RepeatPurchaseRate: last.RepeatPurchaseRate, Retention12: math.NaN()}
		if i >= 12 && out.KPIs[i-12].Active > 0 {
			kpi.Retention12 = 0
		}
		out.KPIs = append(out.KPIs, kpi)
	}
	return out
}
