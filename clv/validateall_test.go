package clv_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestValidateAllFirstError: among many customers, checked in chunks on
// all cores, ValidateAll names the first invalid one (not another chunk's)
// and wraps ErrInvalidCustomer; none invalid, no error.
func TestValidateAllFirstError(t *testing.T) {
	cs := make([]clv.Customer, 200_000)
	for i := range cs {
		cs[i] = clv.Customer{Frequency: float64(i % 5), Recency: float64(i % 5), T: 10}
	}
	if err := clv.ValidateAll(cs); err != nil {
		t.Fatal(err)
	}
	cs[150_001].Recency = 11 // > T
	cs[70_000].Frequency = 1.5
	cs[190_000].T = -1
	err := clv.ValidateAll(cs)
	if !errors.Is(err, clv.ErrInvalidCustomer) || !strings.Contains(err.Error(), "customers[70000]") {
		t.Errorf("error %v, want customers[70000] wrapping ErrInvalidCustomer", err)
	}
	if err := clv.ValidateAll(cs[100_000:]); err == nil || !strings.Contains(err.Error(), "customers[50001]") {
		t.Errorf("error %v, want customers[50001]", err)
	}
}
