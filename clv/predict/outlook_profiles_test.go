package predict_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestOutlookProfiles: each customer's outlook is the Outlook of the
// model of the customer's profile (to 1e-12: the models' OutlookRows),
// computed once per distinct (profile, x, t_x, T); customers of one row
// and different profiles get their own models' outlooks.
func TestOutlookProfiles(t *testing.T) {
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.6, Alpha: 5, A: 0.8, B: 2.5})
	mbg, _ := bgnbd.NewVariant(bgnbd.MBGNBD, bgnbd.Params{R: 0.6, Alpha: 3, A: 0.8, B: 2.5})
	pn, _ := paretonbd.New(paretonbd.Params{R: 0.6, Alpha: 5, S: 0.8, Beta: 12})
	models := []clv.NextPurchaseModel{bg, mbg, pn}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 2000
	cs := make([]clv.Customer, n)
	profile := make([]int32, n)
	type key struct {
		p       int32
		x, r, T float64
	}
	distinct := map[key]bool{}
	for i := range cs {
		T := float64(10 + rng.IntN(5))
		x := float64(rng.IntN(4))
		r := 0.0
		if x > 0 {
			r = float64(1 + rng.IntN(int(T)))
		}
		cs[i] = clv.Customer{Frequency: x, Recency: r, T: T}
		profile[i] = int32(rng.IntN(len(models)))
		distinct[key{profile[i], x, r, T}] = true
	}
	opts := clv.OutlookOptions{Window: 2, Horizon: 20}
	o, err := predict.OutlookProfiles(models, profile, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() != n || o.Distinct() != len(distinct) || len(distinct) >= n/2 {
		t.Fatalf("Len %d, Distinct %d, want %d, %d (< %d)", o.Len(), o.Distinct(), n, len(distinct), n/2)
	}
	for i, c := range cs {
		got, want := o.At(i), models[profile[i]].Outlook(c, opts)
		if j := o.Index(i); j < 0 || j >= o.Distinct() {
			t.Fatalf("customer %d: Index %d of %d rows", i, j, o.Distinct())
		}
		gv := []float64{got.PurchaseWithin, got.PurchaseWithinHorizon, got.AliveAtHorizon, got.NextPurchase[0], got.NextPurchase[1], got.NextPurchase[2], got.PurchaseRate}
		wv := []float64{want.PurchaseWithin, want.PurchaseWithinHorizon, want.AliveAtHorizon, want.NextPurchase[0], want.NextPurchase[1], want.NextPurchase[2], want.PurchaseRate}
		for k := range gv {
			if math.IsNaN(gv[k]) != math.IsNaN(wv[k]) || math.Abs(gv[k]-wv[k]) > 1e-12*max(1, math.Abs(wv[k])) {
				t.Fatalf("customer %d (profile %d, %+v): %+v, the model's Outlook %+v", i, profile[i], c, got, want)
			}
		}
	}
}

// TestOutlookProfilesErrors: bad profiles, models, options and customers
// are errors.
func TestOutlookProfilesErrors(t *testing.T) {
	m, _ := bgnbd.New(bgnbd.Params{R: 0.6, Alpha: 5, A: 0.8, B: 2.5})
	cs := []clv.Customer{{Frequency: 1, Recency: 2, T: 5}, {T: 3}}
	good := clv.OutlookOptions{Window: 1, Horizon: 2}
	ms := []clv.NextPurchaseModel{m}
	if _, err := predict.OutlookProfiles(ms, []int32{0, 1}, cs, good); err == nil {
		t.Error("profile out of range: no error")
	}
	if _, err := predict.OutlookProfiles(ms, []int32{0, -1}, cs, good); err == nil {
		t.Error("negative profile: no error")
	}
	if _, err := predict.OutlookProfiles(ms, []int32{0}, cs, good); err == nil {
		t.Error("too few profiles: no error")
	}
	if _, err := predict.OutlookProfiles([]clv.NextPurchaseModel{m, nil}, []int32{0, 0}, cs, good); !errors.Is(err, clv.ErrNilModel) {
		t.Errorf("nil model: %v", err)
	}
	if _, err := predict.OutlookProfiles(ms, []int32{0, 0}, cs, clv.OutlookOptions{Window: 1}); !errors.Is(err, clv.ErrBadOutlookOptions) {
		t.Errorf("no horizon: %v", err)
	}
	bad := []clv.Customer{cs[0], {Frequency: 1, Recency: 6, T: 5}}
	if _, err := predict.OutlookProfiles(ms, []int32{0, 0}, bad, good); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: %v", err)
	}
}
