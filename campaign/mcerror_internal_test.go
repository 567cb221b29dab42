package campaign

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMixtureMCError: the Monte-Carlo error of the band's ends, estimated
// from one set of D draws, agrees with the spread of the ends over 600
// sets, as does its approximation √(f/(z²D) + f²/(2D)) (f the draws'
// share of the variance; for f < 0.9: the draws' own quantiles are
// noisier), both to 20%.
func TestMixtureMCError(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const level, reps = 0.9, 600
	for _, tc := range []struct {
		D         int
		v, spread float64 // process variance; sd of the draws' offsets
	}{{40, 1, 1}, {40, 1, 0.3}, {100, 1, 2}, {40, 0.01, 1}} {
		var his, est []float64
		for range reps {
			off := make([]float64, tc.D)
			for d := range off {
				off[d] = tc.spread * rng.NormFloat64()
			}
			_, hi := mixtureBand(off, tc.v, level)
			his = append(his, hi)
			est = append(est, mixtureMCError(off, tc.v, level))
		}
		var m, m2, e float64
		for k := range his {
			m += his[k] / reps
			m2 += his[k] * his[k] / reps
			e += est[k] / reps
		}
		z := math.Sqrt2 * math.Erfinv(level)
		half := z * math.Sqrt(tc.v+tc.spread*tc.spread) // the band's half-width in the limit
		got := math.Sqrt(m2-m*m) / half
		f, D := tc.spread*tc.spread/(tc.v+tc.spread*tc.spread), float64(tc.D)
		approx := math.Sqrt(f/(z*z*D) + f*f/(2*D))
		t.Logf("D=%d v=%v spread=%v: MC error %.4f, estimated %.4f, approximately %.4f", tc.D, tc.v, tc.spread, got, e, approx)
		if math.Abs(e-got) > 0.2*got || (f < 0.9 && math.Abs(approx-got) > 0.2*got) {
			t.Errorf("D=%d v=%v spread=%v: estimated MC error %.4f, approximately %.4f; the ends' spread %.4f", tc.D, tc.v, tc.spread, e, approx, got)
		}
	}
	if got := mixtureMCError([]float64{0}, 1, level0); got != 0 {
		t.Errorf("one draw: %v, want 0", got)
	}
}

const level0 = 0.9
