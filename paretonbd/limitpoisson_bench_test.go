package paretonbd

import "testing"

// BenchmarkPoisPMF times one P(X(t) = n) of the Poisson limit (its
// quadrature around the mode); BenchmarkGeneralPMF the general model's.
func BenchmarkPoisPMF(b *testing.B) {
	p := poisParams(0.3, 0.8, 12)
	for b.Loop() {
		p.poisPMF(15, 52)
	}
}

func BenchmarkGeneralPMF(b *testing.B) {
	p := Params{R: 0.6, Alpha: 2, S: 0.8, Beta: 12}
	for b.Loop() {
		p.pmf(15, 52)
	}
}
