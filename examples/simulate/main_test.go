package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/gammagamma"
)

func TestGenerate(t *testing.T) {
	c := Config{Customers: 500, Seed: 3, Start: "2024-01-01", End: "2024-12-31",
		Purchase: bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}, Spend: gammagamma.Params{P: 6, Q: 4, Gamma: 15}}
	a, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(c)
	if len(a) != len(b) || len(a) < 500 {
		t.Fatalf("%d and %d transactions", len(a), len(b))
	}
	ids := map[string]bool{}
	end, _ := time.Parse(time.DateOnly, c.End)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("not deterministic at %d", i)
		}
		if a[i].amount <= 0 || a[i].day.After(end) || (i > 0 && a[i].day.Before(a[i-1].day)) {
			t.Fatalf("transaction %d: %+v", i, a[i])
		}
		ids[a[i].id] = true
	}
	if len(ids) != 500 {
		t.Errorf("%d customers, want 500", len(ids))
	}
	c.Start = "Jan"
	if _, err := Generate(c); err == nil {
		t.Error("bad start accepted")
	}
}

// TestRegeneratesTestdata: the default configuration writes
// testdata/transactions.csv and its parameters byte for byte.
func TestRegeneratesTestdata(t *testing.T) {
	out := filepath.Join(t.TempDir(), "transactions.csv")
	if _, err := write(defaultConfig(), out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"transactions.csv", "transactions.params.json"} {
		got, err := os.ReadFile(filepath.Join(filepath.Dir(out), name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from testdata/%s (%d vs %d bytes)", name, name, len(got), len(want))
		}
	}
}
