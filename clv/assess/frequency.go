package assess

import (
	"fmt"
	"math"
	"sort"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// maxFrequencyBins bounds the bins of ExpectedFrequencyCounts.
const maxFrequencyBins = 1 << 16

// ExpectedFrequencyCounts returns how many of the customers cs the model
// expects to have made each number of repeat purchases in their T: element
// n < k is Σᵢ P(X(Tᵢ) = n), and element k the expected number with k or
// more. Beside the observed counts it is the calibration-period fit
// histogram of Fader, Hardie & Lee (2005, Figure 2). The probabilities are
// computed once per distinct T, on all cores, and summed in a fixed order.
// k must be in [1, 65536]; an invalid customer is an error naming it.
func ExpectedFrequencyCounts(m clv.UnconditionalPMF, cs []clv.Customer, k int) ([]float64, error) {
	if err := checkModels("ExpectedFrequencyCounts", m); err != nil {
		return nil, err
	}
	if k < 1 || k > maxFrequencyBins {
		return nil, fmt.Errorf("assess: %d frequency bins, want 1 to %d", k, maxFrequencyBins)
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	weight := make(map[float64]float64)
	for _, c := range cs {
		weight[c.T]++
	}
	ts := make([]float64, 0, len(weight))
	for t := range weight {
		ts = append(ts, t)
	}
	sort.Float64s(ts) // a fixed order: the sums do not depend on map order
	parts := make([][]float64, parallel.Chunks(len(ts)))
	parallel.For(len(parts), func(c int) {
		out := make([]float64, k+1)
		lo, hi := parallel.Bounds(c, len(ts))
		for _, t := range ts[lo:hi] {
			w, tail := weight[t], 1.0
			for n := range k {
				p := m.ProbabilityOfPurchasesUnconditional(n, t)
				out[n] += w * p
				tail -= p
			}
			out[k] += w * math.Max(tail, 0)
		}
		parts[c] = out
	})
	out := make([]float64, k+1)
	for _, p := range parts {
		for n, v := range p {
			out[n] += v
		}
	}
	return out, nil
}
