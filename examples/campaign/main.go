// Command campaign walks a second-purchase discount for one-time buyers
// end to end: it picks the customers who have bought once by the campaign
// date, contacts half of them at random (the other half is the control
// group), takes what they bought in the window after the date, measures
// the effect against the baseline of a purchase model fitted on the log up
// to the date, and computes the return on the discount's cost.
//
//	go run ./examples/campaign                         # a simulated log, contacted buying 30% more
//	go run ./examples/campaign -uplift 0               # no effect: the estimates cover zero
//	go run ./examples/campaign -log testdata/transactions.csv -model bgnbd
//
// Without -log it simulates the log: Pareto/NBD customers (time unit
// weeks) whose first purchase falls in the 39 weeks before the date, and
// Gamma-Gamma spend; the contacted buy at 1 + uplift times their rate in
// the window, and the table shows the purchases the uplift caused beside
// the estimates. With -log it reads a transaction log (customer_id, date,
// amount) covering the window, and the contacted and control ids from
// -contacted and -control (files of one id a line); without them it splits
// the one-time buyers at random, a placebo whose true effect is zero.
package main

import "github.com/clvkit/clvkit/internal/cli"

func main() { cli.Main("campaign", run) }
