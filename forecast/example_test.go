package forecast_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/clvkit/clvkit/clv"
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
		CSV:      clv.CSVOptions{ID: "customer_id", Time: "date", Amount: "amount"},
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
		c.ID, fc.PAlive, fc.ExpectedPurchases, fc.CLV, res.RFM[0].Segment, res.Tiers[0].Action)
	// Output:
	// purchase model: MBG/NBD
	// mbgnbd has the lowest BIC (32498.1; bgnbd 32501.3, paretonbd 32554.1); no holdout period was given, so the choice rests on how well each model fits the data alone
	// C00052: P(alive) 0.62, 0.70 purchases next year, CLV 14.96, Potential Loyalist, reactivation campaign
}
