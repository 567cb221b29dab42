package crosssell_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/crosssell"
)

// FuzzReadBaskets feeds arbitrary text through the reader, the
// accumulator, Fit, SuggestAll and Evaluate. Nothing may panic; errors must
// be the package's or clv's; suggestions must be distinct products the
// customer has not bought, at most k, best first.
func FuzzReadBaskets(f *testing.F) {
	for _, s := range []string{
		"id,date,product\na,2020-01-01,x\na,2020-01-01,y\nb,2020-02-01,x\nb,2020-08-01,y\nc,2020-09-01,z\n",
		"id,date,product\na,2020-01-01,x\nb,2020-13-01,y\n,2020-01-01,z\nc,2020-01-01,\n",
		"id,date,product\n\"a,b\",2020-01-01,\"x\"\"y\"\na\"b,2020-01-01,x\n",
		"\ufeffid,date,product\r\na,20200101,x\r\na,2020-06-30T10:00:00+02:00,y\r\n",
		"id,date,product\na,2020-01-01,x,extra\nb,2020-01-01\n",
		" id  date  product\n 1 20200101 p1\n 2 20200102 p1\n 2 20201002 p2\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	split := time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string, skip bool) {
		opts := crosssell.CSVOptions{Options: csvio.Options{ID: "1", Time: "2", SkipInvalid: skip, MaxLineBytes: 1 << 12}, Product: "3"}
		if strings.HasPrefix(in, " ") {
			opts.Delimiter = ' '
		}
		rd, err := crosssell.NewReader(strings.NewReader(in), opts)
		if err != nil {
			if !errors.Is(err, clv.ErrEmptyLog) && !errors.Is(err, clv.ErrUnknownColumn) && !errors.As(err, new(*clv.ParseError)) {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		cal, hold, err := crosssell.ReadBaskets(rd, split)
		// ReadProducts checks the records as ReadBaskets does, and finds
		// the same products.
		rd2, _ := crosssell.NewReader(strings.NewReader(in), opts)
		names, prods, err2 := rd2.ReadProducts()
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("ReadBaskets: %v, ReadProducts: %v", err, err2)
		}
		if err == nil {
			sorted := slices.Sorted(slices.Values(names))
			if st := rd2.Stats(); len(prods) != st.Records-st.Skipped || !reflect.DeepEqual(st, rd.Stats()) ||
				!slices.Equal(sorted, crosssell.Join(cal, hold).Products()) {
				t.Fatalf("ReadProducts: %d products, %q; stats %+v, want %+v", len(prods), names, st, rd.Stats())
			}
		}
		if err != nil {
			var pe *clv.ParseError
			if errors.As(err, &pe) {
				if pe.Line < 1 || pe.Column < 0 {
					t.Fatalf("error without a place: %v", err)
				}
			} else if !errors.Is(err, clv.ErrEmptyLog) && !errors.Is(err, clv.ErrRead) {
				t.Fatalf("ReadBaskets: %T %v", err, err)
			}
			return
		}
		m, err := crosssell.Fit(cal, crosssell.Options{Neighbors: 3, PairMinCount: 1})
		if err != nil {
			t.Fatal(err)
		}
		const k = 3
		all, err := m.SuggestAll(cal, k)
		if err != nil {
			t.Fatal(err)
		}
		for c := range cal.NumCustomers() {
			bought := map[string]bool{}
			for _, p := range cal.Bought(c) {
				bought[p] = true
			}
			s := all.For(c)
			if len(s) > k || len(s) < min(k, len(cal.Products())-len(bought)) {
				t.Fatalf("customer %d: %d suggestions", c, len(s))
			}
			for i, x := range s {
				if bought[x.Product] || x.Score < 0 || (i > 0 && !s[i-1].Popular && !x.Popular && x.Score > s[i-1].Score) || (i > 0 && s[i-1].Popular && !x.Popular) {
					t.Fatalf("customer %d: %+v", c, s)
				}
				bought[x.Product] = true // no repeats
			}
		}
		for _, p := range m.Pairs() {
			if p.A >= p.B || p.Count < 1 || p.Count > min(p.CountA, p.CountB) || p.Lift <= 0 {
				t.Fatalf("pair %+v", p)
			}
		}
		e, err := crosssell.Evaluate(m, cal, hold, k)
		if err != nil {
			if !errors.Is(err, crosssell.ErrNoHoldout) {
				t.Fatal(err)
			}
			return
		}
		for _, x := range []crosssell.Metrics{e.Model, e.Popular} {
			if x.HitRate < 0 || x.HitRate > 1 || x.Precision > x.HitRate || x.Recall > x.HitRate || x.Hits > e.NewProducts {
				t.Fatalf("%+v", e)
			}
		}
	})
}
