package forecast_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// BenchmarkDynamicIntervals runs the job with the model with time-varying
// covariates (Model paretonbd-dyn) on the apparel estimation period (600
// customers) and on 10⁴ simulated customers (dynLog), without intervals
// and with 200 parameter draws, without and with the answers' intervals
// (AnswerIntervals), reporting CPU seconds per run: the draws' cost is
// the difference.
func BenchmarkDynamicIntervals(b *testing.B) {
	type data struct {
		name, log, covs string
		cfg             forecast.Config
	}
	var sets []data
	if raw, err := os.ReadFile("../../shared/data/apparel_transactions.csv"); err == nil {
		if covs, err := os.ReadFile("../../shared/data/apparel_dynamic_covariates.csv"); err == nil {
			sets = append(sets, data{"apparel", logTo(string(raw), "2006-12-31"), string(covs), forecast.Config{
				CSV: csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}, End: time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC),
				Months: 12, Unit: week, Discount: 0.01, Margin: 1}})
		}
	}
	log, covs := dynLog(10000)
	sets = append(sets, data{"10000", log, covs, forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"},
		End: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC), Months: 12, Unit: week, Discount: 0.01, Margin: 1}})
	for _, s := range sets {
		for _, draws := range []int{0, 200, -200} {
			name := s.name + "/none"
			switch {
			case draws > 0:
				name = s.name + "/200draws"
			case draws < 0:
				name = s.name + "/200draws+answers"
			}
			b.Run(name, func(b *testing.B) {
				cfg := s.cfg
				cfg.Model = forecast.DynamicModelName
				if draws != 0 {
					cfg.Interval, cfg.IntervalDraws, cfg.AnswerIntervals = 0.9, max(draws, -draws), draws < 0
				}
				measure(b, func() error {
					cfg.DynamicCovariates = strings.NewReader(s.covs)
					_, err := forecast.Run(context.Background(), strings.NewReader(s.log), cfg)
					return err
				})
			})
		}
	}
}
