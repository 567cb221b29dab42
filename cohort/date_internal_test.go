package cohort

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestDate: the UTC fast path agrees with time.Time.Date, from before
// the year 1 to after 9999, at day boundaries and at random.
func TestDate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	lo := time.Date(-2, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(10002, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	check := func(sec int64, nsec int64) {
		u := time.Unix(sec, nsec).UTC()
		y, m, d := u.Date()
		days := sec / 86400
		if sec%86400 < 0 {
			days--
		}
		if gy, gm, gd := civil(days); gy != y || gm != int(m) || gd != d {
			t.Fatalf("%v: date %d-%d-%d, want %d-%d-%d", u, gy, gm, gd, y, m, d)
		}
	}
	for range 200000 {
		sec := lo + rng.Int64N(hi-lo)
		check(sec, rng.Int64N(1e9))
		day := sec - sec%86400
		check(day, 0)
		check(day-1, 999999999)
	}
	for _, s := range []int64{0, -1, 86399, 86400, -86400, -86401, 951782400 /* 2000-02-29 */, 951868800} {
		check(s, 0)
	}
	// The accumulator's day cache, and another zone (the general path):
	// 2024-02-29 23:30 at UTC−5 is 2024-03-01 in UTC.
	a := New()
	z := time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("x", -5*3600))
	for i, tm := range []time.Time{z.UTC(), z.UTC().Add(time.Minute), z} {
		if err := a.Add(i, tm, 1); err != nil {
			t.Fatal(err)
		}
	}
	if tab := a.Table(); len(tab.Cohorts) != 2 || tab.Cohorts[0].Month.String() != "2024-02" || tab.Cohorts[0].Size != 1 ||
		tab.Cohorts[1].Month.String() != "2024-03" || tab.Cohorts[1].Size != 2 {
		t.Errorf("cohorts %+v", tab.Cohorts)
	}
}
