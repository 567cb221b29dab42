package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// A service scores customers with the models of a run, read back from its
// model.json, as the run scored them.
func ExampleLoadModels() {
	f, err := os.Open("../testdata/transactions.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	cfg := forecast.Config{Model: "bgnbd", Months: 12, Discount: 0.01}
	res, err := forecast.Run(context.Background(), f, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var modelJSON bytes.Buffer // the file WriteFiles writes as model.json
	if err := res.WriteModelJSON(&modelJSON); err != nil {
		fmt.Println(err)
		return
	}

	// Later, elsewhere: the run's months, discount and margin, which
	// model.json does not record.
	sc, err := forecast.LoadModels(&modelJSON, forecast.ScorerOptions{Months: 12, Discount: 0.01})
	if err != nil {
		fmt.Println(err)
		return
	}
	fcs, err := sc.Score(context.Background(), []clv.Customer{{ID: "C00052", Frequency: 1, Recency: 30.714285714285715, T: 52, MonetaryValue: 19.65}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fc := fcs[0]
	fmt.Printf("%s: horizon %.2f weeks, P(alive) %.4f, %.4f purchases, CLV %.2f (%s)\n", sc.Name, sc.Horizon, fc.PAlive, fc.ExpectedPurchases, fc.CLV, forecast.ChurnTier(fc.PAlive))
	fmt.Println("same as the run:", fc == res.Forecasts[0])
	// Output:
	// bgnbd: horizon 52.14 weeks, P(alive) 0.6538, 0.6467 purchases, CLV 13.80 (at risk)
	// same as the run: true
}
