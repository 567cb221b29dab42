package frame

import (
	"fmt"
	"slices"

	"github.com/clvkit/clvkit/segment"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Summary columns.
const (
	ColCustomers     = "customers"
	ColShare         = "share"
	ColMeanRecency   = "mean_recency"
	ColMeanFrequency = "mean_frequency"
	ColMeanMonetary  = "mean_monetary_value"
	ColTotalCLV      = "total_clv"
	ColMeanCLV       = "mean_clv"
	ColMeanPAlive    = "mean_p_alive"
)

// Summarize returns one row per value of the column by (e.g. ColSegment,
// ColChurnTier), sorted by decreasing number of customers then name, with
// the number and share of customers and the mean recency, frequency and
// monetary value; and, when df has ColCLV and ColPAlive (see Tiers), total
// and mean CLV and mean P(alive): segment.SummarizeGroups on a frame; cols
// maps the frame's column names.
func Summarize(df dataframe.DataFrame, by string, cols Columns) (dataframe.DataFrame, error) {
	cols = cols.withDefaults()
	if df.Nrow() == 0 {
		return dataframe.DataFrame{}, fmt.Errorf("segment/frame: empty frame")
	}
	if !slices.Contains(df.Names(), by) {
		return dataframe.DataFrame{}, fmt.Errorf("%w: no column %q (the frame has %q)", ErrColumn, by, df.Names())
	}
	keys := df.Col(by).Records()
	cs, err := ToCustomers(df, cols)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	var clvs, pa []float64
	if slices.Contains(df.Names(), ColCLV) && slices.Contains(df.Names(), ColPAlive) {
		if clvs, err = floatCol(df, ColCLV); err != nil {
			return dataframe.DataFrame{}, err
		}
		if pa, err = floatCol(df, ColPAlive); err != nil {
			return dataframe.DataFrame{}, err
		}
	}
	gs, err := segment.SummarizeGroups(keys, cs, clvs, pa)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	col := func(f func(g segment.Group) float64) []float64 {
		out := make([]float64, len(gs))
		for i, g := range gs {
			out[i] = f(g)
		}
		return out
	}
	names := make([]string, len(gs))
	counts := make([]int, len(gs))
	for i, g := range gs {
		names[i], counts[i] = g.Key, g.Customers
	}
	ss := []series.Series{
		series.New(names, series.String, by),
		series.New(counts, series.Int, ColCustomers),
		series.New(col(func(g segment.Group) float64 { return g.Share }), series.Float, ColShare),
		series.New(col(func(g segment.Group) float64 { return g.MeanRecency }), series.Float, ColMeanRecency),
		series.New(col(func(g segment.Group) float64 { return g.MeanFrequency }), series.Float, ColMeanFrequency),
		series.New(col(func(g segment.Group) float64 { return g.MeanMonetary }), series.Float, ColMeanMonetary),
	}
	if clvs != nil {
		ss = append(ss,
			series.New(col(func(g segment.Group) float64 { return g.TotalCLV }), series.Float, ColTotalCLV),
			series.New(col(func(g segment.Group) float64 { return g.MeanCLV }), series.Float, ColMeanCLV),
			series.New(col(func(g segment.Group) float64 { return g.MeanPAlive }), series.Float, ColMeanPAlive),
		)
	}
	out := dataframe.New(ss...)
	return out, out.Error()
}
