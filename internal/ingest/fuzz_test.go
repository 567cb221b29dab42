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
// decimal number reads as strconv reads it.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.50", "-3", "1e5", "0x1p4", "1_000", "1e-400", "NaN", "12,50 €", "1.234,50", "$7", ""} {
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
	})
}
