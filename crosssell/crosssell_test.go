package crosssell_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/crosssell"
)

// tol is for quantities that are ratios of small integers, computed in
// a different order than in the test.
const tol = 1e-12

// small is the log of the package's hand-worked example: N = 5 customers,
// n_x = n_y = 3, n_z = 2, n_w = 1; c_xy = 2, c_xz = 2, c_yz = 1.
var small = [][2]string{
	{"a", "x"}, {"a", "y"}, {"b", "x"}, {"b", "y"}, {"b", "z"}, {"c", "x"}, {"c", "z"},
	{"d", "y"}, {"e", "w"}, {"a", "x"}, {"b", "z"}, // repeats count once
}

func baskets(t testing.TB, recs [][2]string) *crosssell.Baskets {
	t.Helper()
	var a crosssell.Accumulator
	for _, r := range recs {
		if err := a.Add(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	return a.Baskets()
}

func TestBaskets(t *testing.T) {
	b := baskets(t, small)
	if got := b.Products(); !reflect.DeepEqual(got, []string{"w", "x", "y", "z"}) {
		t.Errorf("products %q", got)
	}
	if b.NumCustomers() != 5 || b.Customer(1) != "b" || b.Pairs() != 9 {
		t.Errorf("%d customers, customer 1 %q, %d pairs", b.NumCustomers(), b.Customer(1), b.Pairs())
	}
	if got := b.Bought(1); !reflect.DeepEqual(got, []string{"x", "y", "z"}) {
		t.Errorf("b bought %q", got)
	}
	if b.Bought(5) != nil || b.Bought(-1) != nil || b.Customer(9) != "" {
		t.Error("out of range not nil")
	}
	var a crosssell.Accumulator
	if err := a.Add("", "x"); !errors.Is(err, clv.ErrMissingID) {
		t.Errorf("empty id: %v", err)
	}
	if err := a.Add("a", ""); !errors.Is(err, crosssell.ErrMissingProduct) {
		t.Errorf("empty product: %v", err)
	}
	if c, p := a.Len(); c != 0 || p != 0 {
		t.Errorf("Len %d %d after errors", c, p)
	}
}

func TestPairs(t *testing.T) {
	m, err := crosssell.Fit(baskets(t, small), crosssell.Options{PairMinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []crosssell.Pair{
		{A: "x", B: "z", Count: 2, CountA: 3, CountB: 2, Support: 0.4, ConfidenceAB: 2.0 / 3, ConfidenceBA: 1, Lift: 5.0 / 3},
		{A: "x", B: "y", Count: 2, CountA: 3, CountB: 3, Support: 0.4, ConfidenceAB: 2.0 / 3, ConfidenceBA: 2.0 / 3, Lift: 10.0 / 9},
		{A: "y", B: "z", Count: 1, CountA: 3, CountB: 2, Support: 0.2, ConfidenceAB: 1.0 / 3, ConfidenceBA: 0.5, Lift: 5.0 / 6},
	}
	got := m.Pairs()
	if len(got) != len(want) {
		t.Fatalf("pairs %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.A != w.A || g.B != w.B || g.Count != w.Count || g.CountA != w.CountA || g.CountB != w.CountB ||
			math.Abs(g.Support-w.Support) > tol || math.Abs(g.ConfidenceAB-w.ConfidenceAB) > tol ||
			math.Abs(g.ConfidenceBA-w.ConfidenceBA) > tol || math.Abs(g.Lift-w.Lift) > tol {
			t.Errorf("pair %d: %+v, want %+v", i, g, w)
		}
	}
	// The default PairMinCount (10) leaves none of these; Pairs < 0 none.
	for _, o := range []crosssell.Options{{}, {Pairs: -1, PairMinCount: 1}} {
		m, _ := crosssell.Fit(baskets(t, small), o)
		if p := m.Pairs(); len(p) != 0 {
			t.Errorf("%+v: %d pairs", o, len(p))
		}
	}
	if m.Count("x") != 3 || m.Count("v") != 0 || m.Customers() != 5 {
		t.Errorf("counts %d %d %d", m.Count("x"), m.Count("v"), m.Customers())
	}
	if p := m.Popular(3); !reflect.DeepEqual(p, []string{"x", "y", "z"}) {
		t.Errorf("popular %q", p)
	}
}

func TestNeighbors(t *testing.T) {
	b := baskets(t, small)
	for _, c := range []struct {
		m    crosssell.Measure
		want map[string]float64 // neighbours of x
	}{
		{crosssell.Confidence, map[string]float64{"y": 2.0 / 3, "z": 2.0 / 3}},
		{crosssell.Cosine, map[string]float64{"z": 2 / math.Sqrt(6), "y": 2.0 / 3}},
		{crosssell.Lift, map[string]float64{"z": 5.0 / 3, "y": 10.0 / 9}},
	} {
		m, err := crosssell.Fit(b, crosssell.Options{Measure: c.m})
		if err != nil {
			t.Fatal(err)
		}
		pairs, sim := m.Neighbors("x")
		if len(pairs) != 2 {
			t.Fatalf("%v: %+v", c.m, pairs)
		}
		for i, p := range pairs {
			if math.Abs(sim[i]-c.want[p.B]) > tol || p.A != "x" {
				t.Errorf("%v: neighbour %s of x: %v, want %v", c.m, p.B, sim[i], c.want[p.B])
			}
			if i > 0 && (sim[i] > sim[i-1] || sim[i] == sim[i-1] && p.B < pairs[i-1].B) {
				t.Errorf("%v: neighbours out of order: %+v", c.m, pairs)
			}
		}
	}
	m, _ := crosssell.Fit(b, crosssell.Options{MinCount: 2})
	if p, _ := m.Neighbors("y"); len(p) != 1 || p[0].B != "x" {
		t.Errorf("MinCount 2: neighbours of y %+v", p)
	}
	if p, _ := m.Neighbors("v"); p != nil {
		t.Error("unknown product has neighbours")
	}
}

func TestSuggest(t *testing.T) {
	b := baskets(t, small)
	m, err := crosssell.Fit(b, crosssell.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type s = crosssell.Suggestion
	for _, c := range []struct {
		bought []string
		k      int
		want   []s
	}{
		{[]string{"y"}, 3, []s{{"x", 2.0 / 3, false}, {"z", 1.0 / 3, false}, {"w", 0, true}}},
		{[]string{"x", "y"}, 2, []s{{"z", 1, false}, {"w", 0, true}}},
		{[]string{"x", "z"}, 1, []s{{"y", 2.0/3 + 0.5, false}}},
		{[]string{"w"}, 2, []s{{"x", 0, true}, {"y", 0, true}}},
		{[]string{"v", "w", "w"}, 2, []s{{"x", 0, true}, {"y", 0, true}}}, // unknown and repeated products
		{nil, 5, []s{{"x", 0, true}, {"y", 0, true}, {"z", 0, true}, {"w", 0, true}}},
		{[]string{"w", "x", "y", "z"}, 3, []s{}},
	} {
		got, err := m.Suggest(c.bought, c.k)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %+v, want %+v", c.bought, got, c.want)
			continue
		}
		for i := range got {
			if got[i].Product != c.want[i].Product || got[i].Popular != c.want[i].Popular || math.Abs(got[i].Score-c.want[i].Score) > tol {
				t.Errorf("%q: %+v, want %+v", c.bought, got, c.want)
				break
			}
		}
	}
	// SuggestAll gives each customer what Suggest gives for their basket.
	all, err := m.SuggestAll(b, 3)
	if err != nil {
		t.Fatal(err)
	}
	for c := range b.NumCustomers() {
		one, _ := m.Suggest(b.Bought(c), 3)
		if got := all.For(c); !reflect.DeepEqual(got, one) {
			t.Errorf("customer %s: SuggestAll %+v, Suggest %+v", b.Customer(c), got, one)
		}
	}
	if all.Len() != 5 || all.For(5) != nil {
		t.Error("Suggestions out of range")
	}
	// NoFill leaves lists short.
	m, _ = crosssell.Fit(b, crosssell.Options{NoFill: true})
	if got, _ := m.Suggest([]string{"w"}, 2); len(got) != 0 {
		t.Errorf("NoFill: %+v", got)
	}
}

// TestTies: equal scores go to the product whose name sorts first,
// whatever the input order.
func TestTies(t *testing.T) {
	recs := [][2]string{{"f", "p"}, {"f", "r"}, {"g", "p"}, {"g", "q"}}
	for range 2 {
		m, _ := crosssell.Fit(baskets(t, recs), crosssell.Options{})
		got, _ := m.Suggest([]string{"p"}, 2)
		if len(got) != 2 || got[0].Product != "q" || got[1].Product != "r" || got[0].Score != 0.5 || got[1].Score != 0.5 {
			t.Errorf("%+v", got)
		}
		recs[0], recs[1], recs[2], recs[3] = recs[3], recs[2], recs[1], recs[0]
	}
}

// randomLog draws n customers buying mostly within one of a few families.
func randomLog(n, products int, seed uint64) [][2]string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var recs [][2]string
	for c := range n {
		fam := rng.IntN(10)
		for range 1 + rng.IntN(6) {
			p := rng.IntN(products)
			if rng.Float64() < 0.8 {
				p = (fam*products/10 + rng.IntN(products/10)) % products
			}
			recs = append(recs, [2]string{fmt.Sprintf("c%d", c), fmt.Sprintf("p%03d", p)})
		}
	}
	return recs
}

// TestDeterministic: suggestions, pairs and evaluations do not depend on
// the number of cores or on the order of the input.
func TestDeterministic(t *testing.T) {
	recs := randomLog(30000, 300, 7)
	run := func(recs [][2]string, procs int) (map[string][]crosssell.Suggestion, []crosssell.Pair, crosssell.Evaluation) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cal, hold := baskets(t, recs[:len(recs)*3/4]), baskets(t, recs[len(recs)*3/4:])
		m, err := crosssell.Fit(cal, crosssell.Options{PairMinCount: 3})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := m.SuggestAll(cal, 5)
		out := map[string][]crosssell.Suggestion{}
		for c := range cal.NumCustomers() {
			out[cal.Customer(c)] = all.For(c)
		}
		e, err := crosssell.Evaluate(m, cal, hold, 5)
		if err != nil {
			t.Fatal(err)
		}
		return out, m.Pairs(), e
	}
	s1, p1, e1 := run(recs, 1)
	s2, p2, e2 := run(recs, 2)
	shuffled := append([][2]string(nil), recs[:len(recs)*3/4]...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	s3, p3, e3 := run(append(shuffled, recs[len(recs)*3/4:]...), 2)
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(s1, s3) {
		t.Error("suggestions differ")
	}
	if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(p1, p3) || len(p1) != crosssell.DefaultPairs {
		t.Errorf("pairs differ (%d)", len(p1))
	}
	if e1 != e2 || e1.Customers == 0 {
		t.Errorf("evaluations %+v and %+v", e1, e2)
	}
	// Shuffling the calibration renumbers the customers; the evaluation
	// is the same up to the order of the recall's sum.
	if e1.Customers != e3.Customers || e1.NewProducts != e3.NewProducts || !near(e1.Model, e3.Model) || !near(e1.Popular, e3.Popular) {
		t.Errorf("shuffled: %+v, want %+v", e3, e1)
	}
	if e1.Model.HitRate <= e1.Popular.HitRate {
		t.Errorf("family log: model %+v, popular %+v", e1.Model, e1.Popular)
	}
}

// TestEvaluateByHand checks the metrics on a holdout small enough to
// count: the model fitted on small, k = 1.
func TestEvaluateByHand(t *testing.T) {
	cal := baskets(t, small)
	// a buys z (suggested first: a hit; popular: z is also the most
	// popular product a has not bought: a hit); d buys x and z
	// (suggested x: a hit; popular x: a hit); e buys w again (nothing
	// new: not evaluated) and v (unknown to the model: new, never hit);
	// f is new (not evaluated); c buys y (suggested y: hit; popular y: hit).
	hold := baskets(t, [][2]string{{"a", "z"}, {"d", "x"}, {"d", "z"}, {"e", "w"}, {"f", "x"}, {"b", "x"}, {"e", "v"}})
	m, _ := crosssell.Fit(cal, crosssell.Options{})
	e, err := crosssell.Evaluate(m, cal, hold, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Evaluated: a (z new), d (x, z new), e (v new). b bought x before.
	// Suggestions at k=1: a → z (hit), d → x (hit), e → x (popular fill, miss).
	// Popular at k=1: a → z (hit), d → x (hit), e → x (miss).
	want := crosssell.Metrics{HitRate: 2.0 / 3, Precision: 2.0 / 3, Recall: (1 + 0.5 + 0) / 3, Hits: 2}
	if e.Customers != 3 || e.NewProducts != 4 || e.K != 1 || !near(e.Model, want) || !near(e.Popular, want) {
		t.Errorf("%+v, want model and popular %+v", e, want)
	}
	if _, err := crosssell.Evaluate(m, cal, baskets(t, [][2]string{{"a", "x"}}), 1); !errors.Is(err, crosssell.ErrNoHoldout) {
		t.Errorf("nothing new: %v", err)
	}
}

func near(a, b crosssell.Metrics) bool {
	return a.Hits == b.Hits && math.Abs(a.HitRate-b.HitRate) < tol && math.Abs(a.Precision-b.Precision) < tol && math.Abs(a.Recall-b.Recall) < tol
}

// TestNoPanics calls every exported function with nil and bad arguments.
func TestNoPanics(t *testing.T) {
	var m *crosssell.Model
	var b *crosssell.Baskets
	var s *crosssell.Suggestions
	var a *crosssell.Accumulator
	var r *crosssell.Reader
	if _, err := crosssell.Fit(nil, crosssell.Options{}); !errors.Is(err, crosssell.ErrNilBaskets) {
		t.Error(err)
	}
	good := baskets(t, small)
	for _, o := range []crosssell.Options{{Measure: 7}, {Measure: -1}, {Neighbors: -1}, {MinCount: -1}, {PairMinCount: -2}} {
		if _, err := crosssell.Fit(good, o); !errors.Is(err, crosssell.ErrBadOption) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	gm, _ := crosssell.Fit(good, crosssell.Options{})
	for _, k := range []int{0, -1, crosssell.MaxK + 1, 1 << 40} {
		if _, err := gm.Suggest(nil, k); !errors.Is(err, crosssell.ErrBadOption) {
			t.Errorf("k %d: %v", k, err)
		}
		if _, err := gm.SuggestAll(good, k); !errors.Is(err, crosssell.ErrBadOption) {
			t.Errorf("k %d: %v", k, err)
		}
		if _, err := crosssell.Evaluate(gm, good, good, k); !errors.Is(err, crosssell.ErrBadOption) {
			t.Errorf("k %d: %v", k, err)
		}
	}
	if _, err := m.Suggest(nil, 1); !errors.Is(err, crosssell.ErrNilModel) {
		t.Error(err)
	}
	if _, err := m.SuggestAll(good, 1); !errors.Is(err, crosssell.ErrNilModel) {
		t.Error(err)
	}
	if _, err := gm.SuggestAll(nil, 1); !errors.Is(err, crosssell.ErrNilBaskets) {
		t.Error(err)
	}
	if _, err := crosssell.Evaluate(nil, good, good, 1); !errors.Is(err, crosssell.ErrNilModel) {
		t.Error(err)
	}
	if _, err := crosssell.Evaluate(gm, nil, good, 1); !errors.Is(err, crosssell.ErrNilBaskets) {
		t.Error(err)
	}
	if a.Add("a", "b") == nil || b.NumCustomers() != 0 || b.Products() != nil || b.Bought(0) != nil || b.Customer(0) != "" || b.Pairs() != 0 {
		t.Error("nil Accumulator or Baskets")
	}
	if c, p := a.Len(); c != 0 || p != 0 || a.Baskets().NumCustomers() != 0 {
		t.Error("nil Accumulator")
	}
	if m.Products() != nil || m.Customers() != 0 || m.Count("x") != 0 || m.Popular(3) != nil || m.Pairs() != nil || s.Len() != 0 || s.For(0) != nil {
		t.Error("nil Model or Suggestions")
	}
	if p, _ := m.Neighbors("x"); p != nil {
		t.Error("nil Model")
	}
	if _, err := r.Read(); !errors.Is(err, clv.ErrRead) {
		t.Error(err)
	}
	if _, err := r.ReadAll(); !errors.Is(err, clv.ErrRead) {
		t.Error(err)
	}
	if _, _, err := crosssell.ReadBaskets(r, time.Time{}); !errors.Is(err, clv.ErrRead) {
		t.Error(err)
	}
	if r.Header() != nil || r.Stats().Records != 0 {
		t.Error("nil Reader")
	}
	// Empty baskets fit to an empty model that suggests nothing.
	var empty crosssell.Accumulator
	em, err := crosssell.Fit(empty.Baskets(), crosssell.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := em.Suggest([]string{"x"}, 3); err != nil || len(got) != 0 {
		t.Errorf("empty model: %v %v", got, err)
	}
	if _, err := crosssell.Evaluate(em, empty.Baskets(), empty.Baskets(), 3); !errors.Is(err, crosssell.ErrNoHoldout) {
		t.Error(err)
	}
	if crosssell.Measure(9).String() != "Measure(9)" || crosssell.Lift.String() != "lift" {
		t.Error("Measure.String")
	}
}

func TestReader(t *testing.T) {
	const log = "customer_id,date,amount,product\n" +
		"a,2024-01-05,1.00,x\n" +
		"b,2024-02-01,2.00,y\n" +
		"\n" +
		"a,2024-09-30,1.00,y\n" +
		"\"c,1\",2024-10-01,1.00, z \n" +
		"a,2024-12-01,1.00,z\n"
	rd, err := crosssell.NewReader(strings.NewReader(log), crosssell.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cal, hold, err := crosssell.ReadBaskets(rd, time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if cal.NumCustomers() != 2 || !reflect.DeepEqual(cal.Bought(0), []string{"x", "y"}) || hold.NumCustomers() != 2 ||
		hold.Customer(0) != "c,1" || !reflect.DeepEqual(hold.Bought(0), []string{"z"}) || rd.Stats().Records != 5 {
		t.Errorf("calibration %q %q, holdout %q %q, %+v", cal.Customer(0), cal.Bought(0), hold.Customer(0), hold.Bought(0), rd.Stats())
	}
	// Columns by number, no header, another delimiter; ReadAll.
	rd, err = crosssell.NewReader(strings.NewReader("x;a;20240101\ny;b;20240102\n"),
		crosssell.CSVOptions{Options: csvio.Options{NoHeader: true, Delimiter: ';', ID: "2", Time: "3"}, Product: "1"})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := rd.ReadAll()
	if err != nil || len(ps) != 2 || ps[1] != (crosssell.Purchase{CustomerID: "b", Product: "y", Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}) {
		t.Errorf("%+v %v", ps, err)
	}
	if _, err := rd.Read(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
}

func TestReaderErrors(t *testing.T) {
	const head = "customer_id,date,category\n"
	opts := crosssell.CSVOptions{Product: "category"}
	for _, c := range []struct {
		in        string
		line, col int
		name      string
		err       error
	}{
		{head + "a,2024-01-01,x\nb,2024-13-01,y\n", 3, 2, "date", clv.ErrBadTime},
		{head + "a,2024-01-01,\n", 2, 3, "category", crosssell.ErrMissingProduct},
		{head + " ,2024-01-01,x\n", 2, 1, "customer_id", clv.ErrMissingID},
		{head + "a,2024-01-01\n", 2, 0, "", clv.ErrFieldCount},
		{head + "a,2024-01-01,\"x\n", 2, 0, "", clv.ErrBadQuote},
	} {
		rd, err := crosssell.NewReader(strings.NewReader(c.in), opts)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = crosssell.ReadBaskets(rd, time.Time{})
		var pe *clv.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, c.err) || pe.Line != c.line || pe.Column != c.col || pe.Name != c.name {
			t.Errorf("%q: %v, want line %d column %d (%q) %v", c.in, err, c.line, c.col, c.name, c.err)
		}
		// SkipInvalid skips and counts the record.
		o := opts
		o.SkipInvalid = true
		rd, _ = crosssell.NewReader(strings.NewReader(c.in+"z,2024-01-01,y\n"), o)
		cal, _, err := crosssell.ReadBaskets(rd, time.Time{})
		if err != nil || rd.Stats().Skipped != 1 || len(rd.Stats().Examples) != 1 || cal.Customer(cal.NumCustomers()-1) != "z" {
			t.Errorf("%q skipped: %v %+v", c.in, err, rd.Stats())
		}
	}
	for _, c := range []struct {
		in   string
		opts crosssell.CSVOptions
		err  error
	}{
		{"customer_id,date,amount\n", crosssell.CSVOptions{}, clv.ErrUnknownColumn},
		{"customer_id,date,product,product\n", crosssell.CSVOptions{}, clv.ErrUnknownColumn},
		{"", crosssell.CSVOptions{}, clv.ErrEmptyLog},
		{"customer_id,date,product\n", crosssell.CSVOptions{Options: csvio.Options{Delimiter: '"'}}, clv.ErrBadOption},
		{"customer_id,date,product\n", crosssell.CSVOptions{Options: csvio.Options{Layouts: []string{}}}, clv.ErrBadOption},
		{"customer_id,date,product\n", crosssell.CSVOptions{Options: csvio.Options{MaxLineBytes: -1}}, clv.ErrBadOption},
		{"a,b\n", crosssell.CSVOptions{Options: csvio.Options{NoHeader: true}}, clv.ErrUnknownColumn},
	} {
		if _, err := crosssell.NewReader(strings.NewReader(c.in), c.opts); !errors.Is(err, c.err) {
			t.Errorf("%q %+v: %v, want %v", c.in, c.opts, err, c.err)
		}
	}
	if _, err := crosssell.NewReader(nil, crosssell.CSVOptions{}); !errors.Is(err, clv.ErrRead) {
		t.Error(err)
	}
	var nilBuf *strings.Reader
	if _, err := crosssell.NewReader(nilBuf, crosssell.CSVOptions{}); !errors.Is(err, clv.ErrRead) {
		t.Error(err)
	}
	rd, _ := crosssell.NewReader(strings.NewReader("customer_id,date,product\n"), crosssell.CSVOptions{})
	if _, _, err := crosssell.ReadBaskets(rd, time.Time{}); !errors.Is(err, clv.ErrEmptyLog) {
		t.Error(err)
	}
	rd, _ = crosssell.NewReader(strings.NewReader("customer_id,date,product\n"), crosssell.CSVOptions{})
	if _, err := rd.ReadAll(); !errors.Is(err, clv.ErrEmptyLog) {
		t.Error(err)
	}
}

// TestAddBatch: batches, single adds and a mix of them give the same
// baskets, on one core or all.
func TestAddBatch(t *testing.T) {
	recs := randomLog(20000, 300, 3)
	cust, prod := make([]string, len(recs)), make([]string, len(recs))
	for i, r := range recs {
		cust[i], prod[i] = r[0], r[1]
	}
	want := baskets(t, recs)
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		var a crosssell.Accumulator
		third := len(recs) / 3
		if err := a.AddBatch(cust[:third], prod[:third]); err != nil {
			t.Fatal(err)
		}
		for i := third; i < 2*third; i++ {
			if err := a.Add(cust[i], prod[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.AddBatch(cust[2*third:], prod[2*third:]); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(prev)
		got := a.Baskets()
		if got.NumCustomers() != want.NumCustomers() || !reflect.DeepEqual(got.Products(), want.Products()) || got.Pairs() != want.Pairs() {
			t.Fatalf("procs %d: %d customers, %d pairs, want %d, %d", procs, got.NumCustomers(), got.Pairs(), want.NumCustomers(), want.Pairs())
		}
		for c := range want.NumCustomers() {
			if got.Customer(c) != want.Customer(c) || !reflect.DeepEqual(got.Bought(c), want.Bought(c)) {
				t.Fatalf("procs %d: customer %d: %s %q, want %s %q", procs, c, got.Customer(c), got.Bought(c), want.Customer(c), want.Bought(c))
			}
		}
	}
	var a crosssell.Accumulator
	if err := a.AddBatch([]string{"a", ""}, []string{"x", "y"}); !errors.Is(err, clv.ErrMissingID) || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("empty id: %v", err)
	}
	if err := a.AddBatch([]string{"a", "b"}, []string{"x", ""}); !errors.Is(err, crosssell.ErrMissingProduct) {
		t.Errorf("empty product: %v", err)
	}
	if err := a.AddBatch([]string{"a"}, nil); !errors.Is(err, crosssell.ErrBadOption) {
		t.Errorf("lengths: %v", err)
	}
	if c, p := a.Len(); c != 0 || p != 0 {
		t.Errorf("a failed batch added %d customers, %d products", c, p)
	}
	var nilAcc *crosssell.Accumulator
	if err := nilAcc.AddBatch(nil, nil); !errors.Is(err, crosssell.ErrBadOption) {
		t.Error(err)
	}
}

// TestReadBasketsLarge reads a log of several batches, with an error in
// the last one.
func TestReadBasketsLarge(t *testing.T) {
	recs := randomLog(20000, 300, 5)
	var sb strings.Builder
	sb.WriteString("customer_id,date,product\n")
	for i, r := range recs {
		fmt.Fprintf(&sb, "%s,2024-%02d-01,%s\n", r[0], 1+i*12/len(recs), r[1])
	}
	rd, _ := crosssell.NewReader(strings.NewReader(sb.String()), crosssell.CSVOptions{})
	cal, hold, err := crosssell.ReadBaskets(rd, time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	cut := 0
	for 1+cut*12/len(recs) <= 9 {
		cut++
	}
	wantCal, wantHold := baskets(t, recs[:cut]), baskets(t, recs[cut:])
	for _, c := range []struct{ got, want *crosssell.Baskets }{{cal, wantCal}, {hold, wantHold}} {
		if c.got.NumCustomers() != c.want.NumCustomers() || c.got.Pairs() != c.want.Pairs() || c.got.Customer(100) != c.want.Customer(100) {
			t.Errorf("%d customers %d pairs, want %d %d", c.got.NumCustomers(), c.got.Pairs(), c.want.NumCustomers(), c.want.Pairs())
		}
	}
	if rd.Stats().Records != len(recs) {
		t.Errorf("%d records", rd.Stats().Records)
	}
	rd, _ = crosssell.NewReader(strings.NewReader(sb.String()+"a,2024-12-32,x\n"), crosssell.CSVOptions{})
	var pe *clv.ParseError
	if _, _, err := crosssell.ReadBaskets(rd, time.Time{}); !errors.As(err, &pe) || pe.Line != len(recs)+2 {
		t.Errorf("bad last line: %v", err)
	}
}

func TestJSON(t *testing.T) {
	e := crosssell.Evaluation{K: 5, Customers: 2, Model: crosssell.Metrics{HitRate: 0.5, Hits: 1}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"k":5,"customers":2,"new_products":0,"model":{"hit_rate":0.5,"precision":0,"recall":0,"hits":1},"popular":{"hit_rate":0,"precision":0,"recall":0,"hits":0}}`
	if string(b) != want {
		t.Errorf("%s\nwant %s", b, want)
	}
	b, _ = json.Marshal(crosssell.Pair{A: "x", B: "y", Count: 2, Lift: 1.5})
	if !strings.Contains(string(b), `"a":"x","b":"y","count":2,`) || !strings.Contains(string(b), `"lift":1.5`) {
		t.Errorf("%s", b)
	}
}

// TestMaxBasket: a customer with more products than MaxBasket is left out
// of the counts and still gets suggestions.
func TestMaxBasket(t *testing.T) {
	b := baskets(t, small)
	m, err := crosssell.Fit(b, crosssell.Options{MaxBasket: 2, PairMinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Without b (x, y, z): N = 4, n_x = 2, n_y = 2, n_z = 1, c_xy = 1, c_xz = 1.
	if m.Customers() != 4 || m.Count("x") != 2 || m.Count("z") != 1 {
		t.Errorf("%d customers, n_x %d, n_z %d", m.Customers(), m.Count("x"), m.Count("z"))
	}
	p := m.Pairs()
	if len(p) != 2 || p[0].A != "x" || p[0].B != "z" || math.Abs(p[0].Lift-2) > tol || p[1].B != "y" || math.Abs(p[1].Lift-1) > tol {
		t.Errorf("pairs %+v", p)
	}
	all, _ := m.SuggestAll(b, 1)
	if s := all.For(1); len(s) != 1 || s[0].Product != "w" || !s[0].Popular {
		t.Errorf("customer b: %+v", s)
	}
	if _, err := crosssell.Fit(b, crosssell.Options{MaxBasket: -1}); !errors.Is(err, crosssell.ErrBadOption) {
		t.Error(err)
	}
}

func TestJoin(t *testing.T) {
	a := baskets(t, [][2]string{{"a", "x"}, {"b", "y"}, {"a", "z"}})
	b := baskets(t, [][2]string{{"c", "x"}, {"a", "y"}, {"a", "x"}})
	j := crosssell.Join(a, b)
	if j.NumCustomers() != 3 || j.Customer(0) != "a" || j.Customer(2) != "c" ||
		!reflect.DeepEqual(j.Bought(0), []string{"x", "y", "z"}) || !reflect.DeepEqual(j.Products(), []string{"x", "y", "z"}) || j.Pairs() != 5 {
		t.Errorf("%d customers %q %q %d pairs", j.NumCustomers(), j.Bought(0), j.Products(), j.Pairs())
	}
	if crosssell.Join(nil, nil).NumCustomers() != 0 || crosssell.Join(nil, b).Pairs() != 3 {
		t.Error("nil baskets")
	}
	// Joining the two periods of a log gives the baskets of the whole log.
	recs := randomLog(20000, 300, 9)
	whole, joined := baskets(t, recs), crosssell.Join(baskets(t, recs[:len(recs)/2]), baskets(t, recs[len(recs)/2:]))
	if whole.NumCustomers() != joined.NumCustomers() || whole.Pairs() != joined.Pairs() {
		t.Fatalf("%d %d vs %d %d", whole.NumCustomers(), whole.Pairs(), joined.NumCustomers(), joined.Pairs())
	}
	for c := range whole.NumCustomers() {
		if whole.Customer(c) != joined.Customer(c) || !reflect.DeepEqual(whole.Bought(c), joined.Bought(c)) {
			t.Fatalf("customer %d", c)
		}
	}
}
