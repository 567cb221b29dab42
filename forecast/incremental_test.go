package forecast_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/paretonbd"
)

// splitLog splits the shipped log (in date order) into pieces at the
// given dates: each piece holds the transactions up to its date (after
// the previous one's), the last piece the rest; each with the header.
func splitLog(t *testing.T, cuts ...string) (whole string, pieces []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	var cur strings.Builder
	cur.WriteString(header)
	c := 0
	for _, row := range rows {
		date := strings.Split(row, ",")[1]
		for c < len(cuts) && date > cuts[c] {
			pieces = append(pieces, cur.String())
			cur.Reset()
			cur.WriteString(header)
			c++
		}
		cur.WriteString(row)
	}
	pieces = append(pieces, cur.String())
	return string(b), pieces
}

// params returns a purchase model's parameters as a vector.
func params(t *testing.T, m forecast.PurchaseModel) []float64 {
	switch m := m.(type) {
	case *bgnbd.Model:
		p := m.Params()
		return []float64{p.R, p.Alpha, p.A, p.B}
	case *paretonbd.Model:
		p := m.Params()
		return []float64{p.R, p.Alpha, p.S, p.Beta}
	}
	t.Fatalf("model %T", m)
	return nil
}

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / max(math.Abs(a), math.Abs(b))
}

// TestIncrementalEqualsFull splits the shipped log at several days, runs
// an incremental chain over the pieces (saving and loading the state
// between runs), and compares the last run with one full run on the whole
// log: the summaries bit for bit, the chosen model; the parameters and
// forecasts bit for bit, and with warm starts to 1e-5 and 1e-6 relative
// (the fits' convergence tolerance; measured 3.4e-7 and 5.2e-7).
func TestIncrementalEqualsFull(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		model string
		warm  bool
	}{{"auto", false}, {"auto", true}, {"paretonbd", true}, {"mbgnbd", true}} {
		model := tc.model
		name := model
		if tc.warm {
			name += "/warm"
		}
		t.Run(name, func(t *testing.T) {
			cfg := forecast.Config{Model: model, Discount: 0.01}
			whole, pieces := splitLog(t, "2024-06-30", "2024-11-15", "2024-12-01", "2024-12-29")
			if len(pieces) != 5 {
				t.Fatalf("%d pieces", len(pieces))
			}
			full, err := forecast.Run(ctx, strings.NewReader(whole), cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := &forecast.State{WarmStart: tc.warm}
			var res *forecast.Result
			for i, p := range pieces {
				if res, err = forecast.RunIncremental(ctx, st, strings.NewReader(p), cfg); err != nil {
					t.Fatalf("piece %d: %v", i, err)
				}
				var buf bytes.Buffer
				if err := st.Save(&buf); err != nil {
					t.Fatal(err)
				}
				if st, err = forecast.LoadState(&buf); err != nil {
					t.Fatalf("piece %d: %v", i, err)
				}
				st.WarmStart = tc.warm
			}
			if !res.Summary.End.Equal(full.Summary.End) || !res.Summary.First.Equal(full.Summary.First) {
				t.Fatalf("end %v first %v, full run %v %v", res.Summary.End, res.Summary.First, full.Summary.End, full.Summary.First)
			}
			a, b := res.Summary.Customers, full.Summary.Customers
			if len(a) != len(b) {
				t.Fatalf("%d customers, full run %d", len(a), len(b))
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("customer %d: %+v, full run %+v", i, a[i], b[i])
				}
			}
			if res.Choice.Name != full.Choice.Name {
				t.Fatalf("chose %s, full run %s", res.Choice.Name, full.Choice.Name)
			}
			var dp float64
			pa, pb := params(t, res.Choice.Model), params(t, full.Choice.Model)
			for k := range pa {
				dp = max(dp, relDiff(pa[k], pb[k]))
			}
			sa, sb := res.Spend.Params(), full.Spend.Params()
			dp = max(dp, relDiff(sa.P, sb.P), relDiff(sa.Q, sb.Q), relDiff(sa.Gamma, sb.Gamma))
			var df float64
			for i := range res.Forecasts {
				x, y := res.Forecasts[i], full.Forecasts[i]
				df = max(df, relDiff(x.PAlive, y.PAlive), relDiff(x.ExpectedPurchases, y.ExpectedPurchases),
					relDiff(x.ExpectedValue, y.ExpectedValue), relDiff(x.CLV, y.CLV))
			}
			t.Logf("%s: %d customers; max relative difference: parameters %.2g, forecasts %.2g", res.Choice.Name, len(a), dp, df)
			if !tc.warm && (dp != 0 || df != 0) {
				t.Errorf("parameters differ by %.3g, forecasts by %.3g relative: want the same, bit for bit", dp, df)
			}
			if dp > 1e-5 {
				t.Errorf("parameters differ by %.3g relative, want ≤ 1e-5", dp)
			}
			if df > 1e-6 {
				t.Errorf("forecasts differ by %.3g relative, want ≤ 1e-6", df)
			}
			if st.Records != 7348 || st.Customers() != len(a) {
				t.Errorf("state: %d transactions, %d customers; want 7348, %d", st.Records, st.Customers(), len(a))
			}
		})
	}
}

// TestIncrementalTwice: applying the same day twice is refused, a log
// that overlaps the state is refused naming its first offending line, and
// the state is unchanged by either.
func TestIncrementalTwice(t *testing.T) {
	ctx := context.Background()
	cfg := forecast.Config{Model: "bgnbd"}
	_, pieces := splitLog(t, "2024-12-29")
	st := &forecast.State{}
	if _, err := forecast.RunIncremental(ctx, st, strings.NewReader(pieces[0]), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := forecast.RunIncremental(ctx, st, strings.NewReader(pieces[1]), cfg); err != nil {
		t.Fatal(err)
	}
	var before bytes.Buffer
	if err := st.Save(&before); err != nil {
		t.Fatal(err)
	}
	_, err := forecast.RunIncremental(ctx, st, strings.NewReader(pieces[1]), cfg)
	if !errors.Is(err, forecast.ErrAlreadyApplied) || !strings.Contains(err.Error(), "the very log applied last") ||
		strings.Contains(err.Error(), "UTC") { // dates as dates, not Go's time.Time.String

		t.Fatalf("same day twice: %v, want ErrAlreadyApplied naming the log", err)
	}
	// The last day again with one new transaction after it, on line 3.
	lines := strings.SplitAfter(pieces[1], "\n")
	overlap := lines[0] + lines[1] + "C99999,2024-12-31,10.00\n" + lines[2]
	_, err = forecast.RunIncremental(ctx, st, strings.NewReader(overlap), cfg)
	if !errors.Is(err, forecast.ErrOverlap) || !strings.Contains(err.Error(), "line 2:") || strings.Contains(err.Error(), "UTC") {
		t.Fatalf("overlap: %v, want ErrOverlap naming line 2", err)
	}
	var after bytes.Buffer
	if err := st.Save(&after); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("a refused log changed the state")
	}
	// An end of observation before the state's is refused.
	end := time.Date(2024, 12, 29, 0, 0, 0, 0, time.UTC)
	_, err = forecast.RunIncremental(ctx, st, strings.NewReader(lines[0]+"C99999,2024-12-31,10.00\n"), forecast.Config{Model: "bgnbd", End: end})
	var ce *forecast.ConfigError
	if !errors.As(err, &ce) || ce.Field != "End" {
		t.Fatalf("end before the state's: %v, want a ConfigError of End", err)
	}
	// A day with no transactions moves the end of observation on.
	end = time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	res, err := forecast.RunIncremental(ctx, st, strings.NewReader(lines[0]), forecast.Config{Model: "bgnbd", End: end})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Summary.End.Equal(end) || !st.End.Equal(end) {
		t.Errorf("end %v, state's %v; want %v", res.Summary.End, st.End, end)
	}
}

// TestLoadStateCorrupt: every truncation and every flipped byte of a
// saved state is refused with ErrStateCorrupt (or ErrStateVersion for the
// version byte), never a panic.
func TestLoadStateCorrupt(t *testing.T) {
	_, pieces := splitLog(t, "2024-01-31")
	st := &forecast.State{}
	if _, err := forecast.RunIncremental(context.Background(), st, strings.NewReader(pieces[0]), forecast.Config{Model: "bgnbd"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := st.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if _, err := forecast.LoadState(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n += 1 + n/64 {
		if _, err := forecast.LoadState(bytes.NewReader(b[:n])); !errors.Is(err, forecast.ErrStateCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: %v, want ErrStateCorrupt", n, len(b), err)
		}
	}
	for i := 0; i < len(b); i += 1 + i/64 {
		c := bytes.Clone(b)
		c[i] ^= 0x10
		_, err := forecast.LoadState(bytes.NewReader(c))
		if !errors.Is(err, forecast.ErrStateCorrupt) && !errors.Is(err, forecast.ErrStateVersion) {
			t.Fatalf("byte %d altered: %v, want ErrStateCorrupt", i, err)
		}
	}
}

// TestIncrementalCDNOW: CDNOW's log (sorted by customer, not by date) in
// four pieces by date gives, run after run, the full run's summaries,
// model and forecasts, bit for bit.
func TestIncrementalCDNOW(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	b, err := os.ReadFile(datasets.Data(t, "CDNOW_master.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	cuts := []string{"19970331", "19970930", "19980331", "99999999"}
	pieces := make([]strings.Builder, len(cuts))
	for k := range pieces {
		pieces[k].WriteString(lines[0])
	}
	for _, l := range lines[1:] {
		date := strings.Fields(l)[1]
		k := 0
		for date > cuts[k] {
			k++
		}
		pieces[k].WriteString(l)
	}
	ctx := context.Background()
	cfg := forecast.Config{CSV: csvio.Options{Delimiter: ' ', Amount: "dollar_value"}, Discount: 0.01}
	full, err := forecast.Run(ctx, strings.NewReader(string(b)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := &forecast.State{}
	var res *forecast.Result
	for k := range pieces {
		if res, err = forecast.RunIncremental(ctx, st, strings.NewReader(pieces[k].String()), cfg); err != nil {
			t.Fatalf("piece %d: %v", k, err)
		}
	}
	if len(res.Summary.Customers) != 23570 || !slices.Equal(res.Summary.Customers, full.Summary.Customers) {
		t.Fatalf("%d customers, not the full run's %d (or not the same)", len(res.Summary.Customers), len(full.Summary.Customers))
	}
	if res.Choice.Name != full.Choice.Name || !slices.Equal(params(t, res.Choice.Model), params(t, full.Choice.Model)) ||
		res.Spend.Params() != full.Spend.Params() || !slices.Equal(res.Forecasts, full.Forecasts) {
		t.Errorf("%v, %v: not the full run's %v, %v", res.Choice.Model, res.Spend, full.Choice.Model, full.Spend)
	}
}
