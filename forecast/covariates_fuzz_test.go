package forecast

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// FuzzReadCovariates: any covariates file either reads, with one finite
// vector of the covariates' length for every customer of the log and a
// mean profile, or is an error wrapping clv.ErrInvalidCovariates; never a
// panic.
func FuzzReadCovariates(f *testing.F) {
	f.Add("customer_id,Channel,Age\na,web,1.5\nb,shop,2\nc,shop,-1\n", false, false)
	f.Add("id;g\na;1,5\nb;2\nc;3,25\n", true, true)
	f.Add("x,y\na,\"q,r\"\nb,s\nb,t\nzz,1\n", false, true)
	f.Add("customer_id,v\na,NaN\nb,Inf\nc,1e400\n", false, false)
	cs := []clv.Customer{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	f.Fuzz(func(t *testing.T, text string, semicolon, skip bool) {
		opts := csvio.Options{ID: "customer_id", SkipInvalid: skip}
		if semicolon {
			opts.Delimiter, opts.DecimalComma = ';', true
		}
		tab, err := readCovariates(strings.NewReader(text), "f.csv", opts, cs)
		if err != nil {
			if !errors.Is(err, clv.ErrInvalidCovariates) {
				t.Fatalf("error %v does not wrap clv.ErrInvalidCovariates", err)
			}
			return
		}
		z := tab.of(cs)
		if err := z.Check(len(cs)); err != nil {
			t.Fatalf("covariates of %q: %v", text, err)
		}
		if len(tab.info.Mean) != len(z.Names) {
			t.Fatalf("mean profile %v for %v", tab.info.Mean, z.Names)
		}
		for _, v := range tab.info.Mean {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("mean profile %v", tab.info.Mean)
			}
		}
	})
}
