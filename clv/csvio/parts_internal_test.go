package csvio

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// logRecorder is a clv.Observer that keeps what it is shown.
type logRecorder struct{ seen []string }

func (r *logRecorder) Observe(ks []int32, ts []clv.Transaction) {
	if len(ks) != len(ts) || len(ts) == 0 {
		r.seen = append(r.seen, fmt.Sprintf("bad group: %d, %d", len(ks), len(ts)))
	}
	for i, k := range ks {
		r.seen = append(r.seen, fmt.Sprintf("%d/%s/%s/%v", k, ts[i].CustomerID, ts[i].Time.Format(time.RFC3339), ts[i].Amount))
	}
}

// randomLog writes a log of n rows of up to m customers in time order,
// with same-day repeats, in whole days or with times of day, and, at the given rate, rows that
// are invalid (some times in another zone) (bad amount, negative amount, bad date, missing id, wrong
// field count, non-finite amount), out of order for their customer, or
// after the end (with stops: rows that stop summarizing unless skipped
// after the end).
func randomLog(rng *rand.Rand, n, m int, bad float64, stops bool) string {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	times := rng.IntN(2) == 0 // times of day, or whole days
	for i := range n {
		t := day.Add(time.Duration(i*300/n) * 24 * time.Hour)
		if times {
			t = day.Add((time.Duration(i) * 300 * 24 * time.Hour / time.Duration(n)).Truncate(time.Second))
		}
		id := fmt.Sprintf("c%d", rng.IntN(m))
		if rng.IntN(3) == 0 {
			id = fmt.Sprintf("customer-with-a-long-id-%d", rng.IntN(m))
		}
		amt := fmt.Sprintf("%.2f", rng.Float64()*100)
		ts := t.Format("2006-01-02 15:04:05")
		if rng.IntN(10) == 0 { // the same instant in another zone: ties of First and Last
			ts = t.In(time.FixedZone("", 7200)).Format(time.RFC3339)
		}
		if rng.Float64() < bad {
			kinds := 6
			if stops {
				kinds = 8
			}
			switch rng.IntN(kinds) {
			case 0:
				amt = "x1"
			case 1:
				amt = "-" + amt
			case 2:
				ts = "2024-13-45"
			case 3:
				id = ""
			case 4:
				amt += ",extra"
			case 5:
				amt = "1e999"
			case 6:
				ts = t.AddDate(0, 0, -40).Format("2006-01-02 15:04:05") // out of order, likely
			case 7:
				ts = t.AddDate(1, 0, 0).Format("2006-01-02 15:04:05") // after the end
			}
		}
		if rng.IntN(50) == 0 {
			b.WriteString("\n") // a blank line
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", id, ts, amt)
	}
	return b.String()
}

// summarizeBoth summarizes in with the sequential path and the parts,
// with a clv.Observer each, and returns what each gave.
func summarizeBoth(t *testing.T, in string, csvOpts Options, opts clv.SummaryOptions) (seq, par string) {
	t.Helper()
	run := func(sequential bool) string {
		partsCSV = 1
		if sequential {
			partsCSV = -1
		}
		defer func() { partsCSV = 0 }()
		var r logRecorder
		o := opts
		o.Observer = &r
		sum, err := Summarize(strings.NewReader(in), csvOpts, o)
		var b strings.Builder
		if err != nil {
			fmt.Fprintf(&b, "error %v\n", err)
		} else {
			ex := sum.Stats.Examples
			sum.Stats.Examples = nil
			for _, e := range ex {
				fmt.Fprintf(&b, "example %v\n", e)
			}
			bits := func(cs []clv.Customer) {
				for _, c := range cs {
					fmt.Fprintf(&b, "%s %x %x %x %x\n", c.ID, math.Float64bits(c.Frequency), math.Float64bits(c.Recency), math.Float64bits(c.T), math.Float64bits(c.MonetaryValue))
				}
			}
			bits(sum.Customers)
			b.WriteString("whole\n")
			bits(sum.Whole)
			for _, h := range sum.Holdout {
				fmt.Fprintf(&b, "holdout %x %x %x\n", math.Float64bits(h.Frequency), math.Float64bits(h.MonetaryValue), math.Float64bits(h.Duration))
			}
			sum.Customers, sum.Whole, sum.Holdout = nil, nil, nil
			fmt.Fprintf(&b, "%#v\n", *sum)
		}
		b.WriteString(strings.Join(r.seen, "\n"))
		return b.String()
	}
	return run(true), run(false)
}

// TestSummarizeParts: Summarize on the parts (one goroutine per
// part of the customers) gives what the sequential path gives, bit for
// bit: the summaries, holdout and whole observation, the counts and
// skips with their examples in order, the repeats, the first error (the
// same line), and the clv.Observer's sequence, on random logs with same-day
// repeats, invalid rows, rows out of order and after the end, over chunk
// sizes down to a few records.
func TestSummarizeParts(t *testing.T) {
	defer func(n int) { partChunk = n }(partChunk)
	rng := rand.New(rand.NewPCG(11, 12))
	end := time.Date(2024, 10, 31, 0, 0, 0, 0, time.UTC)
	cal := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	errs, oks, skips := 0, 0, 0
	for trial := range 300 {
		partChunk = []int{1, 3, 17, 100, 4096}[trial%5]
		bad := []float64{0, 0.001, 0.02}[trial%3]
		in := randomLog(rng, 20+rng.IntN(2000), 1+rng.IntN(300), bad, trial%4 == 0)
		csvOpts := Options{Amount: "amount", SkipInvalid: rng.IntN(4) > 0}
		opts := clv.SummaryOptions{SkipAfterEnd: rng.IntN(2) == 0, AllowNegative: rng.IntN(3) == 0, TrackRepeats: rng.IntN(2) == 0}
		if rng.IntN(4) > 0 {
			opts.End = end
			opts.EndOfDay = rng.IntN(2) == 0
		}
		if rng.IntN(2) == 0 {
			opts.CalibrationEnd = cal
		}
		if rng.IntN(3) == 0 {
			opts.Calendar, opts.Period = true, clv.Period(rng.IntN(3))
		}
		seq, par := summarizeBoth(t, in, csvOpts, opts)
		if seq != par {
			t.Fatalf("trial %d (chunk %d, %+v, %+v): parts differ from the sequential path:\n%s\nwant\n%s", trial, partChunk, csvOpts, opts, first(par, 2000), first(seq, 2000))
		}
		switch {
		case strings.HasPrefix(seq, "error"):
			errs++
		case strings.Count(seq, "example ") >= 3:
			skips++
		default:
			oks++
		}
	}
	if errs < 30 || oks < 30 || skips < 30 {
		t.Fatalf("%d errors, %d summaries with few skips, %d with several: the trials miss a case", errs, oks, skips)
	}
	t.Logf("%d errors, %d summaries with few skips, %d with several", errs, oks, skips)
}

func first(s string, n int) string { return s[:min(len(s), n)] }
