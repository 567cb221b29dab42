package forecast

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFirstRunState: the state a first run builds from the summarizer's
// read (firstRun) is the one a run on the log but its last two days and a
// run on those two build, customer by customer bit for bit (the second
// run reads its day transaction by transaction, readNew); the first run's
// Result is Run's, cohorts included. A log out of time order, which Run
// reads a second time to sort, builds the same state too.
func TestFirstRunState(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	whole := string(b)
	i := strings.Index(whole, ",2024-12-30,")
	i = strings.LastIndexByte(whole[:i], '\n') + 1
	header := whole[:strings.IndexByte(whole, '\n')+1]
	ctx := context.Background()
	first := &State{}
	res, err := RunIncremental(ctx, first, strings.NewReader(whole), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cohorts == nil || res.Summary.Repeats == nil {
		t.Error("a first run's Result has no cohorts or no tracking curve, as Run's has")
	}
	full, err := Run(ctx, strings.NewReader(whole), Config{})
	if err != nil {
		t.Fatal(err)
	}
	var x, y bytes.Buffer
	res.WriteForecastCSV(&x)
	full.WriteForecastCSV(&y)
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Error("a first run's forecast.csv is not Run's")
	}
	chain := &State{}
	for _, log := range []string{whole[:i], header + whole[i:]} {
		if _, err := RunIncremental(ctx, chain, strings.NewReader(log), Config{}); err != nil {
			t.Fatal(err)
		}
	}
	chain.LogHash = first.LogHash // the hash of the last log applied
	if d := sameState(first, chain); d != "" {
		t.Fatalf("the first run's state differs from a chain's: %s", d)
	}
	// Out of time order, from a file (Run reads it again to sort it).
	lines := strings.SplitAfter(strings.TrimSuffix(whole, "\n"), "\n")
	rev := header
	for k := len(lines) - 1; k > 0; k-- {
		rev += strings.TrimSuffix(lines[k], "\n") + "\n"
	}
	p := filepath.Join(t.TempDir(), "rev.csv")
	if err := os.WriteFile(p, []byte(rev), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sorted := &State{}
	if _, err := RunIncremental(ctx, sorted, f, Config{}); err != nil {
		t.Fatal(err)
	}
	if sorted.Customers() != first.Customers() || sorted.Records != first.Records || !sorted.Last.Equal(first.Last) {
		t.Fatalf("out of order: %d customers, %d transactions to %v; in order %d, %d, %v",
			sorted.Customers(), sorted.Records, sorted.Last, first.Customers(), first.Records, first.Last)
	}
	// The log's hash is the file's, though it was read twice.
	if _, err := RunIncremental(ctx, sorted, strings.NewReader(rev), Config{}); !errors.Is(err, ErrAlreadyApplied) || !strings.Contains(err.Error(), "the very log") {
		t.Errorf("the same log again: %v, want ErrAlreadyApplied naming it the very log", err)
	}
}
