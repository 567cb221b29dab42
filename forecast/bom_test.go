package forecast

import (
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// TestReadersSkipBOM: files saved by a spreadsheet as "CSV UTF-8" start
// with a byte-order mark, here before a quoted header: the covariates,
// the dynamic covariates and the campaign's id files read as without it.
func TestReadersSkipBOM(t *testing.T) {
	const bom = "\ufeff"
	cs := []clv.Customer{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	tab, err := readCovariates(strings.NewReader(bom+"\"customer_id\",\"channel\"\r\n\"a\",\"web\"\r\n\"b\",\"shop\"\r\n\"c\",\"shop\"\r\n"),
		"cov.csv", csvio.Options{ID: "customer_id"}, cs)
	if err != nil {
		t.Fatalf("covariates: %v", err)
	}
	if z := tab.of(cs); len(z.Names) != 1 || z.Names[0] != "channel=web" {
		t.Errorf("covariates %q, want [channel=web]", z.Names)
	}
	f, err := ReadDynamicCovariates(strings.NewReader(bom+"\"customer_id\",\"date\",\"promo\"\r\n\"a\",\"2024-01-01\",\"1\"\r\n"),
		"dyn.csv", csvio.Options{ID: "customer_id", Time: "date"})
	if err != nil {
		t.Fatalf("dynamic covariates: %v", err)
	}
	if len(f.byID["a"]) != 1 {
		t.Errorf("dynamic covariates of a: %v", f.byID["a"])
	}
	cfg := Config{Campaign: &CampaignConfig{Contacted: strings.NewReader(bom + "customer_id\r\nb\r\n"), ContactedName: "c.txt",
		Control: strings.NewReader(bom + "c\r\n"), ControlName: "k.txt"}}
	contacted, control, err := readCampaignIDs(cfg, cs)
	if err != nil || len(contacted) != 1 || contacted[0] != 1 || len(control) != 1 || control[0] != 2 {
		t.Errorf("campaign ids: %v %v %v, want [1] [2]", contacted, control, err)
	}
}
