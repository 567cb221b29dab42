package bgnbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// mbgParams are the lifetimes package's MBG/NBD estimates on CDNOW.
var mbgParams = bgnbd.Params{R: 0.5248377255676407, Alpha: 6.182988479133824, A: 0.8913562809311867, B: 1.6140000256723184}

// TestMBGNBDOneTimeBuyers: under MBG/NBD a customer without repeat purchases
// may have dropped out, the more likely the longer ago the first purchase;
// under BG/NBD the same customer is alive for sure.
func TestMBGNBDOneTimeBuyers(t *testing.T) {
	m, err := bgnbd.NewVariant(bgnbd.MBGNBD, mbgParams)
	if err != nil {
		t.Fatal(err)
	}
	bg := mustNew(t, mbgParams)
	prev := 1.0
	for _, T := range []float64{0, 1, 10, 39, 78, 1000, 10000} {
		c := clv.Customer{T: T}
		pa := m.ProbabilityAlive(c)
		// At x = 0: 1/(1 + a/b·((α+T)/α)^r).
		want := 1 / (1 + mbgParams.A/mbgParams.B*math.Pow((mbgParams.Alpha+T)/mbgParams.Alpha, mbgParams.R))
		if !(pa > 0 && pa < 1) || math.Abs(pa-want) > 1e-15 || !(pa < prev) {
			t.Errorf("T=%v: P(alive) = %v, want %v, below %v", T, pa, want, prev)
		}
		prev = pa
		if bg.ProbabilityAlive(c) != 1 {
			t.Errorf("BG/NBD P(alive) at x=0 = %v", bg.ProbabilityAlive(c))
		}
	}
}

// TestMBGNBDVariantRelations checks the identities that tie MBG/NBD to
// BG/NBD: an active MBG/NBD customer buys like a BG/NBD customer with b+1,
// and a new MBG/NBD customer is still active after the first purchase with
// probability b/(a+b).
func TestMBGNBDVariantRelations(t *testing.T) {
	m, _ := bgnbd.NewVariant(bgnbd.MBGNBD, mbgParams)
	shifted := mbgParams
	shifted.B++
	bg := mustNew(t, shifted)
	for _, c := range propCustomers {
		if c.Frequency == 0 {
			continue
		}
		// For x > 0 the P(alive) formulas agree with b shifted by one.
		if a, b := m.ProbabilityAlive(c), bg.ProbabilityAlive(c); relErr(a, b) > 1e-14 {
			t.Errorf("%+v: P(alive) %v vs BG/NBD(b+1) %v", c, a, b)
		}
		for _, tt := range []float64{1, 39, 500} {
			if a, b := m.ConditionalExpectedPurchases(c, tt), bg.ConditionalExpectedPurchases(c, tt); relErr(a, b) > 1e-12 {
				t.Errorf("%+v t=%v: E[Y] %v vs BG/NBD(b+1) %v", c, tt, a, b)
			}
		}
	}
	for _, tt := range []float64{1, 10, 100} {
		want := mbgParams.B / (mbgParams.A + mbgParams.B) * bg.ExpectedPurchases(tt)
		if got := m.ExpectedPurchases(tt); relErr(got, want) > 1e-14 {
			t.Errorf("E[X(%v)] = %v, want %v", tt, got, want)
		}
	}
}

// TestMBGNBDJSON: the variant survives the JSON round trip.
func TestMBGNBDJSON(t *testing.T) {
	m, _ := bgnbd.NewVariant(bgnbd.MBGNBD, mbgParams)
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back bgnbd.Model
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	c := clv.Customer{T: 30}
	if back.Variant() != bgnbd.MBGNBD || back.ProbabilityAlive(c) != m.ProbabilityAlive(c) {
		t.Errorf("round trip of %s: variant %v", b, back.Variant())
	}
	var zero bgnbd.Model
	if v := zero.ProbabilityAlive(c); !math.IsNaN(v) {
		t.Errorf("zero Model: P(alive) = %v, want NaN", v)
	}
	if _, err := zero.ProbabilityAliveAll([]clv.Customer{c}); err == nil {
		t.Error("zero Model: batch without error")
	}
	if _, err := zero.MarshalJSON(); err == nil {
		t.Error("zero Model encoded")
	}
}
