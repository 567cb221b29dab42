package forecast

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkG10 fails unless appendG10 formats v as strconv does.
func checkG10(t testing.TB, v float64) {
	t.Helper()
	want := strconv.AppendFloat([]byte("x"), v, 'g', 10, 64)
	if got := appendG10([]byte("x"), v); string(got) != string(want) {
		t.Fatalf("appendG10(%v [%#x]) = %q, strconv %q", v, math.Float64bits(v), got[1:], want[1:])
	}
}

// TestAppendG10Exponent checks the exponent estimate appendG10 starts
// from: 10^k ≤ 2^e2 < 10^(k+1) for k = (e2·78913)>>18 over the binary
// exponents of 1e-4 ≤ |v| < 1e10 and beyond.
func TestAppendG10Exponent(t *testing.T) {
	for e2 := -60; e2 <= 60; e2++ {
		k := (e2 * 78913) >> 18
		if lg := float64(e2) * math.Log10(2); float64(k) > lg || lg >= float64(k+1) {
			t.Errorf("e2 %d: k %d, e2·log₁₀2 = %g", e2, k, lg)
		}
	}
}

// TestAppendG10 compares appendG10 with strconv.AppendFloat(b, v, 'g',
// 10, 64) on the values forecast.csv holds (integers, multiples of 1/7
// and 1/100, probabilities), on every decade's edges and their neighbours,
// on exact and near ties at the 11th digit, and on random values of every
// magnitude and random bit patterns.
func TestAppendG10(t *testing.T) {
	vs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-4, 1e-5, 1e9, 1e10, 9999999999, 9999999999.5,
		math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 2.2250738585072014e-308,
		0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 52, 52.0 / 7, 365.0 / 7, 30.71428571428571, 0.99999999995, 0.9999999999,
		9.9999999995, 99999.999995, 0.00099999999995, 0.000099999999995, 123456789.05, 123456789.15, 1234567890.5, 1234567891.5}
	for e := -6; e <= 11; e++ {
		p := math.Pow(10, float64(e))
		vs = append(vs, p, 2*p, 5*p, 9.9999999995*p, 9.999999999*p, 1.0000000005*p)
	}
	for _, v := range vs {
		for _, w := range []float64{v, -v} {
			u := w
			for range 4 {
				checkG10(t, u)
				u = math.Nextafter(u, math.Inf(1))
			}
			u = w
			for range 4 {
				checkG10(t, u)
				u = math.Nextafter(u, math.Inf(-1))
			}
		}
	}
	for k := range 200_000 {
		checkG10(t, float64(k)/7)
		checkG10(t, float64(k)/100)
		checkG10(t, float64(k)/1e6)
		checkG10(t, float64(k)*1e5+0.5) // exact ties at the 11th digit
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for range n {
		// Dyadic rationals: exact ties at the 11th digit among them.
		checkG10(t, float64(rng.Uint64N(1<<31))/float64(uint64(1)<<rng.UintN(50)))
		// Every magnitude around the fast path's range.
		checkG10(t, math.Pow(10, rng.Float64()*20-8))
		checkG10(t, rng.Float64())
		// Near ties: a decimal with 11 digits ending in 5, read back.
		s := strconv.FormatUint(1e10+rng.Uint64N(9e10), 10)
		s = s[:10] + "5e" + strconv.Itoa(rng.IntN(20)-14)
		v, _ := strconv.ParseFloat(s, 64)
		checkG10(t, v)
		checkG10(t, math.Nextafter(v, 0))
		checkG10(t, math.Nextafter(v, 1e300))
		checkG10(t, math.Float64frombits(rng.Uint64()))
	}
}

// FuzzAppendG10 compares appendG10 with strconv on any float64.
func FuzzAppendG10(f *testing.F) {
	for _, v := range []float64{0, 1, 0.5, 1e-4, 9999999999.5, 0.00048828125, 123456789.05} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) { checkG10(t, math.Float64frombits(bits)) })
}

// BenchmarkAppendG10 formats the values of forecast.csv's kind with
// appendG10 and with strconv.
func BenchmarkAppendG10(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 4096)
	for i := range vs {
		switch i % 4 {
		case 0:
			vs[i] = float64(rng.IntN(365)) / 7
		case 1:
			vs[i] = rng.Float64()
		case 2:
			vs[i] = float64(rng.IntN(10))
		default:
			vs[i] = rng.ExpFloat64() * 100
		}
	}
	buf := make([]byte, 0, 64)
	b.Run("appendG10", func(b *testing.B) {
		for b.Loop() {
			for _, v := range vs {
				buf = appendG10(buf[:0], v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vs)), "ns/value")
	})
	b.Run("strconv", func(b *testing.B) {
		for b.Loop() {
			for _, v := range vs {
				buf = strconv.AppendFloat(buf[:0], v, 'g', 10, 64)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vs)), "ns/value")
	})
}
