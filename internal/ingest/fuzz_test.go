package ingest

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"testing"
)

// FuzzSplit: Split never panics; without quotes, the fields joined by the
// delimiter give the line back; a quote error wraps ErrBadQuote.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a,b,c", `"a ""q""",b`, `  a   b  `, `"open`, `"a"x,b`, "", ",,", "\t\"x\"\t"} {
		f.Add([]byte(s), byte(','))
		f.Add([]byte(s), byte(' '))
	}
	f.Fuzz(func(t *testing.T, line []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' || delim >= 0x80 {
			return
		}
		fields, err := Split(nil, line, delim)
		if err != nil {
			if !errors.Is(err, ErrBadQuote) {
				t.Fatalf("%q: %v", line, err)
			}
			return
		}
		if delim != ' ' && !bytes.ContainsRune(line, '"') {
			if got := bytes.Join(fields, []byte{delim}); !bytes.Equal(got, line) {
				t.Fatalf("%q split by %q: %q", line, delim, fields)
			}
		}
	})
}

// FuzzParseAmount: any text is a finite number or an error; a plain
// decimal number reads as strconv reads it; with decimalComma, a number
// whose thousands are grouped by points or blanks reads as the same
// number without them, and a grouping that is not by threes, or mixes two
// kinds of separator, is an error.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.50", "-3", "1e5", "0x1p4", "1_000", "1e-400", "NaN", "12,50 €", "1.234,50", "$7", "",
		"1 234,50 €", "1\u00a0234\u00a0567,5", "1\u202f234,50", "-12 345", "1 23,5", "1 234.567,5", "1  234", " 1 234 "} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, comma bool) {
		v, err := ParseAmount(b, comma)
		if err != nil {
			if !errors.Is(err, ErrBadAmount) && !errors.Is(err, ErrNonFinite) {
				t.Fatalf("%q: %v", b, err)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%q: %v without an error", b, v)
		}
		if !comma && PlainNumber(b) {
			if w, err := strconv.ParseFloat(string(b), 64); err == nil && w != v {
				t.Fatalf("%q: %v, strconv %v", b, v, w)
			}
		}
		if comma {
			// The number without its separators reads the same, and a
			// separator inside it groups digits by threes.
			bare := b
			for _, sep := range thousandsSeparators {
				bare = bytes.ReplaceAll(bare, []byte(sep), nil)
			}
			if w, err := ParseAmount(bare, true); err != nil || w != v {
				t.Fatalf("%q: %v; without separators %q: %v, %v", b, v, bare, w, err)
			}
			num := trimCurrency(b)
			intPart, _, _ := bytes.Cut(num, []byte(","))
			for _, sep := range thousandsSeparators {
				if parts := bytes.Split(intPart, []byte(sep)); len(parts) > 1 {
					for _, p := range parts[1:] {
						if len(p) != 3 {
							t.Fatalf("%q: %v, with a group %q not of three digits", b, v, p)
						}
					}
				}
			}
		}
	})
}

// TestThousandsSeparators: French and German groupings read as the plain
// number; misplaced or mixed separators are errors.
func TestThousandsSeparators(t *testing.T) {
	for s, want := range map[string]float64{
		"1 234,50 €": 1234.5, "1\u00a0234,50": 1234.5, "1\u202f234\u202f567,25 €": 1234567.25, "-12 345": -12345,
		"€ 999 999,99": 999999.99, "1.234,50": 1234.5, "12 345 678": 12345678,
	} {
		if v, err := ParseAmount([]byte(s), true); err != nil || v != want {
			t.Errorf("%q: %v, %v; want %v", s, v, err, want)
		}
	}
	for _, s := range []string{"1 23,5", "1234 567", "1 234.567,5", "1  234", "12 34", "1 234 5", "- 1 234", "1\u00a0234 567"} {
		if v, err := ParseAmount([]byte(s), true); !errors.Is(err, ErrBadAmount) {
			t.Errorf("%q: %v, %v; want an error", s, v, err)
		}
	}
	if _, err := ParseAmount([]byte("1 234.50"), false); !errors.Is(err, ErrBadAmount) {
		t.Errorf("blanks without a decimal comma: %v", err)
	}
}
