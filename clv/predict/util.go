package predict

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/nilmodel"
	"github.com/clvkit/clvkit/internal/rows"
)

// isNil reports whether a model argument is nil (nilmodel.Is).
func isNil(v any) bool { return nilmodel.Is(v) }

// checkModels returns an error wrapping clv.ErrNilModel, naming fn, if any
// of ms is nil (nilmodel.Check).
func checkModels(fn string, ms ...any) error { return nilmodel.Check("predict", fn, ms...) }

// groupsOf returns the groups of cs: g's if g is cs's grouping, nil if g
// is nil, and an error wrapping clv.ErrGroupingMismatch otherwise.
func groupsOf(g *clv.Grouping, fn string, cs []clv.Customer) (*rows.Groups, error) {
	rg, ok := rows.GroupsOf(rows.Unbox(g), cs)
	if !ok {
		return nil, fmt.Errorf("%w (%s)", clv.ErrGroupingMismatch, fn)
	}
	return rg, nil
}

// validate validates the customers (clv.ValidateAll) unless g, from
// groupsOf, is their grouping: clv.GroupCustomers validated them (on 10⁶
// customers a pass over them saved per call).
func validate(cs []clv.Customer, g *rows.Groups) error {
	if g != nil {
		return nil
	}
	return clv.ValidateAll(cs)
}

// empiricalQuantile returns the smallest element of the sorted s at or
// below which a share p of the elements lie: s[i] for the first i with
// i+1 ≥ p·len(s) (no interpolation; gonum's stat.Empirical).
func empiricalQuantile(p float64, s []float64) float64 {
	at := p * float64(len(s))
	for i, v := range s {
		if float64(i+1) >= at {
			return v
		}
	}
	return s[len(s)-1]
}
