// Package segment turns customer summaries and forecasts into groups a
// business can act on: RFM scores and named segments (Champions, At Risk,
// Lost, ...), churn-risk tiers from P(alive), value tiers from predicted
// lifetime value, a suggested action for each combination, and a summary
// per segment.
//
// The functions work on a gota DataFrame (github.com/go-gota/gota), the
// table type of Go's data teams; internally they convert the columns they
// need to slices once, so the work is plain arithmetic. Columns are named
// by the constants below; a frame with other names is read through
// Columns.
package segment

// Column names used and produced by this package.
const (
	ColID            = "customer_id"
	ColFrequency     = "frequency"
	ColRecency       = "recency"
	ColT             = "T"
	ColMonetaryValue = "monetary_value"

	ColRScore   = "r_score"   // 1..k, more recent purchase scores higher
	ColFScore   = "f_score"   // 1..k, more repeat purchases score higher
	ColMScore   = "m_score"   // 1..k, higher mean value scores higher
	ColRFMScore = "rfm_score" // the three scores as digits, e.g. "545"
	ColSegment  = "segment"   // named segment

	ColPAlive    = "p_alive"    // P(alive) from a purchase model
	ColCLV       = "clv"        // predicted lifetime value
	ColChurnTier = "churn_tier" // from P(alive)
	ColValueTier = "value_tier" // from CLV
	ColAction    = "action"     // suggested action for churn tier × value tier
)
