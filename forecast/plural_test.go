package forecast_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestProgressOneCustomer: a log of one customer says "1 customer" in the
// progress output, never "1 customers" (the run itself fails: one
// customer does not determine a model).
func TestProgressOneCustomer(t *testing.T) {
	const log = "customer_id,date,amount\nA,2025-01-01,10\nA,2025-02-01,12\nA,2025-05-01,9\n"
	var progress bytes.Buffer
	forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "one.csv", Model: "bgnbd", Progress: &progress})
	out := progress.String()
	if !strings.Contains(out, "summarized 1 customer (") || !strings.Contains(out, "on 1 customer\n") {
		t.Errorf("progress does not say \"summarized 1 customer (\" and \"on 1 customer\":\n%s", out)
	}
	if strings.Contains(out, "1 customers") {
		t.Errorf("progress says \"1 customers\":\n%s", out)
	}
}
