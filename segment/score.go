package segment

// A Rule names the customers whose scores it matches.
type Rule struct {
	Name  string
	Match func(r, f, m int) bool
}

// Other is the segment of a customer that no rule matches.
const Other = "Other"

// DefaultRules is the segment map for scores 1..5, in the style
// practitioners use. The first rule that matches wins; with 5 bins every
// combination of scores matches one:
//
//	Champions           R ≥ 4, F ≥ 4, M ≥ 4   bought recently, often, and spend the most
//	Loyal               R ≥ 3, F ≥ 4          buy often and still buy
//	Can't Lose Them     R ≤ 2, F ≥ 4, M ≥ 4   were among the best, have not bought for long
//	At Risk             R ≤ 2, F ≥ 3          bought often, have not bought for long
//	Potential Loyalist  R ≥ 4, F 2–3          recent, with a few repeat purchases
//	New                 R = 5, F = 1          bought very recently, no repeat yet
//	Promising           R = 4, F = 1          bought recently, no repeat yet
//	Need Attention      R = 3, F 2–3          average recency and frequency
//	About to Sleep      R = 3, F = 1          fading, bought once or rarely
//	Hibernating         R = 2, F ≤ 2          long since, rarely
//	Lost                R = 1, F ≤ 2          longest since, rarely
var DefaultRules = []Rule{
	{"Champions", func(r, f, m int) bool { return r >= 4 && f >= 4 && m >= 4 }},
	{"Loyal", func(r, f, m int) bool { return r >= 3 && f >= 4 }},
	{"Can't Lose Them", func(r, f, m int) bool { return r <= 2 && f >= 4 && m >= 4 }},
	{"At Risk", func(r, f, m int) bool { return r <= 2 && f >= 3 }},
	{"Potential Loyalist", func(r, f, m int) bool { return r >= 4 && f >= 2 && f <= 3 }},
	{"New", func(r, f, m int) bool { return r == 5 && f == 1 }},
	{"Promising", func(r, f, m int) bool { return r == 4 && f == 1 }},
	{"Need Attention", func(r, f, m int) bool { return r == 3 && f >= 2 && f <= 3 }},
	{"About to Sleep", func(r, f, m int) bool { return r == 3 && f == 1 }},
	{"Hibernating", func(r, f, m int) bool { return r == 2 && f <= 2 }},
	{"Lost", func(r, f, m int) bool { return r == 1 && f <= 2 }},
}

// RecencyFrequencyRules is DefaultRules for customers without amounts:
// the same segments with the conditions on M left out (Champions are
// R ≥ 4, F ≥ 4; Can't Lose Them R ≤ 2, F ≥ 4), so a log without amounts
// puts no one among the Loyal for want of a monetary score. With 5 bins
// every (R, F) matches one rule.
var RecencyFrequencyRules = []Rule{
	{"Champions", func(r, f, m int) bool { return r >= 4 && f >= 4 }},
	{"Loyal", func(r, f, m int) bool { return r >= 3 && f >= 4 }},
	{"Can't Lose Them", func(r, f, m int) bool { return r <= 2 && f >= 4 }},
	{"At Risk", func(r, f, m int) bool { return r <= 2 && f >= 3 }},
	{"Potential Loyalist", func(r, f, m int) bool { return r >= 4 && f >= 2 && f <= 3 }},
	{"New", func(r, f, m int) bool { return r == 5 && f == 1 }},
	{"Promising", func(r, f, m int) bool { return r == 4 && f == 1 }},
	{"Need Attention", func(r, f, m int) bool { return r == 3 && f >= 2 && f <= 3 }},
	{"About to Sleep", func(r, f, m int) bool { return r == 3 && f == 1 }},
	{"Hibernating", func(r, f, m int) bool { return r == 2 && f <= 2 }},
	{"Lost", func(r, f, m int) bool { return r == 1 && f <= 2 }},
}

// ScoreOptions configures ScoreCustomers (and segment/frame's Score). The
// zero value scores 1..5 by quantiles and names segments with DefaultRules.
type ScoreOptions struct {
	// Bins is the number of scores k (1..k). Zero means 5.
	Bins int
	// RecencyEdges, FrequencyEdges and MonetaryEdges are custom inner bin
	// edges, k−1 ascending values each, used instead of quantiles. Recency
	// edges are on the time since the last purchase (T − recency).
	RecencyEdges, FrequencyEdges, MonetaryEdges []float64
	// Rules name the segments; nil means DefaultRules, which need Bins 5.
	Rules []Rule
}
