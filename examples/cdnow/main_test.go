package main

import (
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/datasets"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out, datasets.Data(t, "CDNOW_sample.txt")); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	// Fitted from the raw log (exact times and amounts), the estimates are
	// the published ones to every printed digit: r=0.2426, α=4.4136,
	// a=0.7929, b=2.4259, LL=−9582.43; p=6.25, q=3.74, γ=15.44. (The summary
	// CSV rounds times and zbar to 2 decimals, which moves α, b and γ in the
	// 4th digit; see the bgnbd and gammagamma tests.)
	for _, want := range []string{"r                  0.2426", "alpha              4.4136", "a                  0.7929",
		"b                  2.4259", "LL             -9582.4292", "p                  6.2496", "q                  3.7442", "gamma             15.4435",
		// The holdout table: actual means, predictions at the fitted and
		// at the published parameters (which round the fitted ones, so
		// the two agree to the printed cent in every row).
		"0           1411     0.24       0.23       0.23", "1            439     0.70       0.52       0.52",
		"7+            64     6.36       6.16       6.16", "total       2357     1882     1653.4     1653.9",
		// Pareto/NBD from the raw log, beside the published r=0.55,
		// α=10.58, s=0.61, β=11.67, LL=−9595.0.
		"s                  0.6062         0.61", "beta              11.6687        11.67", "LL             -9594.9762      -9595.0",
		"Pareto/NBD has the lowest holdout MAE",
		// Standard errors as the reference's (r 0.0126, α 0.378, a 0.186,
		// b 0.705), with 90% intervals on the log scale.
		"BG/NBD standard errors and 90% intervals: r 0.2426 ± 0.013 [0.2228, 0.2642] alpha 4.414 ± 0.38 [3.833, 5.082] a 0.7929 ± 0.19"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}
