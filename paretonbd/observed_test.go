package paretonbd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestNothingObserved: customers all first seen at the observation end (T
// = 0) are an error wrapping clv.ErrNotIdentified that names the model.
func TestNothingObserved(t *testing.T) {
	m, err := paretonbd.Fit([]clv.Customer{{ID: "a"}}, paretonbd.FitOptions{})
	if m != nil || !errors.Is(err, clv.ErrNotIdentified) || !strings.HasPrefix(err.Error(), "paretonbd: Pareto/NBD: ") ||
		!strings.Contains(err.Error(), "every customer has T = 0") {
		t.Fatalf("%v, %v; want no model and clv.ErrNotIdentified naming Pareto/NBD", m, err)
	}
}
