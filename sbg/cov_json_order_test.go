package sbg_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/sbg"
)

// TestCovariatesJSONErrorOrder: a JSON model with both α and β out of
// bounds is refused with the same error every time, naming α (the checks
// run in order, not in a map's).
func TestCovariatesJSONErrorOrder(t *testing.T) {
	b := []byte(`{"model": "sbg_covariates", "params": {"alpha": -1, "beta": -2}, "covariates": ["a"], "gamma_alpha": [0], "gamma_beta": [0]}`)
	for range 50 {
		var m sbg.CovModel
		err := json.Unmarshal(b, &m)
		if !errors.Is(err, sbg.ErrInvalidParams) || !strings.Contains(err.Error(), "params.alpha = -1") {
			t.Fatalf("error %v, want ErrInvalidParams naming params.alpha = -1", err)
		}
	}
}
