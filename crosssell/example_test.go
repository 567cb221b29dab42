package crosssell_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/clvkit/clvkit/crosssell"
)

// Fit products bought together, suggest to each customer what they have
// not bought, and read the affinity table.
func Example() {
	const log = `customer_id,date,product
ann,2024-01-03,tent
ann,2024-01-03,stove
bob,2024-01-10,tent
bob,2024-02-01,sleeping bag
bob,2024-02-01,stove
cyd,2024-03-15,tent
cyd,2024-03-15,sleeping bag
dan,2024-04-02,novel
eve,2024-04-20,stove
`
	rd, err := crosssell.NewReader(strings.NewReader(log), crosssell.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	baskets, _, err := crosssell.ReadBaskets(rd, time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := crosssell.Fit(baskets, crosssell.Options{PairMinCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	all, _ := m.SuggestAll(baskets, 2)
	for c := range baskets.NumCustomers() {
		fmt.Printf("%s:", baskets.Customer(c))
		for _, s := range all.For(c) {
			if s.Popular {
				fmt.Printf(" %s (popular)", s.Product)
			} else {
				fmt.Printf(" %s (%.2f)", s.Product, s.Score)
			}
		}
		fmt.Println()
	}
	for _, p := range m.Pairs() {
		fmt.Printf("%s + %s: %d customers, support %.2f, confidence %.2f/%.2f, lift %.2f\n",
			p.A, p.B, p.Count, p.Support, p.ConfidenceAB, p.ConfidenceBA, p.Lift)
	}
	// Output:
	// ann: sleeping bag (1.00) novel (popular)
	// bob: novel (popular)
	// cyd: stove (1.17) novel (popular)
	// dan: stove (popular) tent (popular)
	// eve: tent (0.67) sleeping bag (0.33)
	// sleeping bag + tent: 2 customers, support 0.40, confidence 1.00/0.67, lift 1.67
	// stove + tent: 2 customers, support 0.40, confidence 0.67/0.67, lift 1.11
}
