package bgbb_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/bgbb"
)

// Donors of an annual drive: with the published estimates of Fader,
// Hardie & Shang (2010), the chance that a donor gives again next year and
// the donations expected over the next five years, by history over six
// drives.
func ExampleModel_ConditionalExpectedTransactions() {
	m, err := bgbb.New(bgbb.Params{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range []bgbb.Row{{X: 6, Recency: 6, N: 6}, {X: 3, Recency: 6, N: 6}, {X: 3, Recency: 3, N: 6}, {X: 0, Recency: 0, N: 6}} {
		fmt.Printf("gave %d of 6 years, last in year %d: alive next year %.2f, gifts in 5 years %.2f\n",
			r.X, r.Recency, m.ProbabilityAlive(r, 1), m.ConditionalExpectedTransactions(r, 5))
	}
	// Output:
	// gave 6 of 6 years, last in year 6: alive next year 0.93, gifts in 5 years 3.75
	// gave 3 of 6 years, last in year 6: alive next year 0.93, gifts in 5 years 2.19
	// gave 3 of 6 years, last in year 3: alive next year 0.09, gifts in 5 years 0.22
	// gave 0 of 6 years, last in year 0: alive next year 0.11, gifts in 5 years 0.07
}
