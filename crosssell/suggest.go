package crosssell

import (
	"fmt"

	"github.com/clvkit/clvkit/internal/parallel"
)

// MaxK bounds the number of suggestions per customer.
const MaxK = 100

// A Suggestion is a product suggested to a customer.
type Suggestion struct {
	Product string `json:"product"`
	// Score is Σ sim(i, Product) over the customer's products i that
	// have Product among their neighbours (see the package comment); 0
	// for a Popular fill.
	Score float64 `json:"score"`
	// Popular says the product fills the list from popularity: no product
	// the customer bought has it as a neighbour.
	Popular bool `json:"popular,omitempty"`
}

type scored struct {
	j     int32
	score float64
}

func (a scored) better(b scored) bool { return a.score > b.score || (a.score == b.score && a.j < b.j) }

// scorer holds one goroutine's scratch space.
type scorer struct {
	m     *Model
	acc   []float64
	mark  []uint32 // mark[j] == gen: bought
	gen   uint32
	touch []int32
	best  []scored
}

func (m *Model) newScorer(k int) *scorer {
	return &scorer{m: m, acc: make([]float64, len(m.products)), mark: make([]uint32, len(m.products)),
		best: make([]scored, 0, k)}
}

// suggest appends to dst the top suggestions for a customer who bought
// the products items (model numbers, distinct) and returns it; a
// suggestion of a popular fill has score -1.
func (s *scorer) suggest(dst []scored, items []int32, k int) []scored {
	m := s.m
	s.gen++
	if s.gen == 0 { // wrapped: clear the marks
		clear(s.mark)
		s.gen = 1
	}
	for _, i := range items {
		s.mark[i] = s.gen
	}
	s.touch = s.touch[:0]
	for _, i := range items {
		lo, hi := m.nstart[i], m.nstart[i+1]
		sims := m.nsim[lo:hi]
		for t, j := range m.nj[lo:hi] {
			if s.mark[j] == s.gen {
				continue
			}
			if s.acc[j] == 0 {
				s.touch = append(s.touch, j)
			}
			s.acc[j] += sims[t]
		}
	}
	// The k best candidates by insertion into a short sorted list: most
	// candidates fail the first comparison with the worst kept.
	top := s.best[:0]
	for _, j := range s.touch {
		x := scored{j, s.acc[j]}
		s.acc[j] = 0
		if len(top) == k {
			if !x.better(top[k-1]) {
				continue
			}
			top = top[:k-1]
		}
		i := len(top)
		top = append(top, x)
		for ; i > 0 && x.better(top[i-1]); i-- {
			top[i] = top[i-1]
		}
		top[i] = x
	}
	s.best = top
	base := len(dst)
	dst = append(dst, top...)
	if m.opts.NoFill {
		return dst
	}
	for _, d := range dst[base:] {
		s.mark[d.j] = s.gen // suggested: not again
	}
	for _, p := range m.popular {
		if len(dst)-base >= k {
			break
		}
		if s.mark[p] != s.gen {
			dst = append(dst, scored{p, -1})
		}
	}
	return dst
}

func checkK(k int) error {
	if k < 1 || k > MaxK {
		return fmt.Errorf("%w: k %d (want 1 to %d)", ErrBadOption, k, MaxK)
	}
	return nil
}

// Suggest returns up to k products for a customer who bought the given
// products, best first. Products the model does not know are ignored.
func (m *Model) Suggest(bought []string, k int) ([]Suggestion, error) {
	if m == nil {
		return nil, ErrNilModel
	}
	if err := checkK(k); err != nil {
		return nil, err
	}
	items := make([]int32, 0, len(bought))
	seen := make(map[int32]bool, len(bought))
	for _, p := range bought {
		if i, ok := m.index[p]; ok && !seen[i] {
			seen[i] = true
			items = append(items, i)
		}
	}
	return m.suggestions(m.newScorer(k).suggest(nil, items, k)), nil
}

func (m *Model) suggestions(sc []scored) []Suggestion {
	out := make([]Suggestion, len(sc))
	for i, s := range sc {
		out[i] = Suggestion{Product: m.products[s.j], Score: max(s.score, 0), Popular: s.score < 0}
	}
	return out
}

// Suggestions are the suggestions for every customer of a Baskets, held
// compactly: 12 bytes a suggestion, k per customer.
type Suggestions struct {
	m      *Model
	k      int
	n      []uint16 // suggestions per customer
	items  []int32  // k per customer, the first n used
	scores []float64
}

// SuggestAll returns the top-k suggestions of every customer of b, on all
// cores; the result does not depend on their number. The products of b
// are matched to the model's by name: b need not be the baskets the model
// was fitted on.
func (m *Model) SuggestAll(b *Baskets, k int) (*Suggestions, error) {
	if m == nil {
		return nil, ErrNilModel
	}
	if b == nil {
		return nil, ErrNilBaskets
	}
	if err := checkK(k); err != nil {
		return nil, err
	}
	return m.suggestAll(b, nil, k), nil
}

// SuggestFor returns the top-k suggestions of the customers of b listed in
// customers (numbers of b's customers), as SuggestAll does for all: the
// Suggestions' customer i is b's customer customers[i]. A number out of
// range is an error wrapping ErrBadOption.
func (m *Model) SuggestFor(b *Baskets, customers []int, k int) (*Suggestions, error) {
	if m == nil {
		return nil, ErrNilModel
	}
	if b == nil {
		return nil, ErrNilBaskets
	}
	if err := checkK(k); err != nil {
		return nil, err
	}
	if customers == nil {
		customers = []int{} // none, not all
	}
	for i, c := range customers {
		if c < 0 || c >= b.numCustomers() {
			return nil, fmt.Errorf("%w: customers[%d] = %d, of %d", ErrBadOption, i, c, b.numCustomers())
		}
	}
	return m.suggestAll(b, customers, k), nil
}

// suggestAll suggests to b's customers cs, or to all when cs is nil.
func (m *Model) suggestAll(b *Baskets, cs []int, k int) *Suggestions {
	remap := m.remap(b)
	nc := b.numCustomers()
	if cs != nil {
		nc = len(cs)
	}
	s := &Suggestions{m: m, k: k, n: make([]uint16, nc), items: make([]int32, nc*k), scores: make([]float64, nc*k)}
	parallel.For(parallel.Chunks(nc), func(ch int) {
		lo, hi := parallel.Bounds(ch, nc)
		sc := m.newScorer(k)
		var items []int32
		var buf []scored
		for c := lo; c < hi; c++ {
			bc := c
			if cs != nil {
				bc = cs[c]
			}
			items = b.mapped(items[:0], bc, remap)
			buf = sc.suggest(buf[:0], items, k)
			s.n[c] = uint16(len(buf))
			for i, x := range buf {
				s.items[c*k+i] = x.j
				s.scores[c*k+i] = x.score
			}
		}
	})
	return s
}

// remap returns the model's number of each of b's products, -1 for those
// it does not know, or nil when b's products are the model's.
func (m *Model) remap(b *Baskets) []int32 {
	same := len(b.products) == len(m.products)
	for i := 0; same && i < len(b.products); i++ {
		same = b.products[i] == m.products[i]
	}
	if same {
		return nil
	}
	r := make([]int32, len(b.products))
	for i, p := range b.products {
		r[i] = -1
		if j, ok := m.index[p]; ok {
			r[i] = j
		}
	}
	return r
}

// mapped appends customer c's products, in the model's numbers, to dst.
func (b *Baskets) mapped(dst []int32, c int, remap []int32) []int32 {
	if remap == nil {
		return append(dst, b.basket(c)...)
	}
	for _, p := range b.basket(c) {
		if j := remap[p]; j >= 0 {
			dst = append(dst, j)
		}
	}
	return dst
}

// Len returns the number of customers.
func (s *Suggestions) Len() int {
	if s == nil {
		return 0
	}
	return len(s.n)
}

// For returns customer c's suggestions, best first, or nil when c is out
// of range.
func (s *Suggestions) For(c int) []Suggestion {
	if s == nil || c < 0 || c >= len(s.n) {
		return nil
	}
	out := make([]Suggestion, s.n[c])
	for i := range out {
		sc := s.scores[c*s.k+i]
		out[i] = Suggestion{Product: s.m.products[s.items[c*s.k+i]], Score: max(sc, 0), Popular: sc < 0}
	}
	return out
}
