package cov

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Draws returns n draws of the parameters (base, trans, life) from the
// approximate sampling distribution of the estimate (the Laplace
// approximation): ln base and the coefficients γ jointly normal around
// the estimate, with the covariance cv of (base, γ_trans, γ_life) (natural
// parameters, row major, as Estimate.Cov) carried to ln base by the delta
// method, Cov(ln b_k, ·) = Cov(b_k, ·)/b_k. The base parameters stay
// positive. A coefficient of variance 0 (held at 0) keeps its value, and
// one whose row of cv equals an earlier one's (the same γ on both
// processes) takes that one's draw. Deterministic for a given src.
func Draws(src rand.Source, n int, base, trans, life, cv []float64) (bases, transes, lifes [][]float64, err error) {
	v := slices.Concat(base, trans, life)
	m := len(v)
	nb := len(base)
	switch {
	case src == nil || n < 0:
		return nil, nil, nil, fmt.Errorf("draws: source %v, n = %d", src, n)
	case len(trans) != len(life):
		return nil, nil, nil, fmt.Errorf("draws: %d γ_trans and %d γ_life", len(trans), len(life))
	case cv == nil:
		return nil, nil, nil, errors.New("no covariance: the model was not fitted, or its Hessian is not positive definite")
	case len(cv) != m*m:
		return nil, nil, nil, fmt.Errorf("draws: covariance of %d numbers for %d parameters", len(cv), m)
	}
	for k, b := range base {
		if !(b > 0) || math.IsInf(b, 0) {
			return nil, nil, nil, fmt.Errorf("draws: base parameter %d = %v", k, b)
		}
	}
	// The parameters drawn (free), and for the others the one they copy
	// (same[i] ≥ 0) or none (held, −1).
	same := make([]int, m)
	var free []int
	row := func(i int) []float64 { return cv[i*m : (i+1)*m] }
	for i := range m {
		same[i] = -1
		if d := row(i)[i]; math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
			return nil, nil, nil, fmt.Errorf("draws: variance of parameter %d = %v", i, d)
		}
		if row(i)[i] == 0 {
			continue
		}
		dup := false
		for _, j := range free {
			if slices.Equal(row(i), row(j)) {
				same[i], dup = j, true
				break
			}
		}
		if !dup {
			free = append(free, i)
		}
	}
	k := len(free)
	sc := func(i int) float64 {
		if i < nb {
			return 1 / base[i]
		}
		return 1
	}
	lc := mat.NewSymDense(max(k, 1), nil)
	if k == 0 {
		lc.SetSym(0, 0, 1)
	}
	for a, i := range free {
		for b, j := range free[a:] {
			lc.SetSym(a, a+b, cv[i*m+j]*sc(i)*sc(j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(lc) {
		return nil, nil, nil, errors.New("draws: the covariance is not positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	rng := rand.New(src)
	z := make([]float64, k)
	w := make([]float64, m)
	for range n {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		copy(w, v)
		for a, i := range free {
			var s float64
			for b := 0; b <= a; b++ {
				s += l.At(a, b) * z[b]
			}
			if i < nb {
				w[i] = v[i] * math.Exp(s)
			} else {
				w[i] = v[i] + s
			}
		}
		for i, j := range same {
			if j >= 0 {
				w[i] = w[j]
			}
		}
		nt := len(trans)
		bases = append(bases, slices.Clone(w[:nb]))
		transes = append(transes, slices.Clone(w[nb:nb+nt]))
		lifes = append(lifes, slices.Clone(w[nb+nt:]))
	}
	return bases, transes, lifes, nil
}
