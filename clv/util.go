package clv

import (
	"reflect"
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
