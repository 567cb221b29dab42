package forecast_test

import (
	"bytes"
	"context"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"html"
	"strings"
	"testing"
	"time"
)

// TestDynamicAnswerIntervalsNote: AnswerIntervals with the model with
// time-varying covariates, which does not compute the answers'
// intervals: Result.AnswerIntervals is nil, and the progress output and
// the report say that their columns are empty, rather than leaving them
// empty unexplained.
func TestDynamicAnswerIntervalsNote(t *testing.T) {
	log, covs := dynLog(120)
	var progress bytes.Buffer
	cfg := forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"}, End: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC),
		Months: 6, Unit: week, Model: forecast.DynamicModelName, Interval: 0.9, IntervalDraws: 20, AnswerIntervals: true,
		DynamicCovariates: strings.NewReader(covs), Progress: &progress}
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.AnswerIntervals != nil {
		t.Fatalf("AnswerIntervals computed for %d customers: drop the note", res.AnswerIntervals.Len())
	}
	const want = "the answers' intervals (Config.AnswerIntervals, -answer-intervals) are not computed for paretonbd-dyn"
	if !strings.Contains(progress.String(), "note: "+want) {
		t.Errorf("progress does not say %q:\n%s", want, progress.String())
	}
	figs, err := res.Figures()
	if err != nil {
		t.Fatal(err)
	}
	var rep bytes.Buffer
	if err := res.WriteReport(&rep, figs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.UnescapeString(rep.String()), want) {
		t.Errorf("the report does not say %q", want)
	}
}
