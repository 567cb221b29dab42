package model

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/stat/distuv"
)

// Bootstrap refits a model reps times on resampled customers and returns
// the estimates. The customers are compressed into distinct (x, t_x, T)
// rows (clv.Histogram) once; a resample of n customers with replacement
// gives each row a count that is, for large n, Poisson with the row's
// count as mean (the Poisson bootstrap), so a replicate is a reweighting of
// the rows, never a copy of the customers. fit fits weighted rows starting
// from the original estimate (a warm start: a few iterations). Replicates
// run on all cores, each with its own random stream derived from seed, so
// the result does not depend on the number of cores. A replicate whose fit
// fails is reported as an error.
func Bootstrap[P any](ctx context.Context, cs []clv.Customer, weights []float64, reps int, seed uint64,
	fit func(ctx context.Context, cs []clv.Customer, w []float64) (P, error)) ([]P, error) {
	if reps < 1 || reps > 100_000 {
		return nil, fmt.Errorf("bootstrap: %d replicates, want 1 to 100,000", reps)
	}
	if weights != nil && len(weights) != len(cs) {
		return nil, fmt.Errorf("bootstrap: %d weights for %d customers", len(weights), len(cs))
	}
	var h clv.Histogram
	for i, c := range cs {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		if err := h.Add(c, w); err != nil {
			return nil, fmt.Errorf("bootstrap: customers[%d]: %w", i, err)
		}
	}
	rows, counts := h.Customers()
	if len(rows) == 0 {
		return nil, errors.New("bootstrap: no customers")
	}
	out := make([]P, reps)
	errs := make([]error, reps)
	parallel.For(reps, func(r int) {
		if ctx.Err() != nil {
			errs[r] = ctx.Err()
			return
		}
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		w := make([]float64, len(counts))
		for i, c := range counts {
			w[i] = distuv.Poisson{Lambda: c, Src: rng}.Rand()
		}
		out[r], errs[r] = fit(ctx, rows, w)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return out, nil
}
