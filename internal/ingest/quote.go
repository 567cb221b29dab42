package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxQuote bounds how much of a field or header an error message quotes.
const MaxQuote = 100

// Quote returns b quoted as %q does, cut to its first MaxQuote bytes (and
// marked so) when longer: error messages never carry a whole huge or
// binary field.
func Quote(b []byte) string {
	if len(b) <= MaxQuote {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:MaxQuote])) + fmt.Sprintf("… (%d bytes)", len(b))
}

// QuoteAll quotes the names of a header for an error message, each cut as
// by Quote, at most 20 of them.
func QuoteAll(names []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, n := range names {
		if i == 20 {
			fmt.Fprintf(&sb, " … %d more", len(names)-20)
			break
		}
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(Quote([]byte(n)))
	}
	sb.WriteByte(']')
	return sb.String()
}
