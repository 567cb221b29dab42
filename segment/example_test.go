package segment_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// Score customers and assign tiers on plain slices, without a DataFrame:
// the core that the forecast job uses.
func ExampleScoreCustomers() {
	cs := []clv.Customer{
		{ID: "ann", Frequency: 8, Recency: 50, T: 52, MonetaryValue: 60},
		{ID: "bob", Frequency: 0, Recency: 0, T: 50, MonetaryValue: 0},
		{ID: "cy", Frequency: 2, Recency: 20, T: 40, MonetaryValue: 25},
		{ID: "dee", Frequency: 5, Recency: 45, T: 46, MonetaryValue: 30},
		{ID: "eve", Frequency: 1, Recency: 3, T: 30, MonetaryValue: 15},
	}
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	tiers, err := segment.TierCustomers([]float64{0.95, 0.2, 0.5, 0.9, 0.1}, []float64{400, 5, 60, 250, 8},
		segment.TierOptions{TopShares: []float64{0.2, 0.6}})
	if err != nil {
		log.Fatal(err)
	}
	for i, c := range cs {
		fmt.Printf("%-3s %s %-18s %-8s %-11s %s\n", c.ID, rfm[i].Code(), rfm[i].Segment, tiers[i].Value, tiers[i].Churn, tiers[i].Action)
	}
	// Output:
	// ann 455 Champions          top 20%  active      reward loyalty
	// bob 111 Lost               rest     likely lost low-cost win-back
	// cy  333 Need Attention     top 60%  at risk     retention offer
	// dee 544 Champions          top 60%  active      reward loyalty
	// eve 222 Hibernating        rest     likely lost low-cost win-back
}
