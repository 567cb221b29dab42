package crosssell

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// NewBaskets returns the baskets of purchases given as numbers: purchase r
// is customer customer[r], whose id is ids[customer[r]], buying product
// product[r], whose name is names[product[r]]. It is for callers that
// have numbered their customers already (a clv.Summarizer's Observer sees
// each transaction's customer number, for one): it needs no table of the
// ids, and costs a sort of the purchases by customer.
//
// The baskets' customers are those with at least one purchase, in the
// order of their numbers; their products are those bought, sorted by name,
// as an Accumulator's. The ids are taken as given (distinct ids are
// distinct customers) and kept, not copied: they must not be modified
// while the baskets are in use. Baskets from NewBaskets with the same ids
// are matched by number, not by id, in Evaluate. A number out of
// range, or slices of different lengths, is an error wrapping
// ErrBadOption, as is a product name given twice; an empty id of a
// customer with a purchase wraps clv.ErrMissingID, an empty name of a
// product bought ErrMissingProduct.
func NewBaskets(ids, names []string, customer, product []int32) (*Baskets, error) {
	if len(customer) != len(product) {
		return nil, fmt.Errorf("%w: %d customers and %d products", ErrBadOption, len(customer), len(product))
	}
	if len(ids) > maxEntries || len(names) > maxEntries {
		return nil, fmt.Errorf("%w: %d ids, %d names", ErrTooMany, len(ids), len(names))
	}
	// Customers' purchase counts and the products bought, checking the
	// numbers.
	cnt := make([]int, len(ids)+1)
	used := make([]bool, len(names))
	for r, c := range customer {
		p := product[r]
		if c < 0 || int(c) >= len(ids) || p < 0 || int(p) >= len(names) {
			return nil, fmt.Errorf("%w: purchase %d: customer %d of %d, product %d of %d", ErrBadOption, r+1, c, len(ids), p, len(names))
		}
		cnt[c+1]++
		used[p] = true
	}
	// Products numbered by name, as an Accumulator numbers them.
	var order []int32
	for p, u := range used {
		if u {
			if names[p] == "" {
				return nil, fmt.Errorf("crosssell: product %d: %w", p, ErrMissingProduct)
			}
			order = append(order, int32(p))
		}
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(names[x], names[y]) })
	rank := make([]int32, len(names))
	prods := make([]string, len(order))
	for r, p := range order {
		if r > 0 && names[p] == prods[r-1] {
			return nil, fmt.Errorf("%w: product name %q given twice", ErrBadOption, names[p])
		}
		rank[p] = int32(r)
		prods[r] = names[p]
	}
	// Counting sort by customer, then each customer's products sorted and
	// made distinct.
	nb := 0
	for c := range ids {
		if cnt[c+1] > 0 {
			if ids[c] == "" {
				return nil, fmt.Errorf("crosssell: customer %d: %w", c, clv.ErrMissingID)
			}
			nb++
		}
		cnt[c+1] += cnt[c]
	}
	items := make([]int32, len(customer))
	pos := cnt[:len(ids)] // reused: the next place of each customer's purchases
	for r, c := range customer {
		items[pos[c]] = rank[product[r]]
		pos[c]++
	}
	// pos[c] is now the end of customer c's purchases, the start of c+1's.
	ends := pos
	n := make([]int32, len(ids)) // distinct products per customer
	parallel.Map(len(ids), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			s := 0
			if c > 0 {
				s = ends[c-1]
			}
			b := items[s:ends[c]]
			slices.Sort(b)
			n[c] = int32(len(slices.Compact(b)))
		}
	})
	out := &Baskets{products: prods, start: make([]int, 1, nb+1), src: ids, num: make([]int32, 0, nb)}
	w, lo := 0, 0
	for c := range ids {
		if n[c] > 0 {
			w += copy(items[w:], items[lo:lo+int(n[c])])
			out.num = append(out.num, int32(c))
			out.start = append(out.start, w)
		}
		lo = ends[c]
	}
	out.items = slices.Clip(items[:w])
	return out, nil
}

// ReadProducts reads all remaining purchases' products as numbers: names
// are the distinct products in the order they first appear, and
// products[r] is the number of the r-th purchase's product. It checks
// each record as Read does (errors, and skips with SkipInvalid: a skipped
// record has no number), and keeps neither the ids nor the times: it is
// for a caller that reads them elsewhere, e.g. a clv.Summarizer reading
// the same log (see NewBaskets). An empty log is an error wrapping
// clv.ErrEmptyLog.
func (r *Reader) ReadProducts() (names []string, products []int32, err error) {
	if r == nil || r.recs == nil {
		return nil, nil, errNilReader
	}
	index := make(map[string]int32)
	for {
		_, prod, _, err := r.readRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		p, ok := index[string(prod)] // no allocation
		if !ok {
			if len(names) >= maxEntries {
				return nil, nil, fmt.Errorf("%w: over %d products", ErrTooMany, maxEntries)
			}
			p = int32(len(names))
			name := string(prod)
			index[name] = p
			names = append(names, name)
		}
		products = append(products, p)
	}
	if len(products) == 0 {
		return nil, nil, fmt.Errorf("%w: no records", clv.ErrEmptyLog)
	}
	return names, products, nil
}
