// Package frame is package segment over gota DataFrames
// (github.com/go-gota/gota), the table type of Go's data teams: RFM scores
// and named segments (Score), churn-risk and value tiers with suggested
// actions (Tiers), and a summary per segment or tier (Summarize), each
// returning the frame with the columns added.
//
// The functions convert the columns they need to slices once and call
// segment's slice core (segment.ScoreCustomers, segment.TierCustomers,
// segment.SummarizeGroups), so the numbers are the core's and the work is
// plain arithmetic; the frames cost only gota's copying. Columns are named
// by the constants below; a frame with other names is read through
// Columns.
//
// The package lives apart from segment so that only programs that use
// DataFrames link gota.
package frame

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
