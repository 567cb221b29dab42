package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseAmount parses a decimal amount: [+-]digits[.digits][e[+-]digits]
// (with decimalComma, ',' for '.' and, between groups of three digits,
// '.' or a blank: a space, U+00A0 or U+202F, one kind in a number),
// optionally with a currency symbol and blanks around it. Plain decimals
// with up to 15 significant digits take an exact fast path; others go
// through strconv.ParseFloat after a check of that grammar, so that
// hexadecimal ("0x1p4"), underscores ("1_000"), "Inf" and "NaN" are
// errors. A number too large for float64 is ErrNonFinite; a non-zero
// number too small for it (it would read as 0) is ErrBadAmount.
func ParseAmount(b []byte, decimalComma bool) (float64, error) {
	if !decimalComma {
		if v, ok := fastDecimal(b); ok {
			return v, nil
		}
	}
	orig := b
	b = trimCurrency(b)
	if decimalComma {
		nb, ok := fromDecimalComma(b)
		if !ok {
			return 0, fmt.Errorf("%w %s (a decimal comma was expected)", ErrBadAmount, Quote(orig))
		}
		b = nb
	}
	if v, ok := fastDecimal(b); ok {
		return v, nil
	}
	if len(b) == 0 {
		return 0, fmt.Errorf("%w: empty", ErrBadAmount)
	}
	if !PlainNumber(b) {
		switch strings.ToLower(strings.TrimLeft(string(b), "+-")) {
		case "nan", "inf", "infinity":
			return 0, fmt.Errorf("%w: %s", ErrNonFinite, Quote(orig))
		}
		return 0, fmt.Errorf("%w %s", ErrBadAmount, Quote(orig))
	}
	v, err := strconv.ParseFloat(string(b), 64)
	var ne *strconv.NumError
	if err != nil && !(errors.As(err, &ne) && ne.Err == strconv.ErrRange) {
		return 0, fmt.Errorf("%w %s", ErrBadAmount, Quote(orig))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %s", ErrNonFinite, Quote(orig))
	}
	if v == 0 && hasNonZeroDigit(b) {
		return 0, fmt.Errorf("%w %s: too small for a float64 (it would read as 0)", ErrBadAmount, Quote(orig))
	}
	return v, nil
}

// trimCurrency removes blanks (also non-breaking spaces) and one currency
// symbol before or after the number.
func trimCurrency(b []byte) []byte {
	b = bytes.TrimSpace(b)
	for _, sym := range [...]string{"€", "$", "£", "¥", "EUR", "USD"} {
		if t, ok := bytes.CutPrefix(b, []byte(sym)); ok {
			b = t
			break
		}
		if t, ok := bytes.CutSuffix(b, []byte(sym)); ok {
			b = t
			break
		}
	}
	return bytes.TrimFunc(b, func(r rune) bool { return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' })
}

// thousandsSeparators are the separators of groups of three digits a
// decimal-comma number may use: points (German), and blanks (French: a
// space, a non-breaking space U+00A0 or a narrow one U+202F). A number
// uses one kind.
var thousandsSeparators = [...]string{".", " ", "\u00a0", "\u202f"}

// fromDecimalComma rewrites a decimal-comma number ("1.234,50",
// "1 234,50") in the decimal-point form ("1234.50"), checking that the
// separators group thousands.
func fromDecimalComma(b []byte) ([]byte, bool) {
	intPart, frac, hasFrac := bytes.Cut(b, []byte(","))
	if bytes.Contains(frac, []byte(",")) {
		return nil, false
	}
	sep := ""
	for _, s := range thousandsSeparators {
		if bytes.Contains(intPart, []byte(s)) {
			if sep != "" {
				return nil, false // two kinds of separator
			}
			sep = s
		}
	}
	if sep != "" {
		groups := bytes.Split(intPart, []byte(sep))
		for i, g := range groups {
			d := bytes.TrimLeft(g, "+-")
			if i == 0 && (len(d) == 0 || len(d) > 3 || len(g)-len(d) > 1) || i > 0 && len(g) != 3 {
				return nil, false
			}
		}
		intPart = bytes.ReplaceAll(intPart, []byte(sep), nil)
	}
	out := append([]byte(nil), intPart...)
	if hasFrac {
		out = append(append(out, '.'), frac...)
	}
	return out, true
}

// PlainNumber reports whether b is [+-]digits[.digits][(e|E)[+-]digits]
// with at least one digit before the exponent: no hexadecimal, no
// underscores, no "Inf" or "NaN".
func PlainNumber(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(b)
}

// hasNonZeroDigit reports whether the mantissa of b has a digit other
// than 0.
func hasNonZeroDigit(b []byte) bool {
	for _, c := range b {
		if c == 'e' || c == 'E' {
			return false
		}
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastDecimal parses [-+]digits[.digits] with at most 15 digits in all.
// The mantissa and the power of ten are exact in float64, so one division
// gives the correctly rounded result (Clinger's fast path).
func fastDecimal(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i++
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	v := float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}
