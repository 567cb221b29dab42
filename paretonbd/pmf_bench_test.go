package paretonbd

import "testing"

// BenchmarkPMFSeq times the first 400 counts of PurchasesIfAliveSeq's
// sequence (pmfSeq) of a posterior of the CDNOW fit at a two-year horizon,
// what a predictive interval spends per customer; BenchmarkPMFSeqNarrow
// the same for a dropout scale far below the purchase scale (β ≪ α).
func BenchmarkPMFSeq(b *testing.B) {
	p := Params{R: 0.5533 + 3, Alpha: 10.58 + 30, S: 0.6062, Beta: 11.67 + 30}
	for b.Loop() {
		next := p.pmfSeq(104)
		for range 400 {
			next()
		}
	}
}

func BenchmarkPMFSeqNarrow(b *testing.B) {
	p := Params{R: 10, Alpha: 10.0 / 3, S: 0.7, Beta: 0.01}
	for b.Loop() {
		next := p.pmfSeq(104)
		for range 400 {
			next()
		}
	}
}

// BenchmarkPoisPMFSeq: the same in the Poisson limit.
func BenchmarkPoisPMFSeq(b *testing.B) {
	p := poisParams(0.3, 0.8, 12)
	for b.Loop() {
		next := p.pmfSeq(104)
		for range 400 {
			next()
		}
	}
}
