package crosssell

import (
	"fmt"

	"github.com/clvkit/clvkit/internal/parallel"
)

// Metrics are the accuracy of top-k suggestions against the new products
// customers bought in a holdout period, over the evaluated customers.
type Metrics struct {
	// HitRate is the share of customers with at least one suggestion
	// among their new products (hit rate@k).
	HitRate float64 `json:"hit_rate"`
	// Precision is the mean share of the k suggestions that are new
	// products of the customer (precision@k); a list shorter than k counts
	// as k.
	Precision float64 `json:"precision"`
	// Recall is the mean share of a customer's new products that are
	// suggested (recall@k).
	Recall float64 `json:"recall"`
	// Hits is the number of suggestions that are new products.
	Hits int `json:"hits"`
}

// An Evaluation compares a model's suggestions with the popularity
// baseline on a holdout period. Its JSON names are snake case.
type Evaluation struct {
	K int `json:"k"`
	// Customers is the number of customers evaluated: those of the
	// calibration baskets who bought, in the holdout, at least one product
	// they had not bought in calibration. Holdout customers new in the
	// holdout are not evaluated.
	Customers int `json:"customers"`
	// NewProducts is the number of (customer, new product) pairs of the
	// evaluated customers.
	NewProducts int `json:"new_products"`
	// Model are the suggestions' metrics; Popular those of the popularity
	// baseline: the k products bought by the most calibration customers
	// that the customer has not bought.
	Model   Metrics `json:"model"`
	Popular Metrics `json:"popular"`
}

// Evaluate scores m's top-k suggestions for the customers of calibration
// (the baskets m was fitted on, normally) against the products they bought
// in holdout and not in calibration, beside the popularity baseline.
// Customers and products are matched by id and name. It uses all cores;
// the result does not depend on their number.
func Evaluate(m *Model, calibration, holdout *Baskets, k int) (Evaluation, error) {
	if m == nil {
		return Evaluation{}, ErrNilModel
	}
	if calibration == nil || holdout == nil {
		return Evaluation{}, ErrNilBaskets
	}
	if err := checkK(k); err != nil {
		return Evaluation{}, err
	}
	// Each calibration customer's holdout customer, -1 for none, and the
	// suggestions of those with one: the i-th of sugg is the calibration
	// customer with at[c] = i.
	hold := holdoutOf(calibration, holdout)
	var cs []int
	at := make([]int32, len(hold))
	for c, h := range hold {
		at[c] = -1
		if h >= 0 {
			at[c] = int32(len(cs))
			cs = append(cs, c)
		}
	}
	if cs == nil {
		cs = []int{} // none, not all
	}
	sugg := m.suggestAll(calibration, cs, k)
	calMap, holdMap := m.remap(calibration), m.remap(holdout)
	type part struct {
		customers, newProducts, hits, popHits, hit, popHit int
		recall, popRecall                                  float64
	}
	nc := calibration.numCustomers()
	parts := make([]part, parallel.Chunks(nc))
	parallel.For(len(parts), func(ch int) {
		lo, hi := parallel.Bounds(ch, nc)
		sc := m.newScorer(k)
		isNew := make([]uint32, len(m.products)) // isNew[j] == sc.gen: a new product
		var cal, hist []int32
		var pop []scored
		p := &parts[ch]
		for c := lo; c < hi; c++ {
			h := hold[c]
			if h < 0 {
				continue
			}
			cal = calibration.mapped(cal[:0], c, calMap)
			hist = holdout.mapped(hist[:0], int(h), holdMap)
			sc.gen++
			if sc.gen == 0 {
				clear(sc.mark)
				clear(isNew)
				sc.gen = 1
			}
			for _, i := range cal {
				sc.mark[i] = sc.gen
			}
			nNew := 0
			for _, j := range hist {
				if sc.mark[j] != sc.gen {
					isNew[j] = sc.gen
					nNew++
				}
			}
			// Products the model does not know are new too, though no
			// suggestion can hit them.
			nNew += len(holdout.basket(int(h))) - len(hist)
			if nNew == 0 {
				continue
			}
			p.customers++
			p.newProducts += nNew
			hits := 0
			sc0 := int(at[c]) * k
			for i := range int(sugg.n[at[c]]) {
				if isNew[sugg.items[sc0+i]] == sc.gen {
					hits++
				}
			}
			// The popularity baseline: the k most popular products not
			// bought (sc.mark still marks those bought).
			pop = pop[:0]
			for _, j := range m.popular {
				if len(pop) == k {
					break
				}
				if sc.mark[j] != sc.gen {
					pop = append(pop, scored{j, 0})
				}
			}
			popHits := 0
			for _, x := range pop {
				if isNew[x.j] == sc.gen {
					popHits++
				}
			}
			p.hits += hits
			p.popHits += popHits
			p.hit += min(hits, 1)
			p.popHit += min(popHits, 1)
			p.recall += float64(hits) / float64(nNew)
			p.popRecall += float64(popHits) / float64(nNew)
		}
	})
	var t part
	for _, p := range parts {
		t.customers += p.customers
		t.newProducts += p.newProducts
		t.hits += p.hits
		t.popHits += p.popHits
		t.hit += p.hit
		t.popHit += p.popHit
		t.recall += p.recall
		t.popRecall += p.popRecall
	}
	e := Evaluation{K: k, Customers: t.customers, NewProducts: t.newProducts}
	if t.customers == 0 {
		return e, fmt.Errorf("%w: no calibration customer bought a new product in the holdout", ErrNoHoldout)
	}
	n := float64(t.customers)
	e.Model = Metrics{HitRate: float64(t.hit) / n, Precision: float64(t.hits) / (n * float64(k)), Recall: t.recall / n, Hits: t.hits}
	e.Popular = Metrics{HitRate: float64(t.popHit) / n, Precision: float64(t.popHits) / (n * float64(k)), Recall: t.popRecall / n, Hits: t.popHits}
	return e, nil
}

// holdoutOf returns the number in holdout of each customer of calibration,
// -1 for those not in it: matched by the numbers NewBaskets was given
// when both come from it with the same ids, else by id.
func holdoutOf(calibration, holdout *Baskets) []int32 {
	hold := make([]int32, calibration.numCustomers())
	if calibration.num != nil && holdout.num != nil && len(calibration.src) == len(holdout.src) &&
		(len(calibration.src) == 0 || &calibration.src[0] == &holdout.src[0]) {
		byNum := make([]int32, len(calibration.src))
		for i := range byNum {
			byNum[i] = -1
		}
		for h, n := range holdout.num {
			byNum[n] = int32(h)
		}
		for c, n := range calibration.num {
			hold[c] = byNum[n]
		}
		return hold
	}
	byID := make(map[string]int32, holdout.numCustomers())
	for h := range holdout.numCustomers() {
		byID[holdout.id(h)] = int32(h)
	}
	for c := range hold {
		h, ok := byID[calibration.id(c)]
		if !ok {
			h = -1
		}
		hold[c] = h
	}
	return hold
}
