// Command subscriptions values a subscription business: it reads a log of
// subscriptions (customer, start, end or empty while subscribed), fits the
// sBG and BdW retention models, compares them, projects retention, and
// values every active subscriber by their discounted expected residual
// lifetime (DERL) beside the constant-retention formula.
//
//	go run ./examples/subscriptions                  # testdata/subscriptions.csv
//	go run ./examples/subscriptions -in log.csv -end 2024-12-31
//	go run ./examples/subscriptions -generate testdata/subscriptions.csv
//
// -end is the date the log was extracted. Without it the end of
// observation is the latest date in the log, and the program says which
// line it came from: one cancellation dated years ahead would otherwise
// credit every active subscriber with renewals up to it. With -end, a date
// after it is an error naming the line, unless -clip-after-end, which
// counts a subscription ending after -end as active at -end.
//
// It writes subscribers.csv (per active subscriber: renewals, probability
// of cancelling at the next renewal, DERL and value) and retention.png
// (the oldest cohort's survival, actual and projected) into -out.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv/formula"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/sbg"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func main() { cli.Main("subscriptions", run) }

// config is what the flags set.
type config struct {
	in, out          string
	margin, discount float64
	end              time.Time // zero: the latest date in the log
	clipAfterEnd     bool
}

// run is the command: it parses args, writes the files and prints the
// analysis to stdout.
// staleGap is how far -end may lie after the log's latest date before
// the program notes it: a month, a renewal period.
const staleGap = 31 * 24 * time.Hour

func run(args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("subscriptions", flag.ContinueOnError)
	fs.String("in", cli.ModuleFile("testdata/subscriptions.csv"), "subscription CSV: customer_id, start, end (empty while subscribed); or give it as the argument")
	fs.StringVar(&c.out, "out", "out", "output directory")
	fs.Float64Var(&c.margin, "margin", 10, "margin per subscriber and month")
	fs.Float64Var(&c.discount, "discount", 0.01, "discount rate per month")
	end := fs.String("end", "", "end of observation, YYYY-MM-DD: the date the log was extracted (default: the latest date in the log)")
	fs.BoolVar(&c.clipAfterEnd, "clip-after-end", false, "count a subscription ending after -end as active at -end (default: such a row is an error)")
	gen := fs.String("generate", "", "write the synthetic subscription log to this file and stop")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	var err error
	if c.in, err = cli.Input(fs, "in"); err != nil {
		return err
	}
	if *end != "" {
		t, err := time.Parse(time.DateOnly, *end)
		if err != nil {
			return cli.Usagef("-end %q: want a date YYYY-MM-DD", *end)
		}
		c.end = t
	}
	if c.clipAfterEnd && c.end.IsZero() {
		return cli.Usagef("-clip-after-end needs -end, the date the log was extracted")
	}
	if !(c.margin > 0) || math.IsInf(c.margin, 0) {
		return cli.Usagef("-margin %v: want a margin per subscriber and month > 0", c.margin)
	}
	if !(c.discount >= 0) || math.IsInf(c.discount, 0) {
		return cli.Usagef("-discount %v: want a rate per month ≥ 0", c.discount)
	}
	if *gen != "" {
		return os.WriteFile(*gen, generate(), 0o644)
	}
	return analyze(stdout, c)
}

// Truth of the synthetic log: monthly renewals, BdW with c < 1 (a
// subscriber's own cancellation probability falls with tenure).
var truth = sbg.Params{Alpha: 1.2, Beta: 6, C: 0.8}

// generate returns the synthetic log: 4,000 subscribers starting over 2023
// and 2024, observed to 2024-12-31; deterministic.
func generate() []byte {
	src := rand.NewPCG(2024, 12)
	rng := rand.New(src)
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	var b []byte
	b = append(b, "customer_id,start,end\n"...)
	for i := range 4000 {
		start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(730))
		// Renewals survived, as in sbg.Params.SimulateCohort.
		theta := betaDraw(rng, truth.Alpha, truth.Beta)
		lt := math.Log(1-rng.Float64()) / math.Log1p(-theta)
		t := int(math.Min(math.Floor(math.Pow(lt, 1/truth.C)), 1000))
		cancel := start.AddDate(0, t+1, -1-rng.IntN(20)) // before the renewal it skips
		if cancel.Before(start.AddDate(0, t, 0)) {
			cancel = start.AddDate(0, t, 1)
		}
		endField := ""
		if !cancel.After(end) {
			endField = cancel.Format(time.DateOnly)
		}
		b = fmt.Appendf(b, "S%05d,%s,%s\n", i, start.Format(time.DateOnly), endField)
	}
	return b
}

// betaDraw draws from Beta(a, b) as X/(X+Y) with gamma variates
// (Marsaglia–Tsang), so the log does not depend on another library's
// sampler.
func betaDraw(rng *rand.Rand, a, b float64) float64 {
	x, y := gammaDraw(rng, a), gammaDraw(rng, b)
	return x / (x + y)
}

func gammaDraw(rng *rand.Rand, a float64) float64 {
	if a < 1 {
		return gammaDraw(rng, a+1) * math.Pow(rng.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if u := rng.Float64(); math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func analyze(w io.Writer, c config) error {
	in, outDir, margin, discount := c.in, c.out, c.margin, c.discount
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	subs, err := sbg.ReadSubscriptions(f, sbg.ReadOptions{Period: sbg.Monthly, ObservationEnd: c.end, ClipAfterEnd: c.clipAfterEnd})
	if err != nil {
		if errors.Is(err, sbg.ErrAfterObserved) {
			err = fmt.Errorf("%w (-end %s; -clip-after-end counts a subscription ending later as active)", err, c.end.Format(time.DateOnly))
		}
		return fmt.Errorf("%s: %w", in, err)
	}
	rs := subs.Records()
	fmt.Fprintf(w, "%s: %d subscriptions in %d monthly cohorts, %d still active on %s\n",
		in, subs.Rows, len(subs.Cohorts), len(subs.Active), subs.ObservationEnd.Format(time.DateOnly))
	if subs.EndLine > 0 {
		fmt.Fprintf(w, "  observed to %s, the latest date in the log (line %d); if the log was extracted earlier, pass -end\n",
			subs.ObservationEnd.Format(time.DateOnly), subs.EndLine)
	}
	if gap := subs.ObservationEnd.Sub(subs.Latest); subs.EndLine == 0 && gap > staleGap {
		fmt.Fprintf(w, "  note: -end %s is %d days after the latest date in the log (%s, line %d): every active subscriber is "+
			"taken to have renewed through them; if the log was extracted earlier, pass that date as -end\n",
			subs.ObservationEnd.Format(time.DateOnly), int(gap.Hours()/24), subs.Latest.Format(time.DateOnly), subs.LatestLine)
	}
	if subs.Clipped > 0 {
		fmt.Fprintf(w, "  %d subscriptions ending after -end counted as active on %s\n", subs.Clipped, subs.ObservationEnd.Format(time.DateOnly))
	}
	sm, err := sbg.Fit(rs, sbg.FitOptions{})
	if err != nil {
		return err
	}
	bm, err := sbg.Fit(rs, sbg.FitOptions{DurationDependence: true})
	if err != nil {
		return err
	}
	best := sm
	if bm.FitInfo().BIC() < sm.FitInfo().BIC() {
		best = bm
	}
	for _, m := range []*sbg.Model{sm, bm} {
		fmt.Fprintf(w, "  %-50v AIC %9.1f  BIC %9.1f\n", m, m.FitInfo().AIC(), m.FitInfo().BIC())
	}
	fmt.Fprintf(w, "chosen by BIC: %s", best.Name())
	if best == bm {
		c := bm.Params().C
		dir := "falls"
		if c > 1 {
			dir = "rises"
		}
		fmt.Fprintf(w, " (c = %.2f: a subscriber's own cancellation probability %s with tenure)", c, dir)
	}
	fmt.Fprintln(w)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := retentionPlot(subs, best, filepath.Join(outDir, "retention.png")); err != nil {
		return err
	}
	// Value: the constant-retention formula with the first month's retention
	// against the model's DERL.
	r1 := best.RetentionRate(1)
	simple, err := formula.RetentionValue(margin, r1, discount, 0)
	if err != nil {
		return err
	}
	fo, err := os.Create(filepath.Join(outDir, "subscribers.csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(fo)
	cw.Write([]string{"customer_id", "cohort", "renewals", "p_cancel_next", "derl", "value", "value_constant_retention"})
	var total float64
	derl := map[int]float64{} // by renewals: subscribers with equal tenure share it
	for _, a := range subs.Active {
		d, ok := derl[a.Renewals]
		if !ok {
			v, err := best.LifetimeValue(1, discount, a.Renewals)
			if err != nil {
				fo.Close()
				return err
			}
			d, derl[a.Renewals] = v, v
		}
		total += margin * d
		cw.Write([]string{a.ID, a.Cohort, strconv.Itoa(a.Renewals), ff(best.ChurnNext(a.Renewals)),
			ff(d), ff(margin * d), ff(simple)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		fo.Close()
		return err
	}
	if err := fo.Close(); err != nil {
		return err
	}
	newSub := margin * best.DEL(discount)
	fmt.Fprintf(w, "value of the %d active subscribers: %.0f by %s, %.0f by the constant-retention formula\n",
		len(subs.Active), total, best.Name(), simple*float64(len(subs.Active)))
	fmt.Fprintf(w, "value of a new subscriber: %.2f by %s, %.2f by the constant-retention formula\n",
		newSub, best.Name(), margin+simple)
	fmt.Fprintf(w, "The lesson: with one retention rate (%.1f%%, the first month's) every subscriber looks alike. "+
		"In fact retention rises with tenure (month 12: %.1f%%) because those likely to cancel leave first, "+
		"so the subscribers who remain are worth more than the simple formula says.\n", 100*r1, 100*best.RetentionRate(12))
	fmt.Fprintf(w, "wrote subscribers.csv and retention.png to %s\n", outDir)
	return nil
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// retentionPlot draws the oldest cohort's actual share still subscribed by
// month beside the model's projection.
func retentionPlot(subs *sbg.Subscriptions, m *sbg.Model, path string) error {
	c := subs.Cohorts[0]
	months := 0
	for _, r := range c.Records {
		months = max(months, r.Renewals)
	}
	alive := make([]float64, months+1) // subscribers observed to have made ≥ t renewals
	for _, r := range c.Records {
		for t := 0; t <= r.Renewals; t++ {
			alive[t] += r.Count
		}
	}
	var act, mod plotter.XYs
	for t := range alive {
		act = append(act, plotter.XY{X: float64(t), Y: alive[t] / float64(c.Size)})
	}
	for t := 0; t <= months+12; t++ {
		mod = append(mod, plotter.XY{X: float64(t), Y: m.Survival(t)})
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Cohort %s: share still subscribed, actual vs %s", c.Name, m.Name())
	p.X.Label.Text = "months since sign-up"
	p.Y.Label.Text = "share subscribed"
	la, err := plotter.NewLine(act)
	if err != nil {
		return err
	}
	lm, err := plotter.NewLine(mod)
	if err != nil {
		return err
	}
	lm.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(la, lm)
	p.Legend.Add("actual", la)
	p.Legend.Add(m.Name()+" projection", lm)
	p.Legend.Top = true
	return p.Save(7*vg.Inch, 4*vg.Inch, path)
}
