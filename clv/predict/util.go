package predict

import (
	"fmt"
	"reflect"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
)

// isNil reports whether a model argument is nil or a nil pointer in an
// interface (a typed nil such as (*bgnbd.Model)(nil)), whose methods would
// dereference nil.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// checkModels returns an error wrapping clv.ErrNilModel, naming fn, if any
// of ms is nil (see isNil).
func checkModels(fn string, ms ...any) error {
	for _, m := range ms {
		if isNil(m) {
			return fmt.Errorf("predict: %s: %w (%T)", fn, clv.ErrNilModel, m)
		}
	}
	return nil
}

// groupsOf returns the groups of cs: g's if g is cs's grouping, nil if g
// is nil, and an error wrapping clv.ErrGroupingMismatch otherwise.
func groupsOf(g *clv.Grouping, fn string, cs []clv.Customer) (*rows.Groups, error) {
	rg, ok := rows.GroupsOf(rows.Unbox(g), cs)
	if !ok {
		return nil, fmt.Errorf("%w (%s)", clv.ErrGroupingMismatch, fn)
	}
	return rg, nil
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
