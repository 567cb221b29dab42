package plots_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/plots"
)

// The probability-alive matrix of the CDNOW BG/NBD model for customers
// observed 39 weeks; p.Save("p_alive.png") or p.Save("p_alive.svg") writes
// it.
func ExampleFrequencyRecency() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
	if err != nil {
		log.Fatal(err)
	}
	p, err := plots.FrequencyRecency("P(alive) by frequency and recency", 20, 39, "weeks", m.ProbabilityAlive)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	fmt.Println(p.X.Label.Text)
	fmt.Println(m.ProbabilityAlive(clv.Customer{Frequency: 20, Recency: 10, T: 39}) < 0.01)
	// Output:
	// P(alive) by frequency and recency
	// recency (weeks from first to last purchase), T = 39.0
	// true
}
