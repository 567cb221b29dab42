package forecast_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// TestLookup: every customer of a state saved by a run on the shipped log
// is found, with the summary of that run's Summary.Customers, bit for bit
// (at the run's end and unit); ids not in it are not found; a later end
// lengthens T only; a corrupt file is refused as LoadState refuses it.
func TestLookup(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := &forecast.State{}
	res, err := forecast.RunIncremental(context.Background(), st, f, forecast.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := st.Save(&b); err != nil {
		t.Fatal(err)
	}
	l, err := forecast.LoadLookup(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sum := res.Summary
	if l.Len() != len(sum.Customers) || !l.End.Equal(sum.End) || !l.Last.Equal(sum.Last) {
		t.Fatalf("lookup of %d customers, end %v, last %v; the run: %d, %v, %v", l.Len(), l.End, l.Last, len(sum.Customers), sum.End, sum.Last)
	}
	unit := res.Config.Unit
	for _, c := range sum.Customers {
		got, ok := l.Customer(c.ID, sum.End, unit)
		if !ok || got != c {
			t.Fatalf("customer %q: %+v %v, the run's %+v", c.ID, got, ok, c)
		}
		later, _ := l.Customer(c.ID, sum.End.Add(7*24*time.Hour), unit)
		if later.T-c.T < 1-1e-12 || later.T-c.T > 1+1e-12 || later.Recency != c.Recency || later.Frequency != c.Frequency {
			t.Fatalf("customer %q a week later: %+v, want T one week more than %+v", c.ID, later, c)
		}
	}
	for _, id := range []string{"", "C99999", sum.Customers[0].ID + "x", "\x00", string(make([]byte, 1<<16))} {
		if c, ok := l.Customer(id, sum.End, unit); ok {
			t.Errorf("%q: found %+v", id, c)
		}
	}
	if _, ok := l.Customer(sum.Customers[0].ID, sum.End, 0); ok {
		t.Error("unit 0: found")
	}
	bad := bytes.Clone(b.Bytes())
	bad[len(bad)/2] ^= 1
	if _, err := forecast.LoadLookup(bytes.NewReader(bad)); !errors.Is(err, forecast.ErrStateCorrupt) {
		t.Errorf("a flipped bit: %v, want ErrStateCorrupt", err)
	}
	var nilLookup *forecast.Lookup
	if _, ok := nilLookup.Customer("a", sum.End, unit); ok || nilLookup.Len() != 0 {
		t.Error("nil Lookup finds a customer")
	}
}
