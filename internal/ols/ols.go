// Package ols fits ordinary least squares by a Householder QR
// factorization, for the few columns of clv's regression baseline: no
// n×n matrix is ever formed, so a million rows take O(n·k) memory.
package ols

import (
	"errors"
	"math"
)

// ErrRankDeficient is returned when the columns are collinear or nearly
// so: R's condition number in the 1-norm exceeds 1e16 (gonum's
// mat.ConditionTolerance).
var ErrRankDeficient = errors.New("ols: the columns are collinear")

// maxCond bounds R's condition number.
const maxCond = 1e16

// Fit returns the β that minimizes ‖Xβ − y‖₂, for the n×k matrix X given
// by rows (row i is x[i·k : (i+1)·k]) and n = len(y) ≥ k ≥ 1. It
// factorizes X = QR by Householder reflections applied to the columns of X
// and to y as they are made (Golub & Van Loan, Matrix Computations, 4th
// ed., algorithm 5.2.1, Q never formed), then solves Rβ = (Qᵀy)[:k] by back
// substitution: O(n·k²) time. The condition number of R is computed
// exactly from R⁻¹ (k is small), not estimated.
func Fit(x, y []float64, k int) ([]float64, error) {
	n := len(y)
	if k < 1 || n < k || len(x) != n*k {
		return nil, errors.New("ols: want n ≥ k ≥ 1 and an n×k matrix")
	}
	// Columns, so that each reflection runs along contiguous memory.
	a := make([][]float64, k)
	for j := range a {
		a[j] = make([]float64, n)
		for i := range n {
			a[j][i] = x[i*k+j]
		}
	}
	b := append([]float64(nil), y...)
	v := make([]float64, n)
	for j := range k {
		col := a[j][j:]
		norm := norm2(col)
		if norm == 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
			return nil, ErrRankDeficient
		}
		alpha := -math.Copysign(norm, col[0])
		w := v[:len(col)]
		copy(w, col)
		w[0] -= alpha
		ww := dot(w, w)
		reflect := func(c []float64) {
			s := 2 * dot(w, c) / ww
			for i := range c {
				c[i] -= s * w[i]
			}
		}
		for l := j + 1; l < k; l++ {
			reflect(a[l][j:])
		}
		reflect(b[j:])
		col[0] = alpha // R[j][j]; R[j][l] is a[l][j]
	}
	r := func(i, j int) float64 { return a[j][i] }
	if cond(r, k) > maxCond {
		return nil, ErrRankDeficient
	}
	beta := make([]float64, k)
	for j := k - 1; j >= 0; j-- {
		s := b[j]
		for l := j + 1; l < k; l++ {
			s -= r(j, l) * beta[l]
		}
		beta[j] = s / r(j, j)
	}
	return beta, nil
}

// cond returns ‖R‖₁‖R⁻¹‖₁ for the k×k upper triangular R, +Inf if R is
// singular.
func cond(r func(i, j int) float64, k int) float64 {
	inv := make([][]float64, k) // column c of R⁻¹, by back substitution on e_c
	for c := range k {
		inv[c] = make([]float64, k)
		for j := c; j >= 0; j-- {
			s := 0.0
			if j == c {
				s = 1
			}
			for l := j + 1; l <= c; l++ {
				s -= r(j, l) * inv[c][l]
			}
			inv[c][j] = s / r(j, j)
		}
	}
	var nr, ni float64
	for c := range k {
		var sr, si float64
		for i := 0; i <= c; i++ {
			sr += math.Abs(r(i, c))
			si += math.Abs(inv[c][i])
		}
		nr, ni = math.Max(nr, sr), math.Max(ni, si)
	}
	if c := nr * ni; !math.IsNaN(c) {
		return c
	}
	return math.Inf(1)
}

// norm2 returns the Euclidean norm of v, scaled against overflow.
func norm2(v []float64) float64 {
	scale := 0.0
	for _, x := range v {
		scale = math.Max(scale, math.Abs(x))
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
		return scale
	}
	s := 0.0
	for _, x := range v {
		s += (x / scale) * (x / scale)
	}
	return scale * math.Sqrt(s)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
