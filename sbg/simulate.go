package sbg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// SimulateCohort draws n subscribers who sign up together and are observed
// for periods renewals, and returns their records: θ ~ Beta(α, β), and a
// subscriber still subscribed after t−1 renewals makes the t-th with
// probability (1−θ)^(t^c − (t−1)^c), so that P(still subscribed after t) =
// (1−θ)^(t^c). Subscribers still subscribed after the last renewal are
// censored. It is deterministic for a given src.
func (p Params) SimulateCohort(src rand.Source, n, periods int) ([]Record, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("sbg: SimulateCohort: nil source")
	}
	if n < 0 || periods < 0 || periods > maxRenewals {
		return nil, fmt.Errorf("sbg: SimulateCohort(%d, %d): want n ≥ 0 and 0 to %d periods", n, periods, maxRenewals)
	}
	rng := rand.New(src)
	beta := distuv.Beta{Alpha: p.Alpha, Beta: p.Beta, Src: src}
	churned := make([]float64, periods)
	active := 0.0
	for range n {
		theta := beta.Rand()
		// Renewals survived: the largest t with (1−θ)^(t^c) ≥ U.
		u := 1 - rng.Float64() // (0, 1]
		lt := math.Log(u) / math.Log1p(-theta)
		var t float64
		if math.IsNaN(lt) || math.IsInf(lt, 0) {
			t = math.Inf(1) // θ = 0: never cancels, or u = 1
			if theta >= 1 {
				t = 0
			}
		} else {
			t = math.Floor(math.Pow(lt, 1/p.C))
		}
		if t >= float64(periods) {
			active++
		} else {
			churned[int(t)]++
		}
	}
	var rs []Record
	for t, c := range churned {
		if c > 0 {
			rs = append(rs, Record{Renewals: t, Churned: true, Count: c})
		}
	}
	if active > 0 {
		rs = append(rs, Record{Renewals: periods, Count: active})
	}
	return rs, nil
}
