// Command cdnow reproduces the published CDNOW results of Fader, Hardie &
// Lee (2005) from the CDNOW sample: the BG/NBD, Pareto/NBD and gamma-gamma
// parameters, printed beside the paper's values (and MBG/NBD's), and the holdout table (mean purchases
// in weeks 40–78 by purchases in weeks 1–39). The paper shows that
// comparison as a chart of conditional expectations; the program prints the
// actual means and the model's predictions both at the fitted parameters
// and at the published ones, the values the chart plots.
//
//	go run ./examples/cdnow [-data ../shared/data]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/paretonbd"
)

func main() { cli.Main("cdnow", run) }

// run is the command: it parses args and prints the comparison to stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdnow", flag.ContinueOnError)
	dir := fs.String("data", datasets.DataDir(), "directory holding CDNOW_sample.txt (or set CLVKIT_DATA)")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	return reproduce(stdout, filepath.Join(*dir, "CDNOW_sample.txt"))
}

// paperParams are the BG/NBD estimates printed by Fader, Hardie & Lee (2005).
var paperParams = bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func reproduce(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// The sample: master id, sample id, date, CDs, dollars; no header.
	sum, err := csvio.Summarize(f, csvio.Options{Delimiter: ' ', NoHeader: true, ID: "2", Time: "3", Amount: "5"},
		clv.SummaryOptions{Unit: 7 * 24 * time.Hour, CalibrationEnd: day(1997, 9, 30), End: day(1998, 6, 30)})
	if err != nil {
		return err
	}
	pm, err := bgnbd.Fit(sum.Customers, bgnbd.FitOptions{})
	if err != nil {
		return err
	}
	sm, err := gammagamma.Fit(sum.Customers, gammagamma.FitOptions{})
	if err != nil {
		return err
	}
	p, g := pm.Params(), sm.Params()
	fmt.Fprintf(w, "CDNOW sample: %d customers, 39-week calibration, 39-week holdout\n\n", len(sum.Customers))
	fmt.Fprintf(w, "%-12s %12s %12s\n", "BG/NBD", "clvkit", "FHL 2005")
	for _, row := range []struct {
		name  string
		v     float64
		paper string
	}{{"r", p.R, fmt.Sprint(paperParams.R)}, {"alpha", p.Alpha, fmt.Sprint(paperParams.Alpha)}, {"a", p.A, fmt.Sprint(paperParams.A)},
		{"b", p.B, fmt.Sprint(paperParams.B)}, {"LL", pm.LogLikelihood(), "-9582.4"}} {
		fmt.Fprintf(w, "%-12s %12.4f %12s\n", row.name, row.v, row.paper)
	}
	pn, err := paretonbd.Fit(sum.Customers, paretonbd.FitOptions{})
	if err != nil {
		return err
	}
	mbg, err := bgnbd.Fit(sum.Customers, bgnbd.FitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		return err
	}
	q, mp := pn.Params(), mbg.Params()
	fmt.Fprintf(w, "\n%-12s %12s %12s\n", "Pareto/NBD", "clvkit", "FHL 2005")
	for _, row := range []struct {
		name  string
		v     float64
		paper string
	}{{"r", q.R, "0.55"}, {"alpha", q.Alpha, "10.58"}, {"s", q.S, "0.61"}, {"beta", q.Beta, "11.67"}, {"LL", pn.LogLikelihood(), "-9595.0"}} {
		fmt.Fprintf(w, "%-12s %12.4f %12s\n", row.name, row.v, row.paper)
	}
	fmt.Fprintf(w, "\n%-12s %12s\n", "MBG/NBD", "clvkit")
	for _, row := range []struct {
		name string
		v    float64
	}{{"r", mp.R}, {"alpha", mp.Alpha}, {"a", mp.A}, {"b", mp.B}, {"LL", mbg.LogLikelihood()}} {
		fmt.Fprintf(w, "%-12s %12.4f\n", row.name, row.v)
	}
	printIntervals(w, "BG/NBD", []string{"r", "alpha", "a", "b"}, pm.Params().Vector(), seOf(pm.StdErrors()), intervalsOf(pm.ParamIntervals(0.9)))
	printIntervals(w, "Pareto/NBD", []string{"r", "alpha", "s", "beta"}, pn.Params().Vector(), seOf(pn.StdErrors()), intervalsOf(pn.ParamIntervals(0.9)))
	fmt.Fprintf(w, "\n%-12s %12s %12s\n", "Gamma-Gamma", "clvkit", "FHL 2005b")
	for _, row := range []struct {
		name  string
		v     float64
		paper string
	}{{"p", g.P, "6.25"}, {"q", g.Q, "3.74"}, {"gamma", g.Gamma, "15.44"}} {
		fmt.Fprintf(w, "%-12s %12.4f %12s\n", row.name, row.v, row.paper)
	}
	printIntervals(w, "Gamma-Gamma", []string{"p", "q", "gamma"}, sm.Params().Vector(), seOf(sm.StdErrors()), intervalsOf(sm.ParamIntervals(0.9)))
	ev, err := assess.EvaluateHoldout(pm, sum.Customers, sum.Holdout, 7)
	if err != nil {
		return err
	}
	published, err := bgnbd.New(paperParams)
	if err != nil {
		return err
	}
	evp, err := assess.EvaluateHoldout(published, sum.Customers, sum.Holdout, 7)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nMean holdout purchases by calibration frequency (same-day purchases merged)\n")
	fmt.Fprintf(w, "%-6s %9s %8s %10s %10s\n", "x", "customers", "actual", "clvkit", "FHL 2005")
	for i, gr := range ev.Groups {
		label := fmt.Sprint(gr.Frequency)
		if i == len(ev.Groups)-1 {
			label += "+"
		}
		fmt.Fprintf(w, "%-6s %9d %8.2f %10.2f %10.2f\n", label, gr.Customers, gr.Actual, gr.Predicted, evp.Groups[i].Predicted)
	}
	fmt.Fprintf(w, "total  %9d %8.0f %10.1f %10.1f\n", len(sum.Customers), ev.TotalActual, ev.Model.TotalPredicted, evp.Model.TotalPredicted)
	fmt.Fprintf(w, "(clvkit: predicted at the fitted parameters; FHL 2005: at the published ones, the values\n"+
		"the paper's chart of conditional expectations plots.)\n")
	cmp, err := assess.CompareModels([]assess.Candidate{{Name: "BG/NBD", Model: pm}, {Name: "MBG/NBD", Model: mbg}, {Name: "Pareto/NBD", Model: pn}},
		sum.Customers, sum.Holdout, 7)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe three purchase models on the holdout period\n%-12s %10s %8s %8s %12s\n", "model", "LL", "BIC", "MAE", "total error")
	for _, s := range cmp.Scores {
		fmt.Fprintf(w, "%-12s %10.2f %8.1f %8.4f %+12.1f\n", s.Name, s.LogLikelihood, s.BIC, s.Holdout.Model.MAE, s.TotalError)
	}
	fmt.Fprintf(w, "%s\n", cmp.Reason)
	return nil
}

// vectorer is a parameter struct of any model.
type vectorer interface{ Vector() []float64 }

func seOf[P vectorer](p P, ok bool) []float64 {
	if !ok {
		return nil
	}
	return p.Vector()
}

func intervalsOf[P vectorer](lo, hi P, err error) [2][]float64 {
	if err != nil {
		return [2][]float64{}
	}
	return [2][]float64{lo.Vector(), hi.Vector()}
}

// printIntervals prints the standard errors and 90% intervals (Laplace, on
// the log scale) of a fit.
func printIntervals(w io.Writer, model string, names []string, est, se []float64, iv [2][]float64) {
	if se == nil || iv[0] == nil {
		fmt.Fprintf(w, "%s: no standard errors (Hessian not positive definite)\n", model)
		return
	}
	fmt.Fprintf(w, "%s standard errors and 90%% intervals:", model)
	for i, n := range names {
		fmt.Fprintf(w, " %s %.4g ± %.2g [%.4g, %.4g]", n, est[i], se[i], iv[0][i], iv[1][i])
	}
	fmt.Fprintln(w)
}
