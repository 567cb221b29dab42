package clv

// OutlooksOf returns Outlooks of one row per customer, customer i's
// outlook rows[i] (Distinct() = Len(), Index(i) = i): for models whose
// outlooks depend on more than frequency, recency and T (a covariate path
// per customer), computed customer by customer. rows is used, not copied.
func OutlooksOf(rows []Outlook) *Outlooks {
	slot := make([]int32, len(rows))
	for i := range slot {
		slot[i] = int32(i)
	}
	return &Outlooks{rows: rows, slot: slot}
}
