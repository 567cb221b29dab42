package crosssell

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
)

// A Measure is the similarity of two products that neighbour lists and
// scores use. With N customers, n_i customers who bought i and c_ij who
// bought both:
type Measure int

const (
	// Confidence is c_ij / n_i, for neighbour j of i: P(j | i), the share
	// of i's buyers who bought j, so that a score is the sum over the
	// customer's products of the estimated probability that their buyers
	// buy j. It leans towards popular products. The default: on the
	// simulated logs of examples/simulate -products it has the best hit
	// rate (see the package comment).
	Confidence Measure = iota
	// Cosine is c_ij / √(n_i n_j), the cosine of the products' customer
	// vectors (Sarwar et al. 2001): symmetric, and neither favours nor
	// penalizes popular products.
	Cosine
	// Lift is N c_ij / (n_i n_j). It favours rare products: two products
	// bought by one customer each, the same one, have lift N; use it with
	// a MinCount of a few customers.
	Lift
)

// String returns "confidence", "cosine" or "lift".
func (m Measure) String() string {
	switch m {
	case Confidence:
		return "confidence"
	case Cosine:
		return "cosine"
	case Lift:
		return "lift"
	}
	return fmt.Sprintf("Measure(%d)", int(m))
}

// Defaults of Options.
const (
	DefaultNeighbors    = 20
	DefaultPairs        = 50
	DefaultPairMinCount = 10
	DefaultMaxBasket    = 500
)

// Options configure Fit. The zero value is ready to use.
type Options struct {
	// Measure is the similarity of neighbours and scores; zero is
	// Confidence.
	Measure Measure

	// Neighbors is the number of most similar products each product
	// keeps (ties to the product whose name sorts first); 0 means
	// DefaultNeighbors. Suggestions cost Neighbors additions per product
	// a customer bought.
	Neighbors int

	// MinCount is the number of customers who bought both products below
	// which a pair is not a neighbour; 0 means 1.
	MinCount int

	// Pairs is the size of the affinity table (Model.Pairs): the pairs of
	// highest lift; 0 means DefaultPairs, a negative value none.
	Pairs int

	// PairMinCount is the number of customers who bought both below which
	// a pair does not enter the affinity table (lift is noise on few
	// customers); 0 means DefaultPairMinCount.
	PairMinCount int

	// MaxBasket is the number of distinct products above which a
	// customer (a reseller, a test account) is left out of the counts,
	// though still given suggestions; 0 means DefaultMaxBasket. Counting
	// costs the square of a customer's distinct products: with MaxBasket,
	// Fit's time is at most proportional to the purchases times MaxBasket.
	// A customer counted with more than 2^24 − 1 products makes Fit fail
	// with ErrTooMany.
	MaxBasket int

	// NoFill leaves a customer's suggestions short when fewer than k
	// products have a score, instead of filling them with the most popular
	// products the customer has not bought.
	NoFill bool
}

func (o Options) withDefaults() (Options, error) {
	if o.Measure < Confidence || o.Measure > Lift {
		return o, fmt.Errorf("%w: Measure %d", ErrBadOption, int(o.Measure))
	}
	if o.Neighbors < 0 || o.MinCount < 0 || o.PairMinCount < 0 || o.MaxBasket < 0 {
		return o, fmt.Errorf("%w: Neighbors %d, MinCount %d, PairMinCount %d, MaxBasket %d (want ≥ 0)", ErrBadOption, o.Neighbors, o.MinCount, o.PairMinCount, o.MaxBasket)
	}
	if o.MaxBasket == 0 {
		o.MaxBasket = DefaultMaxBasket
	}
	if o.Neighbors == 0 {
		o.Neighbors = DefaultNeighbors
	}
	if o.MinCount == 0 {
		o.MinCount = 1
	}
	if o.Pairs == 0 {
		o.Pairs = DefaultPairs
	}
	o.Pairs = max(o.Pairs, 0)
	if o.PairMinCount == 0 {
		o.PairMinCount = DefaultPairMinCount
	}
	return o, nil
}

// A Pair is the association of two products A and B. Its JSON names are
// snake case.
type Pair struct {
	A string `json:"a"`
	B string `json:"b"`
	// Count is the number of customers who bought both, CountA and CountB
	// the numbers who bought A and B.
	Count  int `json:"count"`
	CountA int `json:"count_a"`
	CountB int `json:"count_b"`
	// Support is Count / N, over the N customers of the baskets.
	Support float64 `json:"support"`
	// ConfidenceAB is Count / CountA, an estimate of P(B | A); ConfidenceBA
	// is Count / CountB.
	ConfidenceAB float64 `json:"confidence_ab"`
	ConfidenceBA float64 `json:"confidence_ba"`
	// Lift is N Count / (CountA CountB).
	Lift float64 `json:"lift"`
}

// A Model holds the product statistics and neighbour lists of a set of
// baskets. It is immutable and safe for concurrent use.
type Model struct {
	opts      Options
	products  []string
	index     map[string]int32
	count     []int32 // customers who bought each product
	customers int
	nstart    []int // product i's neighbours are nj[nstart[i]:nstart[i+1]]
	nj        []int32
	nsim      []float64
	ncount    []int32
	popular   []int32 // products by count, decreasing, then by name
	pairs     []pairCount
}

type neighbor struct {
	j     int32
	count int32
	sim   float64
}

type pairCount struct {
	i, j  int32
	count int32
	lift  float64
}

// better orders neighbours: higher similarity first, then lower number.
func (a neighbor) better(b neighbor) bool { return a.sim > b.sim || (a.sim == b.sim && a.j < b.j) }

// better orders the affinity table: higher lift, then more customers, then
// by the products' numbers.
func (a pairCount) better(b pairCount) bool {
	if a.lift != b.lift {
		return a.lift > b.lift
	}
	if a.count != b.count {
		return a.count > b.count
	}
	if a.i != b.i {
		return a.i < b.i
	}
	return a.j < b.j
}

// refBits is the number of low bits of a basket's reference in Fit that
// hold its length, refMask their mask.
const (
	refBits = 24
	refMask = 1<<refBits - 1
)

// itemChunk is the number of products a goroutine counts at a time.
const itemChunk = 16

// Fit counts the co-occurrences of the baskets' products and keeps each
// product's neighbours and the affinity table. It uses all cores; the
// result does not depend on their number. Time is proportional to the sum
// over customers of the square of their number of distinct products, memory
// to the pairs (customer, product) plus Neighbors per product.
func Fit(b *Baskets, opts Options) (*Model, error) {
	if b == nil {
		return nil, ErrNilBaskets
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	np := len(b.products)
	m := &Model{opts: opts, products: b.products, index: make(map[string]int32, np)}
	for i, p := range b.products {
		m.index[p] = int32(i)
	}
	// The transpose: the customers of each product, those with more than
	// MaxBasket products left out.
	counted := func(c int) bool { return b.start[c+1]-b.start[c] <= opts.MaxBasket }
	m.count = make([]int32, np)
	for c := range b.numCustomers() {
		if counted(c) {
			m.customers++
			for _, p := range b.basket(c) {
				m.count[p]++
			}
		}
	}
	cstart := make([]int, np+1)
	for i, n := range m.count {
		cstart[i+1] = cstart[i] + int(n)
	}
	// A customer is held as the place of its basket, items[ref>>refBits :
	// ref>>refBits + ref&refMask]: the counts below read each basket with
	// one memory access that misses the caches rather than two.
	cust := make([]uint64, cstart[np])
	pos := slices.Clone(cstart[:np])
	for c := range b.numCustomers() {
		if !counted(c) {
			continue
		}
		n := b.start[c+1] - b.start[c]
		if n > refMask || b.start[c] > 1<<(64-refBits)-1 {
			return nil, fmt.Errorf("%w: a basket of %d products counted (MaxBasket %d; at most %d)", ErrTooMany, n, opts.MaxBasket, refMask)
		}
		ref := uint64(b.start[c])<<refBits | uint64(n)
		for _, p := range b.basket(c) {
			cust[pos[p]] = ref
			pos[p]++
		}
	}
	pos = nil
	m.popular = make([]int32, np)
	for i := range m.popular {
		m.popular[i] = int32(i)
	}
	slices.SortFunc(m.popular, func(x, y int32) int {
		return cmp.Or(cmp.Compare(m.count[y], m.count[x]), cmp.Compare(x, y))
	})

	// Product i's row of the co-occurrence matrix, counted over its
	// customers' baskets in a dense scratch row (Gustavson's sparse product).
	N := float64(m.customers)
	nbrs := make([][]neighbor, np)
	chunks := (np + itemChunk - 1) / itemChunk
	pairs := make([][]pairCount, chunks)
	parallel.For(chunks, func(ch int) {
		cnt := make([]int32, np)
		var touched []int32
		top := newBounded(opts.Neighbors, neighbor.better)
		ptop := newBounded(opts.Pairs, pairCount.better)
		for i := ch * itemChunk; i < min(np, (ch+1)*itemChunk); i++ {
			touched = touched[:0]
			for _, ref := range cust[cstart[i]:cstart[i+1]] {
				lo := int(ref >> refBits)
				for _, j := range b.items[lo : lo+int(ref&refMask)] {
					if cnt[j] == 0 {
						touched = append(touched, j)
					}
					cnt[j]++
				}
			}
			ni := float64(m.count[i])
			top.reset()
			for _, j := range touched {
				cij := cnt[j]
				cnt[j] = 0
				if int(j) == i {
					continue
				}
				nj := float64(m.count[j])
				if int(cij) >= opts.PairMinCount && int(j) > i {
					ptop.push(pairCount{int32(i), j, cij, N * float64(cij) / (ni * nj)})
				}
				if int(cij) < opts.MinCount {
					continue
				}
				var sim float64
				switch opts.Measure {
				case Cosine:
					sim = float64(cij) / math.Sqrt(ni*nj)
				case Confidence:
					sim = float64(cij) / ni
				case Lift:
					sim = N * float64(cij) / (ni * nj)
				}
				top.push(neighbor{j, cij, sim})
			}
			nbrs[i] = top.sorted()
		}
		pairs[ch] = ptop.sorted()
	})
	m.nstart = make([]int, np+1)
	for i, s := range nbrs {
		m.nstart[i+1] = m.nstart[i] + len(s)
	}
	m.nj = make([]int32, 0, m.nstart[np])
	m.nsim = make([]float64, 0, m.nstart[np])
	m.ncount = make([]int32, 0, m.nstart[np])
	for _, s := range nbrs {
		for _, n := range s {
			m.nj = append(m.nj, n.j)
			m.nsim = append(m.nsim, n.sim)
			m.ncount = append(m.ncount, n.count)
		}
	}
	all := newBounded(opts.Pairs, pairCount.better)
	for _, ps := range pairs {
		for _, p := range ps {
			all.push(p)
		}
	}
	m.pairs = all.sorted()
	return m, nil
}

// Products returns the product names, sorted. The slice must not be
// modified.
func (m *Model) Products() []string {
	if m == nil {
		return nil
	}
	return m.products
}

// Customers returns the number of customers the model counted: those of
// the baskets with at most Options.MaxBasket products.
func (m *Model) Customers() int {
	if m == nil {
		return 0
	}
	return m.customers
}

// Count returns the number of customers who bought product, 0 for an
// unknown product.
func (m *Model) Count(product string) int {
	if m == nil {
		return 0
	}
	i, ok := m.index[product]
	if !ok {
		return 0
	}
	return int(m.count[i])
}

// Popular returns the n most popular products (bought by the most
// customers; ties by name), fewer when there are fewer products.
func (m *Model) Popular(n int) []string {
	if m == nil || n <= 0 {
		return nil
	}
	out := make([]string, 0, min(n, len(m.popular)))
	for _, p := range m.popular[:min(n, len(m.popular))] {
		out = append(out, m.products[p])
	}
	return out
}

func (m *Model) pair(i, j int32, count int32) Pair {
	N, ci, cj, c := float64(m.customers), float64(m.count[i]), float64(m.count[j]), float64(count)
	return Pair{A: m.products[i], B: m.products[j], Count: int(count), CountA: int(m.count[i]), CountB: int(m.count[j]),
		Support: c / N, ConfidenceAB: c / ci, ConfidenceBA: c / cj, Lift: N * c / (ci * cj)}
}

// Pairs returns the affinity table: the Options.Pairs pairs of highest lift
// among those bought together by at least Options.PairMinCount customers,
// by decreasing lift (ties: more customers first, then by names), with A's
// name before B's.
func (m *Model) Pairs() []Pair {
	if m == nil {
		return nil
	}
	out := make([]Pair, len(m.pairs))
	for k, p := range m.pairs {
		out[k] = m.pair(p.i, p.j, p.count)
	}
	return out
}

// Neighbors returns product's neighbour list, most similar first, as pairs
// with A the product; Similarity holds the measure of each. It returns
// nil for an unknown product.
func (m *Model) Neighbors(product string) (pairs []Pair, similarity []float64) {
	if m == nil {
		return nil, nil
	}
	i, ok := m.index[product]
	if !ok {
		return nil, nil
	}
	lo, hi := m.nstart[i], m.nstart[i+1]
	pairs = make([]Pair, hi-lo)
	for k := range pairs {
		pairs[k] = m.pair(i, m.nj[lo+k], m.ncount[lo+k])
	}
	return pairs, slices.Clone(m.nsim[lo:hi])
}

// bounded keeps the k best values pushed, by better: a heap whose root is
// the worst kept.
type bounded[T any] struct {
	k      int
	better func(a, b T) bool
	h      []T
}

func newBounded[T any](k int, better func(a, b T) bool) *bounded[T] {
	return &bounded[T]{k: k, better: better}
}

func (b *bounded[T]) reset() { b.h = b.h[:0] }

func (b *bounded[T]) push(x T) {
	if b.k <= 0 {
		return
	}
	h := b.h
	if len(h) < b.k {
		h = append(h, x)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !b.better(h[p], h[i]) {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		b.h = h
		return
	}
	if !b.better(x, h[0]) {
		return
	}
	h[0] = x
	for i := 0; ; {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && b.better(h[w], h[l]) {
			w = l
		}
		if r < len(h) && b.better(h[w], h[r]) {
			w = r
		}
		if w == i {
			break
		}
		h[w], h[i] = h[i], h[w]
		i = w
	}
}

// sorted returns a copy of the kept values, best first.
func (b *bounded[T]) sorted() []T {
	out := slices.Clone(b.h)
	slices.SortFunc(out, func(x, y T) int {
		if b.better(x, y) {
			return -1
		}
		if b.better(y, x) {
			return 1
		}
		return 0
	})
	return out
}
