package segment

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"gonum.org/v1/gonum/stat"
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
	k := opts.Bins
	if k == 0 {
		k = 5
	}
	if k < 2 || k > 9 {
		return df, fmt.Errorf("segment: %d bins, want 2..9 (scores are written as digits)", k)
	}
	rules := opts.Rules
	if rules == nil {
		if k != 5 {
			return df, fmt.Errorf("segment: DefaultRules need 5 bins, not %d: pass Rules", k)
		}
		rules = DefaultRules
	}
	cols := opts.Columns.withDefaults()
	if df.Nrow() == 0 {
		return df, fmt.Errorf("segment: empty frame")
	}
	var v [4][]float64
	for i, name := range []string{cols.Frequency, cols.Recency, cols.T, cols.MonetaryValue} {
		var err error
		if v[i], err = floatCol(df, name); err != nil {
			return df, err
		}
	}
	since := make([]float64, len(v[0]))
	for i := range since {
		since[i] = v[2][i] - v[1][i]
	}
	r, err := scores(since, k, opts.RecencyEdges, "recency")
	if err != nil {
		return df, err
	}
	for i := range r {
		r[i] = k + 1 - r[i]
	}
	f, err := scores(v[0], k, opts.FrequencyEdges, "frequency")
	if err != nil {
		return df, err
	}
	m, err := scores(v[3], k, opts.MonetaryEdges, "monetary")
	if err != nil {
		return df, err
	}
	rfm := make([]string, len(r))
	seg := make([]string, len(r))
	for i := range r {
		rfm[i] = string([]byte{byte('0' + r[i]), byte('0' + f[i]), byte('0' + m[i])})
		seg[i] = Other
		for _, rule := range rules {
			if rule.Match(r[i], f[i], m[i]) {
				seg[i] = rule.Name
				break
			}
		}
	}
	return withColumns(df,
		series.New(r, series.Int, ColRScore),
		series.New(f, series.Int, ColFScore),
		series.New(m, series.Int, ColMScore),
		series.New(rfm, series.String, ColRFMScore),
		series.New(seg, series.String, ColSegment))
}

// Edges returns the inner quantile edges of values for k bins.
func Edges(values []float64, k int) []float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	e := make([]float64, k-1)
	for j := range e {
		e[j] = stat.Quantile(float64(j+1)/float64(k), stat.Empirical, s, nil)
	}
	return e
}

// scores returns 1 + the number of edges below each value.
func scores(values []float64, k int, edges []float64, what string) ([]int, error) {
	if edges == nil {
		edges = Edges(values, k)
	} else if len(edges) != k-1 || !slices.IsSorted(edges) || slices.ContainsFunc(edges, math.IsNaN) {
		return nil, fmt.Errorf("segment: %s edges %v: want %d ascending numbers", what, edges, k-1)
	}
	out := make([]int, len(values))
	for i, x := range values {
		// Edges are few: a linear count beats a search.
		s := 1
		for _, e := range edges {
			if x > e {
				s++
			}
		}
		out[i] = s
	}
	return out, nil
}
