package campaign_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// A campaign on 4,000 customers, half of them contacted at random, judged
// on the 13 weeks after its date: the contacted bought 30% more than they
// would have (each of their purchases in the window brought another with
// probability 0.3). The model fitted up to the date gives what they would
// have bought anyway; the control group gives the difference in
// differences beside it.
func ExampleMeasure() {
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7} // weeks
	src := rand.NewPCG(1, 2)
	rng := rand.New(src)
	const window = 13.0
	var in campaign.Input
	for i := range 4000 {
		id := fmt.Sprint(i)
		T := 13 + 39*rng.Float64() // weeks from the first purchase to the date
		c := clv.Customer{ID: id, T: T}
		var o campaign.Outcome
		contacted := i%2 == 0
		for _, t := range truth.SimulatePurchases(src, T+window) {
			switch {
			case t <= T:
				c.Frequency, c.Recency = c.Frequency+1, t
			case contacted && rng.Float64() < 0.3:
				o.Purchases += 2
			default:
				o.Purchases++
			}
		}
		o.Revenue = 25 * o.Purchases
		in.Customers = append(in.Customers, c)
		in.Outcomes = append(in.Outcomes, o)
		if contacted {
			in.Contacted = append(in.Contacted, id)
		} else {
			in.Control = append(in.Control, id)
		}
	}
	pm, err := paretonbd.Fit(in.Customers, paretonbd.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// 200 draws of the parameters, for their uncertainty.
	ps, _ := pm.SampleParams(rand.NewPCG(3, 4), 200)
	var draws []clv.PurchaseModel
	for _, p := range ps {
		m, _ := paretonbd.New(p)
		draws = append(draws, m)
	}
	res, err := campaign.Measure(context.Background(), pm, nil, in, campaign.Options{
		Window: window, Level: 0.9, Draws: draws,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := res.Total
	fmt.Printf("contacted %d, control %d\n", e.Contacted, e.Control)
	fmt.Printf("bought %.0f, expected %.0f [%.0f, %.0f]\n", e.Purchases.Actual,
		e.Purchases.Expected.Value, e.Purchases.Expected.Low, e.Purchases.Expected.High)
	fmt.Printf("incremental (model): %.0f [%.0f, %.0f]\n", e.Purchases.Incremental.Value,
		e.Purchases.Incremental.Low, e.Purchases.Incremental.High)
	fmt.Printf("incremental (DiD):   %.0f [%.0f, %.0f]\n", e.DiDPurchases.Value, e.DiDPurchases.Low, e.DiDPurchases.High)
	fmt.Printf("control: bought %.0f, expected %.0f\n", e.ControlPurchases.Actual, e.ControlPurchases.Expected.Value)
	// Output:
	// contacted 2000, control 2000
	// bought 734, expected 558 [506, 616]
	// incremental (model): 176 [118, 228]
	// incremental (DiD):   183 [112, 254]
	// control: bought 593, expected 601
}
