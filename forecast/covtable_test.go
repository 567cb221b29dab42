package forecast_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestCovariateTableLookup: the sorted table finds every customer of a
// file given in no particular order, with the customer's own vector, and
// no other id; an id given twice names the later line, wherever the
// first is.
func TestCovariateTableLookup(t *testing.T) {
	sc, err := forecast.LoadModels(bytes.NewReader(covModelJSON(t, "bgnbd-cov")), forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := sc.Covariates
	var f strings.Builder
	f.WriteString("customer_id,Channel,Age\n")
	ids := []string{"z", "a", "m", "", "é", "b9", "b10", "aa"}
	for k, id := range ids {
		fmt.Fprintf(&f, "%s,%s,%d\n", id, []string{"shop", "online", "phone"}[k%3], k)
	}
	tab, err := e.ReadTable(strings.NewReader(f.String()), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != len(ids) {
		t.Fatalf("Len %d, want %d", tab.Len(), len(ids))
	}
	for k, id := range ids {
		want, err := e.Encode(map[string]string{"Channel": []string{"shop", "online", "phone"}[k%3], "Age": fmt.Sprint(k)})
		if err != nil {
			t.Fatal(err)
		}
		z, ok := tab.Customer(id)
		if !ok || fmt.Sprint(z) != fmt.Sprint(want) {
			t.Errorf("customer %q: %v %v, want %v", id, z, ok, want)
		}
	}
	for _, id := range []string{"zz", "b", "a\x00", "0", "m "} {
		if z, ok := tab.Customer(id); ok {
			t.Errorf("customer %q not in the file: %v", id, z)
		}
	}
	var nilTab *forecast.CovariateTable
	if _, ok := nilTab.Customer("a"); ok || nilTab.Len() != 0 {
		t.Error("nil table has customers")
	}
	_, err = e.ReadTable(strings.NewReader("customer_id,Channel,Age\nm,shop,0\na,shop,1\nz,phone,2\nm,shop,3\n"), "f.csv")
	if !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), `line 5, column "customer_id": customer "m" again`) {
		t.Errorf("duplicate: %v", err)
	}
}
