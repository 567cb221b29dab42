package sbg_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
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

// FuzzReadSubscriptions: on any input ReadSubscriptions returns either a
// *clv.ParseError or a sentinel-wrapped error, or a result whose counts
// add up: every row read is a subscriber of some cohort or skipped,
// renewals are ≥ 0, and cohorts are in time order. Nothing panics.
func FuzzReadSubscriptions(f *testing.F) {
	f.Add("customer_id,start,end\na,2024-01-15,2024-04-10\nb,2024-01-31,\n", false, uint8(1))
	f.Add("customer_id;start;end\na;2024-01-15;\nb;x;\n", true, uint8(0))
	f.Add("customer_id,start,end\na,0001-01-01,9999-12-31\n", false, uint8(0))
	f.Add("customer_id,start,end\na,2024-03-01,2024-02-01\n\"b,2024-01-01,\n", true, uint8(2))
	f.Add("customer_id,start,end\na,2024-01-15,2031-01-01\nb,2024-07-01,\n", true, uint8(10))
	f.Fuzz(func(t *testing.T, log string, skip bool, period uint8) {
		opts := sbg.ReadOptions{SkipInvalid: skip, Period: []string{sbg.Weekly, sbg.Monthly, sbg.Yearly}[period%3]}
		if period/3%2 == 1 { // an explicit end, clipping or not
			opts.ObservationEnd = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
			opts.ClipAfterEnd = period/6%2 == 1
		}
		if strings.Contains(log, ";") {
			opts.Delimiter = ';'
		}
		s, err := sbg.ReadSubscriptions(strings.NewReader(log), opts)
		if err != nil {
			var pe *clv.ParseError
			if !errors.As(err, &pe) && !errors.Is(err, clv.ErrEmptyLog) && !errors.Is(err, clv.ErrUnknownColumn) && !strings.HasPrefix(err.Error(), "sbg: ") {
				t.Fatalf("unexplained error %v", err)
			}
			return
		}
		if !opts.ObservationEnd.IsZero() && s.EndLine != 0 || opts.ObservationEnd.IsZero() && s.EndLine == 0 || !opts.ClipAfterEnd && s.Clipped != 0 {
			t.Fatalf("end line %d, %d clipped with options %+v", s.EndLine, s.Clipped, opts)
		}
		n := 0
		var last time.Time
		for i, c := range s.Cohorts {
			if i > 0 && !c.Start.After(last) {
				t.Fatalf("cohorts out of order: %v after %v", c.Start, last)
			}
			last = c.Start
			if c.Size != len(c.Records) {
				t.Fatalf("cohort %s: size %d, %d records", c.Name, c.Size, len(c.Records))
			}
			for _, r := range c.Records {
				if r.Renewals < 0 || r.Count != 1 {
					t.Fatalf("record %+v", r)
				}
			}
			n += c.Size
		}
		if n+s.Skipped != s.Rows {
			t.Fatalf("%d subscribers + %d skipped != %d rows", n, s.Skipped, s.Rows)
		}
		k := 0
		for _, v := range s.Reasons {
			k += v
		}
		if k != s.Skipped {
			t.Fatalf("reasons count %d, skipped %d", k, s.Skipped)
		}
	})
}

// TestReadSubscriptionsLongSpan: a weekly subscription over ten thousand
// years counts its 521,722 renewals by date arithmetic, not one step per
// week from a guess that time.Duration's 292-year limit would spoil.
func TestReadSubscriptionsLongSpan(t *testing.T) {
	log := "customer_id,start,end\na,0001-01-01,\nb,0001-01-01,9999-12-31\n"
	s, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{Period: sbg.Weekly})
	if err != nil {
		t.Fatal(err)
	}
	// 0001-01-01 to 9999-12-31 is 3,652,058 days = 521,722 weeks + 4 days.
	rs := s.Records()
	if len(rs) != 2 || rs[0].Renewals != 521722 || rs[1].Renewals != 521722 || rs[0].Churned || !rs[1].Churned {
		t.Fatalf("records %+v", rs)
	}
}

// TestReadSubscriptionsReasons: skipped rows are counted by kind of
// fault, not by offending value.
func TestReadSubscriptionsReasons(t *testing.T) {
	log := "customer_id,start,end\na,2024-01-01,\nb,bad1,\nc,bad2,\nd,2024-02-01,2024-01-01\n"
	s, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Skipped != 3 || len(s.Reasons) != 2 || s.Reasons[clv.ErrBadTime.Error()] != 2 || s.Reasons[sbg.ErrEndBeforeStart.Error()] != 1 {
		t.Fatalf("skipped %d, reasons %v", s.Skipped, s.Reasons)
	}
}

// TestReadEndless: an endless stream without line feeds (/dev/zero) is an
// error after about a MiB, not a read into memory.
func TestReadEndless(t *testing.T) {
	n := 0
	zero := readFunc(func(p []byte) (int, error) {
		clear(p)
		n += len(p)
		return len(p), nil
	})
	_, err := sbg.ReadSubscriptions(zero, sbg.ReadOptions{ObservationEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err == nil || !strings.Contains(err.Error(), "not a text file") || n > csvio.DefaultMaxLineBytes+256<<10 {
		t.Errorf("/dev/zero: %v after %d bytes", err, n)
	}
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }

// TestReadSubscriptionsFutureEnd: one cancellation dated 2031 in a log
// extracted on 2024-06-30. By default it sets the end of observation
// (named by EndLine) and credits every active subscriber with renewals to
// 2031; with the extract date it is an error naming its line and the end
// column; with ClipAfterEnd the subscription is active at the extract
// date, exactly as if its end were empty.
func TestReadSubscriptionsFutureEnd(t *testing.T) {
	const log = "customer_id,start,end\na,2024-01-15,2024-04-10\nb,2024-01-31,\nx,2024-02-05,2031-01-01\nc,2024-03-01,\n"
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	s, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.ObservationEnd.Equal(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)) || s.EndLine != 4 {
		t.Errorf("default end %v from line %d, want 2031-01-01 from line 4", s.ObservationEnd, s.EndLine)
	}
	// b (Jan 31) renews monthly to 2031-01-01: 83 renewals, not the 4 of
	// the extract date.
	if len(s.Active) != 2 || s.Active[0].Renewals != 83 {
		t.Errorf("active %+v", s.Active)
	}

	_, err = sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{ObservationEnd: end})
	var pe *clv.ParseError
	if !errors.Is(err, sbg.ErrAfterObserved) || !errors.As(err, &pe) || pe.Line != 4 || pe.Name != "end" ||
		!strings.Contains(err.Error(), "2031-01-01") || !strings.Contains(err.Error(), "ClipAfterEnd") {
		t.Errorf("explicit end: %v, want ErrAfterObserved on line 4, column \"end\"", err)
	}
	_, err = sbg.ReadSubscriptions(strings.NewReader(log+"y,2024-07-01,\n"), sbg.ReadOptions{ObservationEnd: end, ClipAfterEnd: true})
	if !errors.Is(err, sbg.ErrAfterObserved) || !errors.As(err, &pe) || pe.Line != 6 || pe.Name != "start" {
		t.Errorf("a start after the end with ClipAfterEnd: %v, want ErrAfterObserved on line 6, column \"start\"", err)
	}

	clipped, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{ObservationEnd: end, ClipAfterEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	open, err := sbg.ReadSubscriptions(strings.NewReader(strings.Replace(log, "2031-01-01", "", 1)), sbg.ReadOptions{ObservationEnd: end})
	if err != nil {
		t.Fatal(err)
	}
	if clipped.Clipped != 1 || clipped.EndLine != 0 || len(clipped.Active) != 3 || clipped.Active[1] != (sbg.Active{ID: "x", Cohort: "2024-02", Renewals: 4}) {
		t.Errorf("clipped: %d clipped, end line %d, active %+v", clipped.Clipped, clipped.EndLine, clipped.Active)
	}
	if a, b := clipped.Records(), open.Records(); !slices.Equal(a, b) {
		t.Errorf("clipped records %+v, want %+v", a, b)
	}
	if _, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{ClipAfterEnd: true}); !errors.Is(err, clv.ErrBadOption) {
		t.Errorf("ClipAfterEnd without an end: %v", err)
	}
}
