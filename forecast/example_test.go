package forecast_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// Run the whole job on a transaction log and read the forecast of the
// first customer; res.WriteFiles("out") would write the CSV tables, the
// models and the report.
func ExampleRun() {
	f, err := os.Open("../testdata/transactions.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{
		CSV:      csvio.Options{ID: "customer_id", Time: "date", Amount: "amount"},
		Months:   12,
		Discount: 0.01,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("purchase model:", forecast.ModelTitle(res.Choice.Name))
	fmt.Println(res.Choice.Comparison.Reason)
	c, fc := res.Summary.Customers[0], res.Forecasts[0]
	fmt.Printf("%s: P(alive) %.2f, %.2f purchases next year, CLV %.2f, %s, %s\n",
		c.ID, fc.PAlive, fc.ExpectedPurchases, fc.CLV, res.RFM[0].Segment, res.Tiers.At(0).Action)
	// Output:
	// purchase model: MBG/NBD
	// mbgnbd has the lowest BIC (32498.1; bgnbd 32501.3, paretonbd 32554.1); no holdout period was given, so the choice rests on how well each model fits the data alone
	// C00052: P(alive) 0.62, 0.70 purchases next year, CLV 14.96, Potential Loyalist, reactivation campaign
}

// Read one customer's forecast as a typed row: everything forecast.csv
// has about the customer, for a program that embeds the job.
func ExampleResult_Customer() {
	f, err := os.Open("../testdata/transactions.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{Model: "bgnbd", Discount: 0.01})
	if err != nil {
		log.Fatal(err)
	}
	c, ok := res.Customer(0)
	if !ok {
		log.Fatal("no customer 0")
	}
	fmt.Printf("%s: %g repeat purchases, P(alive) %.2f, %.2f purchases next year, CLV %.2f\n",
		c.ID, c.Frequency, c.PAlive, c.ExpectedPurchases, c.CLV)
	fmt.Printf("RFM %s (%s), %s, %s: %s\n", c.RFM.Code(), c.RFM.Segment, c.Tier.Value, c.Tier.Churn, c.Tier.Action)
	_, ok = res.Customer(len(res.Forecasts))
	fmt.Println("a customer past the last:", ok)
	// Output:
	// C00052: 1 repeat purchases, P(alive) 0.65, 0.65 purchases next year, CLV 13.80
	// RFM 434 (Potential Loyalist), top 50%, at risk: reactivation campaign
	// a customer past the last: false
}
