package sbg_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/sbg"
)

func TestReadSubscriptions(t *testing.T) {
	log := `customer_id,start,end
a,2024-01-15,2024-04-10
b,2024-01-20,2024-04-20
c,2024-01-31,
d,2024-02-01,2024-02-10
e,2024-02-05,
`
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	s, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{ObservationEnd: end})
	if err != nil {
		t.Fatal(err)
	}
	// a paid Jan 15, Feb 15, Mar 15 and cancelled before Apr 15: 2
	// renewals. b cancelled on its renewal date Apr 20: 2 renewals. c
	// renewed Mar 2 (Jan 31 + 1 month rolls over, as time.AddDate does),
	// Mar 31, May 1 and May 31 by Jun 30: 4. d cancelled before its first
	// renewal: 0. e: Mar 5, Apr 5, May 5, Jun 5: 4.
	want := map[string][]sbg.Record{
		"2024-01": {{Renewals: 2, Churned: true, Count: 1}, {Renewals: 2, Churned: true, Count: 1}, {Renewals: 4, Count: 1}},
		"2024-02": {{Renewals: 0, Churned: true, Count: 1}, {Renewals: 4, Count: 1}},
	}
	if len(s.Cohorts) != 2 || s.Rows != 5 {
		t.Fatalf("cohorts %+v", s.Cohorts)
	}
	for _, c := range s.Cohorts {
		w := want[c.Name]
		if len(c.Records) != len(w) || c.Size != len(w) {
			t.Errorf("%s: %+v, want %+v", c.Name, c.Records, w)
			continue
		}
		for i := range w {
			if c.Records[i] != w[i] {
				t.Errorf("%s record %d: %+v, want %+v", c.Name, i, c.Records[i], w[i])
			}
		}
	}
	for _, tc := range []struct {
		in   string
		want error
		line int
	}{
		{"customer_id,start,end\na,2024-01-15,\nb,2024-13-01,\n", clv.ErrBadTime, 3},
		{"customer_id,start,end\na,2024-03-15,2024-01-01\n", sbg.ErrEndBeforeStart, 2},
		{"customer_id,start,end\n,2024-03-15,\n", clv.ErrMissingID, 2},
		{"customer_id,start,end\na,2024-03-15,2025-01-01\n", sbg.ErrAfterObserved, 2},
	} {
		_, err := sbg.ReadSubscriptions(strings.NewReader(tc.in), sbg.ReadOptions{ObservationEnd: end})
		var pe *clv.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Line != tc.line {
			t.Errorf("%q: %v, want %v on line %d", tc.in, err, tc.want, tc.line)
		}
		s, err := sbg.ReadSubscriptions(strings.NewReader(tc.in+"z,2024-01-01,\n"), sbg.ReadOptions{ObservationEnd: end, SkipInvalid: true})
		if err != nil || s.Skipped != 1 {
			t.Errorf("%q with SkipInvalid: %v, %+v", tc.in, err, s)
		}
	}
	if _, err := sbg.ReadSubscriptions(strings.NewReader("id,start\n"), sbg.ReadOptions{}); !errors.Is(err, clv.ErrUnknownColumn) {
		t.Errorf("missing column: %v", err)
	}
}
