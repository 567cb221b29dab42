package crosssell_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/crosssell"
)

// numbered returns recs as numbers: customers and products numbered by
// first appearance.
func numbered(recs [][2]string) (ids, names []string, cust, prod []int32) {
	ci, pi := map[string]int32{}, map[string]int32{}
	for _, r := range recs {
		c, ok := ci[r[0]]
		if !ok {
			c = int32(len(ids))
			ci[r[0]] = c
			ids = append(ids, r[0])
		}
		p, ok := pi[r[1]]
		if !ok {
			p = int32(len(names))
			pi[r[1]] = p
			names = append(names, r[1])
		}
		cust, prod = append(cust, c), append(prod, p)
	}
	return ids, names, cust, prod
}

func sameBaskets(t *testing.T, what string, got, want *crosssell.Baskets) {
	t.Helper()
	if got.NumCustomers() != want.NumCustomers() || !reflect.DeepEqual(got.Products(), want.Products()) || got.Pairs() != want.Pairs() {
		t.Fatalf("%s: %d customers, %d products, %d pairs, want %d, %d, %d", what, got.NumCustomers(), len(got.Products()), got.Pairs(),
			want.NumCustomers(), len(want.Products()), want.Pairs())
	}
	for c := range want.NumCustomers() {
		if got.Customer(c) != want.Customer(c) || !reflect.DeepEqual(got.Bought(c), want.Bought(c)) {
			t.Fatalf("%s: customer %d: %s %q, want %s %q", what, c, got.Customer(c), got.Bought(c), want.Customer(c), want.Bought(c))
		}
	}
}

// TestNewBaskets: baskets from numbers are an Accumulator's when the
// customers are numbered by first purchase, and follow the numbers
// otherwise; customers without a purchase and products not bought are
// left out.
func TestNewBaskets(t *testing.T) {
	recs := randomLog(20000, 300, 11)
	ids, names, cust, prod := numbered(recs)
	got, err := crosssell.NewBaskets(ids, names, cust, prod)
	if err != nil {
		t.Fatal(err)
	}
	sameBaskets(t, "first appearance", got, baskets(t, recs))

	// Reversed numbers, an id without purchases, a name not bought.
	n := int32(len(ids))
	rev := make([]string, n+1)
	for c, id := range ids {
		rev[n-1-int32(c)] = id
	}
	rev[n] = "nobody"
	rcust := make([]int32, len(cust))
	for r, c := range cust {
		rcust[r] = n - 1 - c
	}
	got, err = crosssell.NewBaskets(rev, append(names, "unsold"), rcust, prod)
	if err != nil {
		t.Fatal(err)
	}
	if got.NumCustomers() != int(n) || got.Customer(0) != ids[n-1] || got.Customer(int(n)-1) != ids[0] || len(got.Products()) != len(names) {
		t.Fatalf("reversed: %d customers, first %s last %s, %d products", got.NumCustomers(), got.Customer(0), got.Customer(int(n)-1), len(got.Products()))
	}
	want := baskets(t, recs)
	for c := range int(n) {
		if !reflect.DeepEqual(got.Bought(int(n)-1-c), want.Bought(c)) {
			t.Fatalf("reversed: customer %d", c)
		}
	}

	// The same model and suggestions as from an Accumulator.
	m1, _ := crosssell.Fit(want, crosssell.Options{})
	m2, _ := crosssell.Fit(got, crosssell.Options{})
	if !reflect.DeepEqual(m1.Pairs(), m2.Pairs()) || m1.Customers() != m2.Customers() {
		t.Error("models differ")
	}

	empty, err := crosssell.NewBaskets(nil, nil, nil, nil)
	if err != nil || empty.NumCustomers() != 0 || empty.Pairs() != 0 {
		t.Errorf("empty: %v", err)
	}
	for _, c := range []struct {
		ids, names []string
		cust, prod []int32
		want       error
	}{
		{[]string{"a"}, []string{"x"}, []int32{0}, nil, crosssell.ErrBadOption},
		{[]string{"a"}, []string{"x"}, []int32{1}, []int32{0}, crosssell.ErrBadOption},
		{[]string{"a"}, []string{"x"}, []int32{-1}, []int32{0}, crosssell.ErrBadOption},
		{[]string{"a"}, []string{"x"}, []int32{0}, []int32{1}, crosssell.ErrBadOption},
		{[]string{"a"}, []string{"x", "x"}, []int32{0, 0}, []int32{0, 1}, crosssell.ErrBadOption},
		{[]string{""}, []string{"x"}, []int32{0}, []int32{0}, clv.ErrMissingID},
		{[]string{"a"}, []string{""}, []int32{0}, []int32{0}, crosssell.ErrMissingProduct},
	} {
		if _, err := crosssell.NewBaskets(c.ids, c.names, c.cust, c.prod); !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), "crosssell: ") {
			t.Errorf("%q %q %d %d: %v, want %v (the package's prefix)", c.ids, c.names, c.cust, c.prod, err, c.want)
		}
	}
	// Unused empty or repeated entries are no error.
	if b, err := crosssell.NewBaskets([]string{"", "a"}, []string{"x", "", "x"}, []int32{1}, []int32{0}); err != nil || b.NumCustomers() != 1 {
		t.Errorf("unused entries: %v", err)
	}
}

// TestReadProducts: the products of a log as numbers, with the checks of
// Read.
func TestReadProducts(t *testing.T) {
	recs := randomLog(5000, 100, 13)
	var sb strings.Builder
	sb.WriteString("customer_id,date,product\n")
	for _, r := range recs {
		fmt.Fprintf(&sb, "%s,2024-01-01,%s\n", r[0], r[1])
	}
	rd, err := crosssell.NewReader(strings.NewReader(sb.String()), crosssell.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names, prods, err := rd.ReadProducts()
	if err != nil {
		t.Fatal(err)
	}
	_, wantNames, _, wantProds := numbered(recs)
	if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(prods, wantProds) || rd.Stats().Records != len(recs) {
		t.Errorf("%d names, %d products, %d records; want %d, %d", len(names), len(prods), rd.Stats().Records, len(wantNames), len(wantProds))
	}
	log := "customer_id,date,product\na,2024-01-01,x\nb,2024-13-01,y\nc,2024-01-02,\nd,2024-01-03,x\n"
	rd, _ = crosssell.NewReader(strings.NewReader(log), crosssell.CSVOptions{})
	var pe *clv.ParseError
	if _, _, err := rd.ReadProducts(); !errors.As(err, &pe) || pe.Line != 3 || !errors.Is(err, clv.ErrBadTime) {
		t.Errorf("bad time: %v", err)
	}
	rd, _ = crosssell.NewReader(strings.NewReader(log), crosssell.CSVOptions{Options: csvio.Options{SkipInvalid: true}})
	names, prods, err = rd.ReadProducts()
	if err != nil || !reflect.DeepEqual(names, []string{"x"}) || !reflect.DeepEqual(prods, []int32{0, 0}) || rd.Stats().Skipped != 2 {
		t.Errorf("skipping: %q %d %+v %v", names, prods, rd.Stats(), err)
	}
	rd, _ = crosssell.NewReader(strings.NewReader("customer_id,date,product\n"), crosssell.CSVOptions{})
	if _, _, err := rd.ReadProducts(); !errors.Is(err, clv.ErrEmptyLog) {
		t.Errorf("empty: %v", err)
	}
	var nilReader *crosssell.Reader
	if _, _, err := nilReader.ReadProducts(); !errors.Is(err, clv.ErrRead) {
		t.Errorf("nil reader: %v", err)
	}
}

// TestSuggestFor: suggestions for some customers are theirs among all.
func TestSuggestFor(t *testing.T) {
	b := baskets(t, randomLog(3000, 100, 17))
	m, err := crosssell.Fit(b, crosssell.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := m.SuggestAll(b, 5)
	cs := []int{2999 % b.NumCustomers(), 0, 17, 17}
	some, err := m.SuggestFor(b, cs, 5)
	if err != nil || some.Len() != len(cs) {
		t.Fatalf("%v, %d", err, some.Len())
	}
	for i, c := range cs {
		if !reflect.DeepEqual(some.For(i), all.For(c)) || len(some.For(i)) != 5 {
			t.Errorf("customer %d: %v, want %v", c, some.For(i), all.For(c))
		}
	}
	if s, err := m.SuggestFor(b, nil, 5); err != nil || s.Len() != 0 {
		t.Errorf("none: %v %d", err, s.Len())
	}
	if _, err := m.SuggestFor(b, []int{b.NumCustomers()}, 5); !errors.Is(err, crosssell.ErrBadOption) {
		t.Errorf("out of range: %v", err)
	}
	if _, err := m.SuggestFor(nil, cs, 5); !errors.Is(err, crosssell.ErrNilBaskets) {
		t.Errorf("nil baskets: %v", err)
	}
	var nm *crosssell.Model
	if _, err := nm.SuggestFor(b, cs, 5); !errors.Is(err, crosssell.ErrNilModel) {
		t.Errorf("nil model: %v", err)
	}
}

// TestEvaluateNumbers: the holdout check of baskets from NewBaskets with
// the same ids, whose customers are matched by number, is the check of an
// Accumulator's baskets, matched by id.
func TestEvaluateNumbers(t *testing.T) {
	recs := randomLog(20000, 300, 19)
	// Logs come in time order: customers interleave.
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	cut := len(recs) * 3 / 4
	ids, names, cust, prod := numbered(recs)
	cal, err := crosssell.NewBaskets(ids, names, cust[:cut], prod[:cut])
	if err != nil {
		t.Fatal(err)
	}
	hold, err := crosssell.NewBaskets(ids, names, cust[cut:], prod[cut:])
	if err != nil {
		t.Fatal(err)
	}
	wantCal, wantHold := baskets(t, recs[:cut]), baskets(t, recs[cut:])
	sameBaskets(t, "calibration", cal, wantCal)
	m, err := crosssell.Fit(cal, crosssell.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := crosssell.Evaluate(m, cal, hold, 5)
	if err != nil {
		t.Fatal(err)
	}
	want, err := crosssell.Evaluate(m, wantCal, wantHold, 5)
	if err != nil {
		t.Fatal(err)
	}
	// The holdout baskets of other ids are matched by id: the same again.
	other, _ := crosssell.NewBaskets(slices.Clone(ids), names, cust[cut:], prod[cut:])
	byID, err := crosssell.Evaluate(m, cal, other, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || byID != want || want.Customers < 1000 {
		t.Errorf("by number %+v, by id %+v, want %+v", got, byID, want)
	}
}
