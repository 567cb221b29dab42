package gammagamma_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// TestNoCustomersCounts: a fit whose repeat buyers all spent 0 says so,
// rather than that there are no repeat buyers (issue #18: a log of
// amounts 0 read as one of one-time buyers).
func TestNoCustomersCounts(t *testing.T) {
	cs := []clv.Customer{
		{ID: "a", Frequency: 0, Recency: 0, T: 10},
		{ID: "b", Frequency: 2, Recency: 5, T: 10, MonetaryValue: 0},
		{ID: "c", Frequency: 1, Recency: 3, T: 10, MonetaryValue: 0},
	}
	_, err := gammagamma.Fit(cs, gammagamma.FitOptions{SkipNonPositive: true})
	wantZero := "no customers with repeat purchases and a monetary value > 0 (1 without repeat purchases; 2 with them, whose monetary value is ≤ 0)"
	if !errors.Is(err, clv.ErrNoCustomers) || !strings.Contains(err.Error(), wantZero) {
		t.Errorf("all zero: %v, want ErrNoCustomers and %q", err, wantZero)
	}
	_, err = gammagamma.Fit(cs[:1], gammagamma.FitOptions{SkipNonPositive: true})
	if want := "no customers with repeat purchases (1 without)"; !errors.Is(err, clv.ErrNoCustomers) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("one-time buyers: %v, want %q", err, want)
	}
	z := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{0}, {1}, {0}}}
	_, err = gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{SkipNonPositive: true})
	if !errors.Is(err, clv.ErrNoCustomers) || !strings.Contains(err.Error(), wantZero) {
		t.Errorf("covariates, all zero: %v, want ErrNoCustomers and %q", err, wantZero)
	}
}
