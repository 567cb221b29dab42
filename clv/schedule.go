package clv

// Schedule checks o and returns the grid of its lifetime value: the
// horizons t_1 < t_2 < ... < t_m and the weights w_j with which
//
//	CLV = margin · E[M] · Σ_j w_j (E[Y(t_j)] − E[Y(t_{j−1})]),  t_0 = 0,
//
// as LifetimeValue computes it (the ts and w that DiscountedPurchases
// takes), and the margin (1 when o.Margin is zero). Without Continuous,
// t_j = jℓ and w_j = (1+d)^−j for the periods j = 1..n of length ℓ; with
// it, 16 steps a period, each weighted by the continuous discount at its
// midpoint.
func (o ValueOptions) Schedule() (ts, w []float64, margin float64, err error) {
	if err := o.check(); err != nil {
		return nil, nil, 0, err
	}
	s := newSchedule(o)
	return s.ts, s.disc, o.Margin, nil
}
