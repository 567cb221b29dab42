package crosssell

import (
	"errors"
	"fmt"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// Errors that callers may test for with errors.Is, beside clv's errors of
// reading (clv.ErrMissingID, clv.ErrBadTime, clv.ParseError, ...).
var (
	ErrMissingProduct = errors.New("missing product")
	ErrTooMany        = errors.New("crosssell: too many customers or products")
	ErrBadOption      = errors.New("crosssell: invalid option")
	ErrNilModel       = errors.New("crosssell: nil model")
	ErrNilBaskets     = errors.New("crosssell: nil baskets")
	ErrNoHoldout      = errors.New("crosssell: nothing to evaluate")
)

// maxEntries bounds the customers and the products of an Accumulator, so
// that their numbers fit in 31 bits.
const maxEntries = 1<<31 - 1

// An Accumulator collects (customer, product) purchases into Baskets. Its
// memory is bounded by the distinct (customer, product) pairs it has seen:
// repeated purchases are folded as they come. The zero value is ready to
// use. An Accumulator is not safe for concurrent use.
type Accumulator struct {
	cust     map[string]int32
	custIDs  []string
	prod     map[string]int32
	prodName []string
	recs     []uint64 // customer << 32 | product, in first-appearance numbers
	compact  int      // len(recs) after the last compaction
}

// Add records that customer bought product. An empty customer id is an
// error wrapping clv.ErrMissingID, an empty product one wrapping
// ErrMissingProduct.
func (a *Accumulator) Add(customer, product string) error {
	if a == nil {
		return fmt.Errorf("%w: nil *Accumulator", ErrBadOption)
	}
	return a.add([]byte(customer), []byte(product))
}

// add is Add on bytes; it allocates only for a new customer or product.
func (a *Accumulator) add(customer, product []byte) error {
	if len(customer) == 0 {
		return clv.ErrMissingID
	}
	if len(product) == 0 {
		return ErrMissingProduct
	}
	if a.cust == nil {
		a.cust = make(map[string]int32)
		a.prod = make(map[string]int32)
	}
	c, ok := a.cust[string(customer)]
	if !ok {
		if len(a.custIDs) >= maxEntries {
			return fmt.Errorf("%w: over %d customers", ErrTooMany, maxEntries)
		}
		c = int32(len(a.custIDs))
		id := string(customer)
		a.cust[id] = c
		a.custIDs = append(a.custIDs, id)
	}
	p, ok := a.prod[string(product)]
	if !ok {
		if len(a.prodName) >= maxEntries {
			return fmt.Errorf("%w: over %d products", ErrTooMany, maxEntries)
		}
		p = int32(len(a.prodName))
		name := string(product)
		a.prod[name] = p
		a.prodName = append(a.prodName, name)
	}
	a.recs = append(a.recs, uint64(c)<<32|uint64(uint32(p)))
	if len(a.recs) >= 1<<20 && len(a.recs) >= 2*a.compact {
		a.recs = sortUnique(a.recs)
		a.compact = len(a.recs)
	}
	return nil
}

// Len returns the number of customers and products seen so far.
func (a *Accumulator) Len() (customers, products int) {
	if a == nil {
		return 0, 0
	}
	return len(a.custIDs), len(a.prodName)
}

func sortUnique(s []uint64) []uint64 {
	slices.Sort(s)
	return slices.Compact(s)
}

// Baskets returns the baskets of the purchases added so far: customers in
// the order of their first purchase, products sorted by name. The
// Accumulator remains usable.
func (a *Accumulator) Baskets() *Baskets {
	if a == nil {
		return &Baskets{start: []int{0}}
	}
	// Products are numbered by name, so that ties and outputs do not
	// depend on the input's order.
	order := make([]int32, len(a.prodName))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		if a.prodName[x] < a.prodName[y] {
			return -1
		}
		if a.prodName[x] > a.prodName[y] {
			return 1
		}
		return 0
	})
	rank := make([]int32, len(order))
	names := make([]string, len(order))
	for r, p := range order {
		rank[p] = int32(r)
		names[r] = a.prodName[p]
	}
	nc := len(a.custIDs)
	// Counting sort by customer, then each customer's products sorted and
	// made distinct.
	start := make([]int, nc+1)
	for _, r := range a.recs {
		start[r>>32+1]++
	}
	for c := range nc {
		start[c+1] += start[c]
	}
	items := make([]int32, len(a.recs))
	pos := slices.Clone(start[:nc])
	for _, r := range a.recs {
		c := r >> 32
		items[pos[c]] = rank[uint32(r)]
		pos[c]++
	}
	n := pos // reused: distinct products per customer
	parallel.Map(nc, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			s := items[start[c]:start[c+1]]
			slices.Sort(s)
			n[c] = len(slices.Compact(s))
		}
	})
	w := 0
	for c := range nc {
		lo := start[c]
		start[c] = w
		w += copy(items[w:], items[lo:lo+n[c]])
	}
	start[nc] = w
	return &Baskets{customers: a.custIDs[:nc:nc], products: names, start: start, items: slices.Clip(items[:w])}
}

// Baskets are the distinct products each customer bought. Customers and
// products are numbered from 0; products are sorted by name. Baskets are
// immutable and safe for concurrent use.
type Baskets struct {
	customers []string
	products  []string
	start     []int   // customer c's products are items[start[c]:start[c+1]]
	items     []int32 // product numbers, increasing within a customer
}

// NumCustomers returns the number of customers.
func (b *Baskets) NumCustomers() int {
	if b == nil {
		return 0
	}
	return len(b.customers)
}

// Customer returns the id of customer c, or "" when c is out of range.
func (b *Baskets) Customer(c int) string {
	if b == nil || c < 0 || c >= len(b.customers) {
		return ""
	}
	return b.customers[c]
}

// Products returns the product names, sorted. The slice must not be
// modified.
func (b *Baskets) Products() []string {
	if b == nil {
		return nil
	}
	return b.products
}

// Bought returns the products customer c bought, sorted by name, or nil
// when c is out of range.
func (b *Baskets) Bought(c int) []string {
	if b == nil || c < 0 || c >= len(b.customers) {
		return nil
	}
	s := b.items[b.start[c]:b.start[c+1]]
	out := make([]string, len(s))
	for i, p := range s {
		out[i] = b.products[p]
	}
	return out
}

// Pairs returns the number of distinct (customer, product) pairs.
func (b *Baskets) Pairs() int {
	if b == nil {
		return 0
	}
	return len(b.items)
}

func (b *Baskets) basket(c int) []int32 { return b.items[b.start[c]:b.start[c+1]] }
