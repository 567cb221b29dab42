// Package nilmodel tells a nil model argument from a usable one, for the
// packages around clv (clv/assess, clv/predict, clv/interval, campaign,
// plots) that check their model arguments before calling methods on them;
// clv/csvio checks its io.Reader arguments with Is.
package nilmodel

import (
	"fmt"
	"reflect"

	"github.com/clvkit/clvkit/clv"
)

// Is reports whether v is nil or a nil pointer in an interface (a typed
// nil such as (*bgnbd.Model)(nil)), whose methods would dereference nil.
func Is(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// Check returns an error wrapping clv.ErrNilModel, "pkg: fn: … (type)",
// for the first of ms that Is nil, and nil if none is.
func Check(pkg, fn string, ms ...any) error {
	for _, m := range ms {
		if Is(m) {
			return fmt.Errorf("%s: %s: %w (%T)", pkg, fn, clv.ErrNilModel, m)
		}
	}
	return nil
}
