package frame_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/segment"
	"github.com/clvkit/clvkit/segment/frame"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

var cdnowCols = frame.Columns{ID: "ID", Frequency: "x", Recency: "t_x", T: "T", MonetaryValue: "zbar"}

func cdnowFrame(t *testing.T) dataframe.DataFrame {
	f, err := os.Open(datasets.Data(t, "cdnow_customers_summary_with_transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df := dataframe.ReadCSV(f)
	if df.Error() != nil {
		t.Fatal(df.Error())
	}
	return df
}

func counts(s series.Series) map[string]int {
	m := map[string]int{}
	for _, v := range s.Records() {
		m[v]++
	}
	return m
}

func TestScoreCDNOW(t *testing.T) {
	df := cdnowFrame(t)
	out, err := frame.Score(df, segment.ScoreOptions{}, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	if out.Nrow() != 2357 {
		t.Fatalf("%d rows", out.Nrow())
	}
	// Frequency: 1,411 of 2,357 customers (59.9%) have x = 0, so the
	// 20% and 40% quantiles are 0, the 60% quantile 1 and the 80% quantile
	// 2. x = 0 exceeds no edge (score 1), x = 1 two (score 3), x = 2 three
	// (score 4), x ≥ 3 all four (score 5); score 2 stays empty because ties
	// cannot be split.
	wantF := map[string]int{}
	for _, v := range df.Col("x").Float() {
		switch {
		case v == 0:
			wantF["1"]++
		case v == 1:
			wantF["3"]++
		case v == 2:
			wantF["4"]++
		default:
			wantF["5"]++
		}
	}
	gotF := counts(out.Col(frame.ColFScore))
	if len(gotF) != 4 || wantF["1"] != 1411 {
		t.Errorf("f_score counts %v, want %v", gotF, wantF)
	}
	for k, n := range wantF {
		if gotF[k] != n {
			t.Errorf("f_score %s: %d customers, want %d", k, gotF[k], n)
		}
	}
	// Recency (time since last purchase) has few ties: each score holds
	// about a fifth of the customers.
	for s, n := range counts(out.Col(frame.ColRScore)) {
		if math.Abs(float64(n)-2357.0/5) > 0.2*2357/5 && s != "1" && s != "5" {
			t.Errorf("r_score %s: %d customers, want about %d", s, n, 2357/5)
		}
	}
	// Equal inputs, equal scores; every customer in one named segment.
	seen := map[string]string{}
	rfm := out.Col(frame.ColRFMScore).Records()
	seg := out.Col(frame.ColSegment).Records()
	recs := df.Records()[1:]
	for i, r := range recs {
		key := strings.Join(r[1:], ",")
		if prev, ok := seen[key]; ok && prev != rfm[i] {
			t.Fatalf("row %d: equal inputs %s scored %s and %s", i, key, prev, rfm[i])
		}
		seen[key] = rfm[i]
		for _, c := range rfm[i] {
			if c < '1' || c > '5' {
				t.Fatalf("row %d: score %q", i, rfm[i])
			}
		}
		if seg[i] == segment.Other || seg[i] == "" {
			t.Fatalf("row %d (%s): no segment", i, rfm[i])
		}
	}
	sum, err := frame.Summarize(out, frame.ColSegment, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range sum.Col(frame.ColCustomers).Float() {
		total += int(n)
	}
	if total != 2357 {
		t.Errorf("summary counts add up to %d, want 2357", total)
	}
}

func TestQuantileBinsBalanced(t *testing.T) {
	n := 1000
	cs := make([]clv.Customer, n)
	for i := range cs {
		// Distinct values: every bin must hold exactly n/5.
		cs[i] = clv.Customer{ID: fmt.Sprint(i), Frequency: float64(i), Recency: float64(i), T: 2000, MonetaryValue: float64(n - i)}
	}
	out, err := frame.Score(frame.FromCustomers(cs), segment.ScoreOptions{}, frame.Columns{})
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{frame.ColRScore, frame.ColFScore, frame.ColMScore} {
		for s, c := range counts(out.Col(col)) {
			if c != n/5 {
				t.Errorf("%s %s: %d, want %d", col, s, c, n/5)
			}
		}
	}
	// Recency scores higher for a more recent last purchase.
	r := out.Col(frame.ColRScore).Float()
	if r[n-1] != 5 || r[0] != 1 {
		t.Errorf("r_score of the most recent %v, of the least %v", r[n-1], r[0])
	}
	// Custom edges.
	out, err = frame.Score(frame.FromCustomers(cs), segment.ScoreOptions{Bins: 3, FrequencyEdges: []float64{10, 100},
		RecencyEdges: []float64{1000, 1500}, MonetaryEdges: []float64{1, 2}, Rules: []segment.Rule{{Name: "all", Match: func(r, f, m int) bool { return true }}}}, frame.Columns{})
	if err != nil {
		t.Fatal(err)
	}
	if c := counts(out.Col(frame.ColFScore)); c["1"] != 11 || c["2"] != 90 || c["3"] != 899 {
		t.Errorf("custom edges: %v", c)
	}
}

func TestBadInput(t *testing.T) {
	good := frame.FromCustomers([]clv.Customer{{ID: "a", Frequency: 1, Recency: 1, T: 2, MonetaryValue: 3}})
	nan := dataframe.New(
		series.New([]string{"a", "b"}, series.String, frame.ColID),
		series.New([]float64{1, 2}, series.Float, frame.ColFrequency),
		series.New([]float64{1, math.NaN()}, series.Float, frame.ColRecency),
		series.New([]float64{2, 3}, series.Float, frame.ColT),
		series.New([]float64{3, 4}, series.Float, frame.ColMonetaryValue),
	)
	if _, err := frame.Score(nan, segment.ScoreOptions{}, frame.Columns{}); !errors.Is(err, frame.ErrColumn) || !strings.Contains(err.Error(), `"recency", row 1`) {
		t.Errorf("NaN: %v", err)
	}
	if _, err := frame.Score(good, segment.ScoreOptions{}, frame.Columns{Frequency: "freq"}); !errors.Is(err, frame.ErrColumn) || !strings.Contains(err.Error(), `"freq"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := frame.Score(dataframe.New(series.New([]float64{}, series.Float, "x")), segment.ScoreOptions{}, frame.Columns{}); err == nil {
		t.Error("empty frame accepted")
	}
	if _, err := frame.ToCustomers(frame.FromCustomers(nil), frame.Columns{}); err == nil {
		t.Error("empty frame accepted by ToCustomers")
	}
	text := good.Mutate(series.New([]string{"x"}, series.String, frame.ColT))
	if _, err := frame.ToCustomers(text, frame.Columns{}); !errors.Is(err, frame.ErrColumn) {
		t.Errorf("text column: %v", err)
	}
	if _, err := frame.Score(good, segment.ScoreOptions{Bins: 4}, frame.Columns{}); err == nil {
		t.Error("default rules with 4 bins accepted")
	}
	if _, err := frame.Summarize(good, "nope", frame.Columns{}); !errors.Is(err, frame.ErrColumn) {
		t.Errorf("summary by a missing column: %v", err)
	}
}

func TestTiersCDNOW(t *testing.T) {
	df := cdnowFrame(t)
	cs, err := frame.ToCustomers(df, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := frame.Tiers(df, pm, sm, segment.TierOptions{Value: predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}}, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	vt := counts(out.Col(frame.ColValueTier))
	// ⌈1% of 2,357⌉ = 24, ⌈10%⌉ = 236, ⌈50%⌉ = 1,179.
	if vt["top 1%"] != 24 || vt["top 10%"] != 236-24 || vt["top 50%"] != 1179-236 || vt["rest"] != 2357-1179 {
		t.Errorf("value tiers %v", vt)
	}
	pa := out.Col(frame.ColPAlive).Float()
	tier := out.Col(frame.ColChurnTier).Records()
	vals := out.Col(frame.ColCLV).Float()
	vtier := out.Col(frame.ColValueTier).Records()
	minTop := math.Inf(1)
	maxRest := math.Inf(-1)
	for i := range pa {
		want := segment.AtRisk
		if pa[i] >= 0.7 {
			want = segment.Active
		} else if pa[i] < 0.3 {
			want = segment.LikelyLost
		}
		if tier[i] != want {
			t.Fatalf("row %d: P(alive) %v in tier %q", i, pa[i], tier[i])
		}
		if vtier[i] == "top 1%" {
			minTop = math.Min(minTop, vals[i])
		} else {
			maxRest = math.Max(maxRest, vals[i])
		}
	}
	if !(minTop >= maxRest) {
		t.Errorf("top 1%% starts at CLV %v, below others' %v", minTop, maxRest)
	}
	scored, err := frame.Score(out, segment.ScoreOptions{}, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := frame.Summarize(scored, frame.ColSegment, cdnowCols)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(sum.Names(), frame.ColTotalCLV) {
		t.Errorf("summary columns %v", sum.Names())
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestCoreMatchesFrame: the slice core gives what the gota API gives.
func TestCoreMatchesFrame(t *testing.T) {
	cs := coreCustomers()
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	df, err := frame.Score(frame.FromCustomers(cs), segment.ScoreOptions{}, frame.Columns{})
	if err != nil {
		t.Fatal(err)
	}
	codes, segs := df.Col(frame.ColRFMScore).Records(), df.Col(frame.ColSegment).Records()
	for i, s := range rfm {
		if s.Code() != codes[i] || s.Segment != segs[i] {
			t.Errorf("customer %d: %v %s, frame %s %s", i, s, s.Code(), codes[i], segs[i])
		}
	}
	pa := make([]float64, len(cs))
	vals := make([]float64, len(cs))
	for i := range cs {
		pa[i], vals[i] = float64(i%10)/10, float64(i)
	}
	vals[3] = math.Inf(1)
	tiers, err := segment.TierCustomers(pa, vals, segment.TierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Customer 3 (infinite CLV) ranks first: top 1%; 99..91 next.
	if tiers[3].Value != "top 1%" || tiers[99].Value != "top 10%" || tiers[0].Value != "rest" ||
		tiers[0].Churn != segment.LikelyLost || tiers[7].Churn != segment.Active || tiers[5].Churn != segment.AtRisk {
		t.Errorf("tiers %v %v %v", tiers[3], tiers[99], tiers[0])
	}
	keys := make([]string, len(cs))
	for i, s := range rfm {
		keys[i] = s.Segment
	}
	gs, err := segment.SummarizeGroups(keys, cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, g := range gs {
		n += g.Customers
		if i > 0 && g.Customers > gs[i-1].Customers || !math.IsNaN(g.MeanCLV) {
			t.Errorf("group %+v", g)
		}
	}
	if n != len(cs) {
		t.Errorf("groups hold %d customers", n)
	}
}

func coreCustomers() []clv.Customer {
	var cs []clv.Customer
	for i := range 100 {
		x := float64(i % 7)
		cs = append(cs, clv.Customer{ID: string(rune('A' + i%26)), Frequency: x, Recency: x * 3, T: 40, MonetaryValue: float64(i%11) * 5})
	}
	return cs
}
