package forecast

import (
	"math"
	"strconv"
)

// exactPow10 are the powers of ten that a float64 holds exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// digitPairs holds "00", "01", ..., "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendG10 appends v formatted as strconv.AppendFloat(b, v, 'g', 10, 64)
// does, byte for byte: the number rounded to 10 significant digits (half
// to even on the exact binary value), trailing zeros dropped, in %f form
// for decimal exponents from −4 to 9 and %e form outside. It formats the
// %f forms itself, several times faster, and leaves the rest (zero's
// sign aside, NaN, ±Inf, magnitudes below 1e-4 or from 1e10) to strconv.
//
// For 1e-4 ≤ |v| < 1e10 it scales |v| by the power of ten 10^p (0 ≤ p ≤
// 14, exact in a float64) that brings it into [1e9, 1e10); the product is
// hi + lo exactly, hi = fl(|v|·10^p) and lo = fma(|v|, 10^p, −hi) (an
// error-free transformation), so the rounding of the product to an integer
// is decided exactly: hi's fraction r = hi − ⌊hi⌋ is a multiple of hi's
// ulp and |lo| ≤ ulp/2, so the sum's fraction is above ½ iff r > ½ or
// r = ½ and lo > 0, and a tie (r = ½, lo = 0) goes to the even integer.
func appendG10(b []byte, v float64) []byte {
	a := math.Abs(v)
	if !(a >= 1e-4 && a < 1e10) { // zero, NaN, ±Inf and the %e forms
		if v == 0 {
			if math.Signbit(v) {
				return append(b, '-', '0')
			}
			return append(b, '0')
		}
		return strconv.AppendFloat(b, v, 'g', 10, 64)
	}
	if a == math.Trunc(a) { // an integer of at most 10 digits
		if v < 0 {
			b = append(b, '-')
		}
		return strconv.AppendUint(b, uint64(a), 10)
	}
	// 10^k ≤ 2^e2 ≤ a < 2^(e2+1) < 10^(k+2), with k = ⌊e2·log₁₀2⌋:
	// 78913/2¹⁸ is log₁₀2 to 7 digits, exact in the floor for |e2| < 1650.
	e2 := int(math.Float64bits(a)>>52) - 1023
	p := 9 - (e2*78913)>>18
	P := exactPow10[p]
	hi := a * P
	lo := math.FMA(a, P, -hi)
	if hi > 1e10 || hi == 1e10 && lo >= 0 { // a ≥ 10^(k+1)
		p--
		P = exactPow10[p]
		hi = a * P
		lo = math.FMA(a, P, -hi)
	}
	f := math.Floor(hi)
	d := uint64(f)
	if r := hi - f; r > 0.5 || r == 0.5 && (lo > 0 || lo == 0 && d&1 == 1) {
		d++
	}
	dp := 10 - p // digits before the decimal point
	if d == 1e10 {
		d = 1e9
		dp++
		if dp > 10 { // rounds up to 1e10: the %e form
			return strconv.AppendFloat(b, v, 'g', 10, 64)
		}
	}
	var buf [10]byte
	for i := 8; i >= 0; i -= 2 {
		q := d / 100
		r := d - q*100
		buf[i], buf[i+1] = digitPairs[2*r], digitPairs[2*r+1]
		d = q
	}
	nd := 10
	for buf[nd-1] == '0' {
		nd--
	}
	if v < 0 {
		b = append(b, '-')
	}
	switch {
	case dp <= 0:
		b = append(b, '0', '.')
		for range -dp {
			b = append(b, '0')
		}
		return append(b, buf[:nd]...)
	case nd <= dp:
		b = append(b, buf[:nd]...)
		for range dp - nd {
			b = append(b, '0')
		}
		return b
	default:
		b = append(b, buf[:dp]...)
		b = append(b, '.')
		return append(b, buf[dp:nd]...)
	}
}
