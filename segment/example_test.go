package segment_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// Score ten customers and print the size of each segment.
func ExampleSummarize() {
	var cs []clv.Customer
	for i := range 10 {
		f := float64(i % 5)
		cs = append(cs, clv.Customer{ID: fmt.Sprint(i), Frequency: f, Recency: f * float64(i), T: 40, MonetaryValue: 10 * f})
	}
	scored, err := segment.Score(segment.FromCustomers(cs), segment.ScoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	sum, err := segment.Summarize(scored, segment.ColSegment, segment.Columns{})
	if err != nil {
		log.Fatal(err)
	}
	names := sum.Col(segment.ColSegment).Records()
	n := sum.Col(segment.ColCustomers).Records()
	for i := range names {
		fmt.Printf("%-18s %s\n", names[i], n[i])
	}
	// Output:
	// Champions          3
	// Lost               2
	// At Risk            1
	// Hibernating        1
	// Loyal              1
	// Need Attention     1
	// Potential Loyalist 1
}
