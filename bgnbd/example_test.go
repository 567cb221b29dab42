package bgnbd_test

import (
	"fmt"
	"log"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// Fit a BG/NBD model to 20,000 customers simulated from known parameters.
func ExampleFit() {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	T := make([]float64, 20000)
	for i := range T {
		T[i] = 39 // every customer observed 39 weeks
	}
	customers, err := truth.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		log.Fatal(err)
	}
	m, err := bgnbd.Fit(customers, bgnbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("r=%.2f alpha=%.1f a=%.2f b=%.1f status=%v\n", p.R, p.Alpha, p.A, p.B, m.FitInfo().Status)
	// Output:
	// r=0.25 alpha=4.1 a=0.79 b=2.4 status=converged
}

// The probability that a CDNOW customer is still active, with the
// parameters of Fader, Hardie & Lee (2005).
func ExampleModel_ProbabilityAlive() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	// Two repeat purchases, the last in week 30.43 of 38.86.
	fmt.Printf("%.3f\n", m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}))
	// The same purchases, the last in week 5.
	fmt.Printf("%.3f\n", m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 5, T: 38.86}))
	// Output:
	// 0.727
	// 0.124
}

// Expected purchases in the next 39 weeks for a CDNOW customer.
func ExampleModel_ConditionalExpectedPurchases() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}
	fmt.Printf("%.3f\n", m.ConditionalExpectedPurchases(c, 39))
	// Output:
	// 1.226
}

// Under MBG/NBD a one-time buyer may have dropped out right after the first
// purchase: P(alive) falls below 1 as the first purchase recedes, whereas
// BG/NBD keeps such customers alive for sure. Parameters: the MBG/NBD fit
// to CDNOW.
func ExampleNewVariant() {
	mbg, err := bgnbd.NewVariant(bgnbd.MBGNBD, bgnbd.Params{R: 0.525, Alpha: 6.18, A: 0.891, B: 1.61})
	if err != nil {
		log.Fatal(err)
	}
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.41, A: 0.793, B: 2.43})
	for _, weeks := range []float64{4, 26, 78} {
		c := clv.Customer{T: weeks} // one purchase, weeks ago
		fmt.Printf("%2.0f weeks: MBG/NBD %.2f, BG/NBD %.2f\n", weeks, mbg.ProbabilityAlive(c), bg.ProbabilityAlive(c))
	}
	// Output:
	//  4 weeks: MBG/NBD 0.58, BG/NBD 1.00
	// 26 weeks: MBG/NBD 0.43, BG/NBD 1.00
	// 78 weeks: MBG/NBD 0.31, BG/NBD 1.00
}

// Confidence intervals for the parameters and for a forecast: fit 20,000
// simulated customers, then carry the parameters' uncertainty into the
// expected purchases of the whole base next year by scoring draws of the
// parameters.
func ExampleModel_ParamIntervals() {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	T := make([]float64, 20000)
	for i := range T {
		T[i] = 26 + float64(i%27)
	}
	customers, _ := truth.Simulate(rand.NewPCG(1, 8), T)
	m, err := bgnbd.Fit(customers, bgnbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	lo, hi, err := m.ParamIntervals(0.9)
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("r %.3f [%.3f, %.3f]\n", p.R, lo.R, hi.R)
	fmt.Printf("b %.2f [%.2f, %.2f]\n", p.B, lo.B, hi.B)

	draws, _ := m.SampleParams(rand.NewPCG(5, 6), 200)
	totals := make([]float64, len(draws))
	for i, d := range draws {
		dm, _ := bgnbd.New(d)
		e, _ := dm.ConditionalExpectedPurchasesAll(customers, 52)
		for _, v := range e {
			totals[i] += v
		}
	}
	slices.Sort(totals)
	e, _ := m.ConditionalExpectedPurchasesAll(customers, 52)
	sum := 0.0
	for _, v := range e {
		sum += v
	}
	fmt.Printf("expected purchases next year: %.0f, 90%% interval [%.0f, %.0f]\n", sum, totals[9], totals[189])
	// Output:
	// r 0.250 [0.244, 0.257]
	// b 2.63 [2.29, 3.03]
	// expected purchases next year: 17771, 90% interval [17205, 18201]
}
