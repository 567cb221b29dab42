package crosssell

import (
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

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

// numShards is the number of parts of an Accumulator's customers, chosen
// by a hash of the id, that AddBatch fills in parallel.
const numShards = 4

// An Accumulator collects (customer, product) purchases into Baskets. Its
// memory is bounded by the distinct (customer, product) pairs it has seen:
// repeated purchases are folded as they come. The zero value is ready to
// use. An Accumulator is not safe for concurrent use; AddBatch uses all
// cores itself.
type Accumulator struct {
	seed     maphash.Seed
	shards   [numShards]shard
	prod     map[string]int32
	prodName []string
	seq      int64 // records added
	pbuf     []int32
	hbuf     []uint64
}

// compactMin is the number of records of a shard from which repeated
// purchases are folded, whenever the records have doubled since the last
// time: memory stays within twice the distinct pairs plus compactMin
// records a shard, and logs of mostly distinct pairs are not sorted again
// and again.
var compactMin = 1 << 22 // a variable for the tests

// A shard holds the customers whose id hashes to it, numbered in the
// order of their first purchase. Its ids are an open-addressing hash table
// (linear probing, at most half full) whose slots hold 32 bits of the
// id's hash and the customer's number plus one (0: empty), and the ids
// back to back in one arena: no string per customer for the garbage
// collector to scan, and growing the table rehashes no id.
type shard struct {
	slots   []uint64
	arena   []byte
	end     []int    // customer c's id is arena[end[c-1]:end[c]] (from 0 for c = 0)
	first   []int64  // the number of each customer's first record
	recs    []uint64 // customer << 32 | product, in first-appearance numbers
	compact int      // len(recs) after the last compaction
}

// lookup returns the number of the customer with id and hash h, and
// whether it is there; else the free slot where it belongs.
func lookup[T string | []byte](s *shard, id T, h uint32) (c int32, free int, ok bool) {
	mask := len(s.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		e := s.slots[i]
		if e == 0 {
			return 0, i, false
		}
		if uint32(e>>32) == h {
			c := int32(uint32(e) - 1)
			lo := 0
			if c > 0 {
				lo = s.end[c-1]
			}
			if string(s.arena[lo:s.end[c]]) == string(id) {
				return c, 0, true
			}
		}
	}
}

// find returns the number of the customer with id and hash h, adding the
// customer, whose first record is seq, if new.
func find[T string | []byte](s *shard, id T, h uint32, seq int64) (int32, error) {
	if s.slots == nil {
		s.slots = make([]uint64, 1<<10)
	}
	c, free, ok := lookup(s, id, h)
	if ok {
		return c, nil
	}
	if len(s.end) >= maxEntries/numShards {
		return 0, fmt.Errorf("%w: over %d customers", ErrTooMany, maxEntries/numShards*numShards)
	}
	c = int32(len(s.end))
	s.arena = append(s.arena, id...)
	s.end = append(s.end, len(s.arena))
	s.first = append(s.first, seq)
	s.slots[free] = uint64(h)<<32 | uint64(uint32(c)+1)
	if 2*len(s.end) > len(s.slots) {
		old := s.slots
		s.slots = make([]uint64, 2*len(old))
		mask := len(s.slots) - 1
		for _, e := range old {
			if e != 0 {
				i := int(uint32(e>>32)) & mask
				for s.slots[i] != 0 {
					i = (i + 1) & mask
				}
				s.slots[i] = e
			}
		}
	}
	return c, nil
}

// add records that customer c bought product p.
func (s *shard) add(c, p int32) {
	s.recs = append(s.recs, uint64(c)<<32|uint64(uint32(p)))
	if len(s.recs) >= compactMin && len(s.recs) >= 2*s.compact {
		s.recs = sortUnique(s.recs)
		s.compact = len(s.recs)
	}
}

// ids returns the shard's ids, substrings of one string.
func (s *shard) ids() []string {
	all := string(s.arena)
	out := make([]string, len(s.end))
	lo := 0
	for c, hi := range s.end {
		out[c] = all[lo:hi]
		lo = hi
	}
	return out
}

func (a *Accumulator) init() {
	if a.prod == nil {
		a.seed = maphash.MakeSeed()
		a.prod = make(map[string]int32)
	}
}

// shardOf returns the shard of an id of hash h (maphash with a.seed),
// and the 32 bits of h its table keeps.
func shardOf(h uint64) (uint8, uint32) { return uint8(h >> 62), uint32(h) }

// product returns the number of product, adding it if new.
func (a *Accumulator) product(product string) (int32, error) {
	p, ok := a.prod[product]
	if !ok {
		if len(a.prodName) >= maxEntries {
			return 0, fmt.Errorf("%w: over %d products", ErrTooMany, maxEntries)
		}
		p = int32(len(a.prodName))
		a.prod[product] = p
		a.prodName = append(a.prodName, product)
	}
	return p, nil
}

// Add records that customer bought product. An empty customer id is an
// error wrapping clv.ErrMissingID, an empty product one wrapping
// ErrMissingProduct.
func (a *Accumulator) Add(customer, product string) error {
	if a == nil {
		return fmt.Errorf("%w: nil *Accumulator", ErrBadOption)
	}
	if customer == "" {
		return clv.ErrMissingID
	}
	if product == "" {
		return ErrMissingProduct
	}
	a.init()
	p, err := a.product(product)
	if err != nil {
		return err
	}
	sh, h := shardOf(maphash.String(a.seed, customer))
	s := &a.shards[sh]
	c, err := find(s, customer, h, a.seq)
	if err != nil {
		return err
	}
	s.add(c, p)
	a.seq++
	return nil
}

// AddBatch records that customers[i] bought products[i], for every i, as
// Add does one at a time, with the customers' lookups on all cores. A
// record with an empty id or product is an error naming it, and then no
// record of the batch is added.
func (a *Accumulator) AddBatch(customers, products []string) error {
	if a == nil {
		return fmt.Errorf("%w: nil *Accumulator", ErrBadOption)
	}
	if len(customers) != len(products) {
		return fmt.Errorf("%w: %d customers and %d products", ErrBadOption, len(customers), len(products))
	}
	a.init()
	return addBatch(a, customers, products, func(id string) uint64 { return maphash.String(a.seed, id) })
}

// addBatch is AddBatch for ids and products as strings or bytes, hashed
// with a.seed by hash (maphash.String or maphash.Bytes, which agree); it
// allocates only for new customers and products.
func addBatch[T string | []byte](a *Accumulator, customers, products []T, hash func(T) uint64) error {
	for i := range customers {
		if len(customers[i]) == 0 {
			return fmt.Errorf("record %d of the batch: %w", i+1, clv.ErrMissingID)
		}
		if len(products[i]) == 0 {
			return fmt.Errorf("record %d of the batch: %w", i+1, ErrMissingProduct)
		}
	}
	n := len(customers)
	a.pbuf = slices.Grow(a.pbuf[:0], n)[:n]
	a.hbuf = slices.Grow(a.hbuf[:0], n)[:n]
	for i, pr := range products {
		p, ok := a.prod[string(pr)]
		if !ok {
			var err error
			if p, err = a.product(string(pr)); err != nil {
				return err
			}
		}
		a.pbuf[i] = p
	}
	parallel.Map(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a.hbuf[i] = hash(customers[i])
		}
	})
	var errs [numShards]error
	parallel.For(numShards, func(sh int) {
		s := &a.shards[sh]
		for i, x := range a.hbuf {
			xs, h := shardOf(x)
			if int(xs) != sh {
				continue
			}
			c, err := find(s, customers[i], h, a.seq+int64(i))
			if err != nil {
				errs[sh] = err
				return
			}
			s.add(c, a.pbuf[i])
		}
	})
	a.seq += int64(n)
	return errors.Join(errs[:]...)
}

// Len returns the number of customers and products seen so far.
func (a *Accumulator) Len() (customers, products int) {
	if a == nil {
		return 0, 0
	}
	for i := range a.shards {
		customers += len(a.shards[i].end)
	}
	return customers, len(a.prodName)
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
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(a.prodName[x], a.prodName[y]) })
	rank := make([]int32, len(order))
	names := make([]string, len(order))
	for r, p := range order {
		rank[p] = int32(r)
		names[r] = a.prodName[p]
	}
	// Customers are numbered by their first purchase: a merge of the
	// shards, each in that order.
	nc, _ := a.Len()
	ids := make([]string, 0, nc)
	var global [numShards][]int32
	var next [numShards]int
	var shardIDs [numShards][]string
	for sh := range a.shards {
		global[sh] = make([]int32, len(a.shards[sh].end))
		shardIDs[sh] = a.shards[sh].ids()
	}
	for len(ids) < nc {
		best := -1
		for sh := range a.shards {
			s := &a.shards[sh]
			if next[sh] < len(s.end) && (best < 0 || s.first[next[sh]] < a.shards[best].first[next[best]]) {
				best = sh
			}
		}
		global[best][next[best]] = int32(len(ids))
		ids = append(ids, shardIDs[best][next[best]])
		next[best]++
	}
	// Counting sort by customer, then each customer's products sorted and
	// made distinct.
	start := make([]int, nc+1)
	total := 0
	for sh := range a.shards {
		for _, r := range a.shards[sh].recs {
			start[global[sh][r>>32]+1]++
		}
		total += len(a.shards[sh].recs)
	}
	for c := range nc {
		start[c+1] += start[c]
	}
	items := make([]int32, total)
	pos := slices.Clone(start[:nc])
	for sh := range a.shards {
		for _, r := range a.shards[sh].recs {
			c := global[sh][r>>32]
			items[pos[c]] = rank[uint32(r)]
			pos[c]++
		}
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
	return &Baskets{customers: ids, products: names, start: start, items: slices.Clip(items[:w])}
}

// Baskets are the distinct products each customer bought. Customers and
// products are numbered from 0; products are sorted by name. Baskets are
// immutable and safe for concurrent use.
type Baskets struct {
	customers []string // nil from NewBaskets: see id
	products  []string
	start     []int   // customer c's products are items[start[c]:start[c+1]]
	items     []int32 // product numbers, increasing within a customer
	// From NewBaskets: its ids, and each customer's number in them (the
	// id of customer c is src[num[c]]).
	src []string
	num []int32
}

// NumCustomers returns the number of customers.
func (b *Baskets) NumCustomers() int {
	if b == nil {
		return 0
	}
	return b.numCustomers()
}

func (b *Baskets) numCustomers() int { return max(len(b.start)-1, 0) }

// id returns customer c's id.
func (b *Baskets) id(c int) string {
	if b.num != nil {
		return b.src[b.num[c]]
	}
	return b.customers[c]
}

// Customer returns the id of customer c, or "" when c is out of range.
func (b *Baskets) Customer(c int) string {
	if b == nil || c < 0 || c >= b.numCustomers() {
		return ""
	}
	return b.id(c)
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
	if b == nil || c < 0 || c >= b.numCustomers() {
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

// Join returns the baskets of the customers of a and b together: each
// customer's products in either, customers in a's order and then those
// only in b in b's order. With the calibration and holdout baskets of
// ReadBaskets, it gives the whole observation's, to fit the model that
// makes the suggestions after the holdout check. Nil baskets count as
// empty.
func Join(a, b *Baskets) *Baskets {
	var acc Accumulator
	acc.init()
	var cust, prod []string
	for _, x := range []*Baskets{a, b} {
		for c := range x.NumCustomers() {
			for _, p := range x.basket(c) {
				cust = append(cust, x.id(c))
				prod = append(prod, x.products[p])
			}
			if len(cust) >= 1<<16 {
				_ = acc.AddBatch(cust, prod) // ids and products are not empty
				cust, prod = cust[:0], prod[:0]
			}
		}
	}
	_ = acc.AddBatch(cust, prod)
	return acc.Baskets()
}
