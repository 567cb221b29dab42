package segment

import (
	"fmt"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

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

// ScoreOptions configures Score. The zero value scores 1..5 by quantiles
// and names segments with DefaultRules.
type ScoreOptions struct {
	// Bins is the number of scores k (1..k). Zero means 5.
	Bins int
	// RecencyEdges, FrequencyEdges and MonetaryEdges are custom inner bin
	// edges, k−1 ascending values each, used instead of quantiles. Recency
	// edges are on the time since the last purchase (T − recency).
	RecencyEdges, FrequencyEdges, MonetaryEdges []float64
	// Rules name the segments; nil means DefaultRules, which need Bins 5.
	Rules []Rule
	// Columns maps the frame's column names.
	Columns Columns
}

// Score returns df with the columns ColRScore, ColFScore, ColMScore,
// ColRFMScore and ColSegment added.
//
// Frequency and monetary value score higher for higher values. Recency
// scores on the time since the last purchase, T − recency, lower times
// scoring higher. By quantiles, the inner edges are the empirical
// j/k-quantiles of the values (j = 1..k−1), and a value scores one plus the
// number of edges it exceeds: equal values always get equal scores, and
// the bins are as balanced as ties allow (a value equal to an edge falls in
// the lower bin). Custom edges follow the same rule.
func Score(df dataframe.DataFrame, opts ScoreOptions) (dataframe.DataFrame, error) {
	if df.Nrow() == 0 {
		return df, fmt.Errorf("segment: empty frame")
	}
	cs, err := ToCustomers(df, opts.Columns)
	if err != nil {
		return df, err
	}
	rfm, err := ScoreCustomers(cs, opts)
	if err != nil {
		return df, err
	}
	n := len(rfm)
	r, f, m := make([]int, n), make([]int, n), make([]int, n)
	codes, seg := make([]string, n), make([]string, n)
	for i, s := range rfm {
		r[i], f[i], m[i], codes[i], seg[i] = int(s.R), int(s.F), int(s.M), s.Code(), s.Segment
	}
	return withColumns(df,
		series.New(r, series.Int, ColRScore),
		series.New(f, series.Int, ColFScore),
		series.New(m, series.Int, ColMScore),
		series.New(codes, series.String, ColRFMScore),
		series.New(seg, series.String, ColSegment))
}
