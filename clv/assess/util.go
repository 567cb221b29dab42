package assess

import (
	"fmt"
	"math"
	"reflect"

	"github.com/clvkit/clvkit/clv"
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
			return fmt.Errorf("assess: %s: %w (%T)", fn, clv.ErrNilModel, m)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
