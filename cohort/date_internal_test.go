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
		if gy, gm, gd := date(u); gy != y || gm != int(m) || gd != d {
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
	// Another zone: the general path.
	z := time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("x", -5*3600))
	if y, m, d := date(z); y != 2024 || m != 2 || d != 29 {
		t.Errorf("zone: %d-%d-%d", y, m, d)
	}
}
