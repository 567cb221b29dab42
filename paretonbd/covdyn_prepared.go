package paretonbd

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// DynPaths are customers' covariate paths prepared for the predictions
// of many parameter sets of the model with time-varying covariates (the
// draws of SampleParams, for intervals): checked once, and held as runs
// of equal vectors over one table of the distinct vectors, so that a
// parameter set's factors exp(γ_trans·z), exp(γ_life·z) are computed once
// per distinct vector (DynModel.On) and a customer's prediction walks the
// runs without preparing the path again. The predictions are those of
// DynModel's methods given the paths.
type DynPaths struct {
	names []string
	zs    [][]float64
	runs  [][]dynRun
	zero  []float64 // Σ z at the repeat purchases: not used by predictions
}

// NewDynPaths prepares paths, whose vectors have the covariates names.
// An invalid path is an error naming it.
func NewDynPaths(names []string, paths []clv.CovariatePath) (*DynPaths, error) {
	p := &DynPaths{names: slices.Clone(names), runs: make([][]dynRun, len(paths)), zero: make([]float64, len(names))}
	ix := &vecIndex{index: map[string]int32{}}
	for i, path := range paths {
		if err := path.Check(names); err != nil {
			return nil, fmt.Errorf("paretonbd: paths[%d]: %w", i, err)
		}
		p.runs[i] = runsOf(path, math.Inf(1), ix)
	}
	p.zs = ix.zs
	return p, nil
}

// Len returns the number of paths.
func (p *DynPaths) Len() int { return len(p.runs) }

// DynOnPaths is a model with time-varying covariates bound to prepared
// paths (DynModel.On); safe for concurrent use.
type DynOnPaths struct {
	e *dynEval
	p *DynPaths
}

// On binds m to the prepared paths p, computing the factors of every
// distinct vector once. It is an error if p's covariates are not m's.
func (m *DynModel) On(p *DynPaths) (*DynOnPaths, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	if p == nil || !slices.Equal(p.names, m.p.Names) {
		return nil, fmt.Errorf("paretonbd: %w: paths prepared for other covariates", clv.ErrInvalidCovariates)
	}
	return &DynOnPaths{e: newDynEval(m.p.Params, m.p.Trans, m.p.Life, p.zs), p: p}, nil
}

// row returns customer c on path i as a row; false if either is invalid.
func (o *DynOnPaths) row(i int, c clv.Customer) (*dynRow, bool) {
	if o == nil || i < 0 || i >= len(o.p.runs) || c.Validate() != nil {
		return nil, false
	}
	return &dynRow{x: c.Frequency, tx: c.Recency, T: c.T, w: 1, zSum: o.p.zero, runs: o.p.runs[i]}, true
}

// AliveAndExpectedAt is DynModel.AliveAndExpectedAt of customer c on the
// i-th prepared path: P(alive), and out[k] the expected purchases in
// (T, T+ts[k]] for ascending horizons ts. An invalid customer or i, or
// horizons not finite, ≥ 0 and ascending, give NaN throughout.
func (o *DynOnPaths) AliveAndExpectedAt(i int, c clv.Customer, ts, out []float64) float64 {
	rw, ok := o.row(i, c)
	if !ok {
		for k := range min(len(ts), len(out)) {
			out[k] = math.NaN()
		}
		return math.NaN()
	}
	return o.e.aliveAndExpectedAt(rw, ts, out)
}
