package frame_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
	"github.com/clvkit/clvkit/segment/frame"
)

// Score ten customers and print the size of each segment.
func ExampleSummarize() {
	var cs []clv.Customer
	for i := range 10 {
		f := float64(i % 5)
		cs = append(cs, clv.Customer{ID: fmt.Sprint(i), Frequency: f, Recency: f * float64(i), T: 40, MonetaryValue: 10 * f})
	}
	scored, err := frame.Score(frame.FromCustomers(cs), segment.ScoreOptions{}, frame.Columns{})
	if err != nil {
		log.Fatal(err)
	}
	sum, err := frame.Summarize(scored, frame.ColSegment, frame.Columns{})
	if err != nil {
		log.Fatal(err)
	}
	names := sum.Col(frame.ColSegment).Records()
	n := sum.Col(frame.ColCustomers).Records()
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
