package forecast

import (
	"context"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/paretonbd"
)

// dynOutlookDraws returns the answers' intervals (AnswerIntervals) of the
// model with time-varying covariates over the draws dps: each customer's
// clv.Outlook along the customer's own path under every draw
// (paretonbd.DynModel.Outlook, as the point answers are computed) and,
// with a schedule ts, w (nil: none), the discounted purchases
// Σ_k w_k (E[Y(t_k)] − E[Y(t_{k−1})]) along the path (ons[d], the paths
// prepared for draw d, one pass each); the intervals between the draws'
// quantiles at level (interval.OutlookOfDraws), one row per customer:
// customers of equal frequency, recency and T differ in their paths.
// Time: customers × draws × (an outlook and a pass along the path).
func dynOutlookDraws(ctx context.Context, dps []*dynPurchase, ons []*paretonbd.DynOnPaths, cs []clv.Customer, opts clv.OutlookOptions,
	ts, w []float64, level float64) (*interval.Outlooks, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("intervals: %w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	D := len(dps)
	rows := make([]interval.Outlook, len(cs))
	chunks := parallel.Chunks(len(cs))
	errs := make([]error, chunks)
	parallel.For(chunks, func(ch int) {
		lo, hi := parallel.Bounds(ch, len(cs))
		os := make([]clv.Outlook, D)
		var disc, cum []float64
		if ts != nil {
			disc, cum = make([]float64, D), make([]float64, len(ts))
		}
		for i := lo; i < hi; i++ {
			if ctx.Err() != nil {
				return
			}
			c := cs[i]
			path, pi := dps[0].tab.path(c), dps[0].tab.index(c)
			for d, dp := range dps {
				os[d] = dp.m.Outlook(c, path, opts)
				if ts == nil {
					continue
				}
				ons[d].AliveAndExpectedAt(pi, c, ts, cum)
				v, prev := 0.0, 0.0
				for k, e := range cum {
					v += (e - prev) * w[k]
					prev = e
				}
				disc[d] = v
				if math.IsNaN(v) {
					// Here, before the later draws' os and disc (still the
					// previous customer's) could be read.
					errs[ch] = fmt.Errorf("%w: customers[%d] (%q): along the covariate path: %w: draw %d's discounted purchases are NaN",
						clv.ErrInvalidCovariates, i, c.ID, interval.ErrBadDraws, d)
					return
				}
			}
			var err error
			if rows[i], err = interval.OutlookOfDraws(os, disc, level); err != nil {
				errs[ch] = fmt.Errorf("%w: customers[%d] (%q): along the covariate path: %w", clv.ErrInvalidCovariates, i, c.ID, err)
				return
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return interval.NewOutlooks(rows), nil
}
