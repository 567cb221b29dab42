package paretonbd_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestFitDynamicInvalid: FitDynamic refuses inconsistent inputs with
// errors wrapping the sentinel callers branch on, without a model.
func TestFitDynamicInvalid(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 10, T: 20}, {ID: "b", T: 15}}
	good := func() clv.DynamicCovariates {
		return clv.DynamicCovariates{Names: []string{"s"},
			Paths:     []clv.CovariatePath{{Start: []float64{0, 5}, Values: [][]float64{{0}, {1}}}, {Start: []float64{-3}, Values: [][]float64{{1}}}},
			Purchases: [][]float64{{4, 10}, nil}}
	}
	for _, c := range []struct {
		name   string
		edit   func(*clv.DynamicCovariates, *[]clv.Customer, *paretonbd.CovFitOptions)
		target error
	}{
		{"no names", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) { z.Names = nil }, clv.ErrInvalidCovariates},
		{"paths missing", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) { z.Paths = z.Paths[:1] }, clv.ErrInvalidCovariates},
		{"path after the first purchase", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Paths[1].Start[0] = 1
		}, clv.ErrInvalidCovariates},
		{"starts not ascending", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Paths[0].Start[1] = 0
		}, clv.ErrInvalidCovariates},
		{"NaN value", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Paths[0].Values[1] = []float64{math.NaN()}
		}, clv.ErrInvalidCovariates},
		{"vector too long", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Paths[0].Values[1] = []float64{1, 2}
		}, clv.ErrInvalidCovariates},
		{"purchases for frequency", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Purchases[0] = []float64{10}
		}, clv.ErrInvalidCovariates},
		{"last purchase not recency", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Purchases[0] = []float64{4, 9}
		}, clv.ErrInvalidCovariates},
		{"purchase at 0", func(z *clv.DynamicCovariates, _ *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			z.Purchases[0] = []float64{0, 10}
		}, clv.ErrInvalidCovariates},
		{"invalid customer", func(_ *clv.DynamicCovariates, cs *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			(*cs)[1].Recency = 3
		}, clv.ErrInvalidCustomer},
		{"no customers", func(z *clv.DynamicCovariates, cs *[]clv.Customer, _ *paretonbd.CovFitOptions) {
			*cs = nil
		}, clv.ErrNoCustomers},
		{"Same names no covariate", func(_ *clv.DynamicCovariates, _ *[]clv.Customer, o *paretonbd.CovFitOptions) {
			o.Same = []string{"x"}
		}, clv.ErrInvalidCovariates},
	} {
		z, cc, o := good(), append([]clv.Customer(nil), cs...), paretonbd.CovFitOptions{}
		c.edit(&z, &cc, &o)
		m, err := paretonbd.FitDynamic(context.Background(), cc, z, o)
		if m != nil || !errors.Is(err, c.target) {
			t.Errorf("%s: model %v, error %v; want %v", c.name, m, err, c.target)
		}
	}
	for _, o := range []paretonbd.CovFitOptions{{Penalizer: -1}, {Weights: []float64{1}}, {Weights: []float64{1, math.Inf(1)}},
		{Start: &paretonbd.Params{R: -1, Alpha: 1, S: 1, Beta: 1}}} {
		if m, err := paretonbd.FitDynamic(context.Background(), cs, good(), o); m != nil || err == nil {
			t.Errorf("options %+v: model %v, error %v", o, m, err)
		}
	}
	var zero *paretonbd.DynModel
	if _, err := zero.ProbabilityAliveAll(cs, good().Paths); err == nil {
		t.Error("a nil model scored")
	}
	if _, err := zero.MarshalJSON(); err == nil {
		t.Error("a nil model encoded")
	}
	if _, _, err := zero.Simulate(nil, nil, nil); err == nil {
		t.Error("a nil model simulated")
	}
}

// TestDynModelNil: the methods of a nil or zero DynModel return zero
// values, NaN or errors without panicking.
func TestDynModelNil(t *testing.T) {
	c := clv.Customer{T: 3}
	path := clv.CovariatePath{Start: []float64{0}, Values: [][]float64{{1}}}
	for _, m := range []*paretonbd.DynModel{nil, {}} {
		_ = m.Params()
		_, _ = m.StdErrors()
		_, _ = m.Covariance()
		_ = m.FitInfo()
		_ = m.LogLikelihood()
		_ = m.Boundary()
		_ = m.String()
		if _, err := m.Effects(0.95); err == nil {
			t.Error("effects of a zero model")
		}
		if _, err := m.EffectTests(context.Background(), nil, clv.DynamicCovariates{}, paretonbd.CovFitOptions{}, 0.95); err == nil {
			t.Error("effect tests of a zero model")
		}
		if v := m.ProbabilityAlive(c, path) + m.ConditionalExpectedPurchases(c, path, 1) + m.DERT(c, path, 0.1); !math.IsNaN(v) {
			t.Errorf("predictions of a zero model: %v", v)
		}
	}
}
