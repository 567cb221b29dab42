// Command forecast is clvkit's main job: from a transaction CSV to
// per-customer forecasts, segments, a holdout check and a report.
//
//	go run ./examples/forecast                       # the synthetic log in testdata/
//	go run ./examples/forecast mydata.csv            # the same as -in mydata.csv
//	go run ./examples/forecast -in log.csv -id customer -date day -amount value -out out/
//
// It writes to the output directory: forecast.csv (one row per customer),
// model.json (both fitted models), segments.csv (the segment summary),
// periods.csv (the forecast by month), cohorts.csv and kpis.csv (the log's
// cohorts and monthly KPIs), holdout.csv (with -calibration-end), and
// report.html with its PNG plots.
// Progress goes to stderr; bad input ends it with a message naming the line
// and exit status 1, a bad flag with exit status 2.
// -cpuprofile FILE and -memprofile FILE write a CPU profile of the run and
// its allocation profile, for go tool pprof.
package main

import "github.com/clvkit/clvkit/internal/cli"

func main() { cli.Main("forecast", run) }
