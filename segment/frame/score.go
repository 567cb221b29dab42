package frame

import (
	"fmt"

	"github.com/clvkit/clvkit/segment"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Score returns df with the columns ColRScore, ColFScore, ColMScore,
// ColRFMScore and ColSegment added (or replaced), scored by
// segment.ScoreCustomers with opts; cols maps the frame's column names.
//
// Frequency and monetary value score higher for higher values. Recency
// scores on the time since the last purchase, T − recency, lower times
// scoring higher. By quantiles, the inner edges are the empirical
// j/k-quantiles of the values (j = 1..k−1), and a value scores one plus the
// number of edges it exceeds: equal values always get equal scores, and
// the bins are as balanced as ties allow (a value equal to an edge falls in
// the lower bin). Custom edges follow the same rule.
func Score(df dataframe.DataFrame, opts segment.ScoreOptions, cols Columns) (dataframe.DataFrame, error) {
	if df.Nrow() == 0 {
		return df, fmt.Errorf("segment/frame: empty frame")
	}
	cs, err := ToCustomers(df, cols)
	if err != nil {
		return df, err
	}
	rfm, err := segment.ScoreCustomers(cs, opts)
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
