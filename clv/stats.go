package clv

import (
	"errors"
	"fmt"
	"strings"
)

// Stats counts what a Reader or a Summarizer read and what it skipped.
type Stats struct {
	Records  int            // data records read (skipped ones included)
	Skipped  int            // records skipped
	Reasons  map[string]int // skipped records by reason
	Examples []error        // the first maxExamples errors behind the skips
}

const maxExamples = 5

func (s *Stats) skip(err error) {
	s.Skipped++
	if s.Reasons == nil {
		s.Reasons = make(map[string]int)
	}
	s.Reasons[reason(err)]++
	if len(s.Examples) < maxExamples {
		s.Examples = append(s.Examples, err)
	}
}

// merge adds o's skips to s.
func (s *Stats) merge(o Stats) {
	s.Records += o.Records
	s.Skipped += o.Skipped
	for k, v := range o.Reasons {
		if s.Reasons == nil {
			s.Reasons = make(map[string]int)
		}
		s.Reasons[k] += v
	}
	for _, e := range o.Examples {
		if len(s.Examples) < maxExamples {
			s.Examples = append(s.Examples, e)
		}
	}
}

// reason is the innermost error's text, e.g. "unparseable date".
func reason(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// String summarizes s in one line, e.g.
// "69659 records, 2 skipped (unparseable date: 2)".
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d skipped", s.Records, s.Skipped)
	if len(s.Reasons) > 0 {
		b.WriteString(" (")
		first := true
		for _, k := range sortedKeys(s.Reasons) {
			if !first {
				b.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&b, "%s: %d", k, s.Reasons[k])
		}
		b.WriteString(")")
	}
	return b.String()
}
