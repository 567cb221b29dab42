package sbg_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/clv/formula"
	"github.com/clvkit/clvkit/sbg"
)

// Fit the sBG to the "regular" cohort of Fader & Hardie (2007) on its
// first seven years and project retention.
func ExampleFit() {
	survivors := []float64{1000, 631, 468, 382, 326, 289, 262, 241}
	rs, err := sbg.CohortRecords(survivors)
	if err != nil {
		log.Fatal(err)
	}
	m, err := sbg.Fit(rs, sbg.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("alpha=%.3f beta=%.3f\n", p.Alpha, p.Beta)
	proj, _ := m.ProjectSurvivors(1000, 12)
	fmt.Printf("year 12: %.0f subscribers projected (actual 173)\n", proj[12])
	fmt.Printf("retention year 1: %.3f, year 12: %.3f\n", m.RetentionRate(1), m.RetentionRate(12))
	// Output:
	// alpha=0.704 beta=1.182
	// year 12: 170 subscribers projected (actual 173)
	// retention year 1: 0.627, year 12: 0.945
}

// The lesson for a business reader: a constant retention rate (the simple
// formula m·r/(1+d−r)) undervalues a subscriber base, because retention
// rises with tenure as the subscribers likely to leave go first (Fader &
// Hardie 2010). A subscriber pays 100 a year at the start of each year;
// the discount rate is 10%.
func ExampleModel_DERL() {
	m, _ := sbg.New(sbg.Params{Alpha: 0.704, Beta: 1.182, C: 1})
	r := m.RetentionRate(1) // the first year's retention, 62.7%
	simple, _ := formula.RetentionValue(100, r, 0.10, 0)
	fmt.Printf("new subscriber: constant retention %.0f, sBG %.0f\n", 100+simple, 100*m.DEL(0.10))
	for _, n := range []int{1, 4, 9} {
		v, _ := m.LifetimeValue(100, 0.10, n)
		fmt.Printf("after %d renewals: constant retention %.0f, sBG %.0f (churn at the next renewal %.1f%%)\n",
			n, simple, v, 100*m.ChurnNext(n))
	}
	// Output:
	// new subscriber: constant retention 232, sBG 370
	// after 1 renewals: constant retention 132, sBG 410 (churn at the next renewal 24.4%)
	// after 4 renewals: constant retention 132, sBG 589 (churn at the next renewal 12.0%)
	// after 9 renewals: constant retention 132, sBG 728 (churn at the next renewal 6.5%)
}
