package bgbb_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgbb"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"gonum.org/v1/gonum/mathext"
)

var published = bgbb.Params{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}

// TestRecovery: from 100,000 simulated customers the parameters come back
// within 5%.
func TestRecovery(t *testing.T) {
	for i, truth := range []bgbb.Params{published, {Alpha: 2, Beta: 3, Gamma: 1.5, Delta: 6}, {Alpha: 0.8, Beta: 1.5, Gamma: 0.4, Delta: 1.2}} {
		rows, err := truth.Simulate(rand.NewPCG(uint64(i), 5), 100_000, 10)
		if err != nil {
			t.Fatal(err)
		}
		m, err := bgbb.Fit(rows, bgbb.FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := m.Params()
		for _, v := range [][2]float64{{p.Alpha, truth.Alpha}, {p.Beta, truth.Beta}, {p.Gamma, truth.Gamma}, {p.Delta, truth.Delta}} {
			if relErr(v[0], v[1]) > 0.05 {
				t.Errorf("truth %+v: %v", truth, m)
			}
		}
	}
}

// TestProperties: the PMF sums to 1, its mean is the expectation of a new
// customer, probabilities lie in [0, 1], DERT is the paper's closed form.
func TestProperties(t *testing.T) {
	m, _ := bgbb.New(published)
	for _, n := range []int{0, 1, 6, 30} {
		sum, mean := 0.0, 0.0
		for x := 0; x <= n; x++ {
			v := m.ProbabilityOfTransactions(x, n)
			if !(v >= 0 && v <= 1) {
				t.Fatalf("P(X(%d)=%d) = %v", n, x, v)
			}
			sum += v
			mean += float64(x) * v
		}
		// A new customer is the history x = t_x = n = 0.
		want := m.ConditionalExpectedTransactions(bgbb.Row{}, n)
		if math.Abs(sum-1) > 1e-12 || math.Abs(mean-want) > 1e-10*math.Max(want, 1) {
			t.Errorf("n=%d: Σ P = %v, mean %v, E %v", n, sum, mean, want)
		}
	}
	p := published
	for _, r := range []bgbb.Row{{X: 0, Recency: 0, N: 6}, {X: 3, Recency: 5, N: 6}, {X: 6, Recency: 6, N: 6}} {
		pa := m.ProbabilityAlive(r, 1)
		if !(pa > 0 && pa <= 1) {
			t.Errorf("%+v: P(alive) %v", r, pa)
		}
		// The closed form of eq. 14 with gonum's ₂F₁.
		n, d := float64(r.N), 0.1
		lead := m.ConditionalExpectedTransactions(r, 1) / ((p.Delta + n) / (p.Gamma + p.Delta + n))
		want := lead * (p.Delta + n) / (p.Gamma + p.Delta + n) / (1 + d) * mathext.Hypergeo(1, p.Delta+n+1, p.Gamma+p.Delta+n+1, 1/(1+d))
		if got := m.DERT(r, d); relErr(got, want) > 1e-10 {
			t.Errorf("%+v: DERT %v, closed form %v", r, got, want)
		}
	}
	// γ = 1, where the closed form of the expectation is 0/0.
	one, _ := bgbb.New(bgbb.Params{Alpha: 1, Beta: 1, Gamma: 1, Delta: 2})
	lo, _ := bgbb.New(bgbb.Params{Alpha: 1, Beta: 1, Gamma: 1 - 1e-9, Delta: 2})
	r := bgbb.Row{X: 2, Recency: 3, N: 5}
	if relErr(one.ConditionalExpectedTransactions(r, 10), lo.ConditionalExpectedTransactions(r, 10)) > 1e-7 {
		t.Error("expectation not continuous at γ = 1")
	}
}

func TestBadInput(t *testing.T) {
	m, _ := bgbb.New(published)
	for _, r := range []bgbb.Row{{X: 3, Recency: 2, N: 6}, {X: 0, Recency: 1, N: 6}, {X: 1, Recency: 7, N: 6}, {N: -1}} {
		if !math.IsNaN(m.ProbabilityAlive(r, 1)) {
			t.Errorf("%+v accepted", r)
		}
		if _, err := bgbb.Fit([]bgbb.Row{r}, bgbb.FitOptions{}); err == nil {
			t.Errorf("%+v: fit without error", r)
		}
	}
	if _, err := bgbb.Fit(nil, bgbb.FitOptions{}); err == nil {
		t.Error("no rows")
	}
	var zero bgbb.Model
	if !math.IsNaN(zero.ProbabilityOfTransactions(1, 2)) {
		t.Error("zero Model scores")
	}
}

// BenchmarkFit1e6 fits 10⁶ customers given one row each (nothing merged
// beforehand).
func BenchmarkFit1e6(b *testing.B) {
	grouped, err := published.Simulate(rand.NewPCG(1, 1), 1_000_000, 6)
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]bgbb.Row, 0, 1_000_000)
	for _, r := range grouped {
		for range int(r.Count) {
			rows = append(rows, bgbb.Row{X: r.X, Recency: r.Recency, N: r.N, Count: 1})
		}
	}
	for b.Loop() {
		if _, err := bgbb.Fit(rows, bgbb.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFromTransactions: a log of yearly donations, summarized by calendar
// year, gives the BG/BB rows: x repeat years, t_x the year of the last,
// n the years observed after the first.
func TestFromTransactions(t *testing.T) {
	log := "customer_id,date\na,2018-03-01\na,2019-11-11\na,2019-12-01\na,2021-05-05\nb,2018-06-01\nc,2020-01-01\nc,2023-02-02\n"
	sum, err := csvio.Summarize(strings.NewReader(log), csvio.Options{}, clv.SummaryOptions{
		Calendar: true, Period: clv.Year, End: time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := bgbb.RowsFromCustomers(sum.Customers)
	if err != nil {
		t.Fatal(err)
	}
	want := []bgbb.Row{{X: 2, Recency: 3, N: 5, Count: 1}, {X: 0, Recency: 0, N: 5, Count: 1}, {X: 1, Recency: 3, N: 3, Count: 1}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	if _, err := bgbb.RowsFromCustomers([]clv.Customer{{Frequency: 1, Recency: 0.5, T: 2}}); err == nil {
		t.Error("continuous times accepted")
	}
}
