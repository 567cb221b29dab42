package segment

import (
	"fmt"
	"slices"

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
// and mean CLV and mean P(alive).
func Summarize(df dataframe.DataFrame, by string, cols Columns) (dataframe.DataFrame, error) {
	cols = cols.withDefaults()
	if df.Nrow() == 0 {
		return dataframe.DataFrame{}, fmt.Errorf("segment: empty frame")
	}
	if !slices.Contains(df.Names(), by) {
		return dataframe.DataFrame{}, fmt.Errorf("%w: no column %q (the frame has %q)", ErrColumn, by, df.Names())
	}
	keys := df.Col(by).Records()
	var v [3][]float64
	for i, name := range []string{cols.Recency, cols.Frequency, cols.MonetaryValue} {
		var err error
		if v[i], err = floatCol(df, name); err != nil {
			return dataframe.DataFrame{}, err
		}
	}
	var clvs, pa []float64
	if slices.Contains(df.Names(), ColCLV) && slices.Contains(df.Names(), ColPAlive) {
		var err error
		if clvs, err = floatCol(df, ColCLV); err != nil {
			return dataframe.DataFrame{}, err
		}
		if pa, err = floatCol(df, ColPAlive); err != nil {
			return dataframe.DataFrame{}, err
		}
	}
	type agg struct {
		n              int
		rec, freq, mon float64
		clv, palive    float64
	}
	groups := map[string]*agg{}
	for i, k := range keys {
		g := groups[k]
		if g == nil {
			g = &agg{}
			groups[k] = g
		}
		g.n++
		g.rec += v[0][i]
		g.freq += v[1][i]
		g.mon += v[2][i]
		if clvs != nil {
			g.clv += clvs[i]
			g.palive += pa[i]
		}
	}
	names := make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := groups[b].n - groups[a].n; d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
	total := float64(len(keys))
	col := func(f func(g *agg) float64) []float64 {
		out := make([]float64, len(names))
		for i, k := range names {
			out[i] = f(groups[k])
		}
		return out
	}
	counts := make([]int, len(names))
	for i, k := range names {
		counts[i] = groups[k].n
	}
	ss := []series.Series{
		series.New(names, series.String, by),
		series.New(counts, series.Int, ColCustomers),
		series.New(col(func(g *agg) float64 { return float64(g.n) / total }), series.Float, ColShare),
		series.New(col(func(g *agg) float64 { return g.rec / float64(g.n) }), series.Float, ColMeanRecency),
		series.New(col(func(g *agg) float64 { return g.freq / float64(g.n) }), series.Float, ColMeanFrequency),
		series.New(col(func(g *agg) float64 { return g.mon / float64(g.n) }), series.Float, ColMeanMonetary),
	}
	if clvs != nil {
		ss = append(ss,
			series.New(col(func(g *agg) float64 { return g.clv }), series.Float, ColTotalCLV),
			series.New(col(func(g *agg) float64 { return g.clv / float64(g.n) }), series.Float, ColMeanCLV),
			series.New(col(func(g *agg) float64 { return g.palive / float64(g.n) }), series.Float, ColMeanPAlive),
		)
	}
	out := dataframe.New(ss...)
	return out, out.Error()
}
