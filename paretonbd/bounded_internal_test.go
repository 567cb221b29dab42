package paretonbd

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// TestSeriesBound evaluates every quantity whose cost used to grow with
// the parameters — the likelihood's terms and their gradients, P(alive),
// the conditional expectation, the PMF and DERT — over a grid reaching
// s, β ~ 1e12, r, α ~ 1e9, x ~ 1e5 and T ~ 1e9. A series loop that reached
// maxTerms, or a quadrature that reached maxPanels, would give NaN: every
// value must be finite (and P(alive) a probability), and no call may take
// more than a millisecond on average (measured: about 100 µs, the slowest
// about 150 µs, for the five quantities of a point).
func TestSeriesBound(t *testing.T) {
	big := []float64{0.05, 1, 30, 1e3, 1e6, 1e9, 1e12}
	small := []float64{0.05, 2, 1e4, 1e9}
	xs := []float64{0, 1, 37, 1e5}
	Ts := []float64{0.5, 52, 1e4, 1e9}
	t0 := time.Now()
	var slowest time.Duration
	var slowAt string
	var calls int
	for _, s := range big {
		for _, beta := range big {
			for _, r := range small {
				for _, alpha := range small {
					p := Params{R: r, Alpha: alpha, S: s, Beta: beta}
					m, err := New(p)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range xs {
						for _, T := range Ts {
							for _, tx := range []float64{0, T / 3, T} {
								if x == 0 && tx != 0 || x > 0 && tx == 0 {
									continue
								}
								var g [4]float64
								start := time.Now()
								tT := terms{math.Log(alpha + T), math.Log(beta + T), 1 / (alpha + T), 1 / (beta + T), math.Log1p(T / beta), T / beta / (beta + T)}
								tX := terms{math.Log(alpha + tx), math.Log(beta + tx), 1 / (alpha + tx), 1 / (beta + tx), math.Log1p(tx / beta), tx / beta / (beta + tx)}
								ll, _ := p.integral(x, tT, tX, &g)
								c := clv.Customer{Frequency: x, Recency: tx, T: T}
								pa := m.ProbabilityAlive(c)
								ce := m.ConditionalExpectedPurchases(c, 52)
								pm := m.ProbabilityOfPurchases(c, 1, 52)
								de := m.DERT(c, 0.002)
								if d := time.Since(start); d > slowest {
									slowest, slowAt = d, fmt.Sprintf("%+v x=%g t_x=%g T=%g", p, x, tx, T)
								}
								calls++
								if !finite(ll) || !finite(g[0]) || !finite(g[1]) || !finite(g[2]) || !finite(g[3]) ||
									!(pa >= 0 && pa <= 1) || !(ce >= 0) || !finite(ce) || !(pm >= 0 && pm <= 1+1e-9) || !(de >= 0) || !finite(de) {
									t.Errorf("%+v x=%g t_x=%g T=%g: LL term %v gradient %v, P(alive) %v, E[Y] %v, P(Y=1) %v, DERT %v",
										p, x, tx, T, ll, g, pa, ce, pm, de)
								}
							}
						}
					}
				}
			}
		}
	}
	if mean := time.Since(t0) / time.Duration(calls); mean > time.Millisecond {
		t.Errorf("%v a point on average", mean)
	}
	t.Logf("%d points, slowest %v: %s", calls, slowest, slowAt)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
