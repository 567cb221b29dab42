package forecast_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestSpanNote: a log whose one mistyped date puts a purchase in 9999 (or
// 0001) runs, but its progress says the observation spans millennia and
// why that matters; a log of ordinary span says nothing of it (issue #18).
func TestSpanNote(t *testing.T) {
	const log = "customer_id,date,amount\na,2024-01-01,5\na,2024-02-01,6\nb,2024-01-05,7\nb,2024-03-01,8\nc,2024-02-01,9\nc,2024-04-01,4\n" +
		"d,2024-02-11,3\ne,2024-03-01,2\ne,2024-05-01,6\nf,2024-04-01,5\n"
	for _, tc := range []struct {
		name, log, want string
	}{
		{"ordinary", log, ""},
		{"year 9999", log + "g,9999-12-31,5\n", "note: the observation spans 7976 years, from 2024-01-01 to 9999-12-31: a mistyped date"},
		{"year 0001", log + "g,0001-01-01,5\n", "note: the observation spans 2023 years, from 0001-01-01 to 2024-05-01"},
	} {
		var progress strings.Builder
		_, err := forecast.Run(context.Background(), strings.NewReader(tc.log), forecast.Config{Model: "bgnbd", Progress: &progress})
		_ = err // the fit may fail on so few customers: the note comes first
		got := progress.String()
		if tc.want == "" && strings.Contains(got, "observation spans") || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: progress:\n%s\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestIncrementalAfterEnd: a daily run's transaction after Config.End is
// reported as a full run reports it, a *clv.ParseError naming the line and
// wrapping a *clv.AfterEndError with the end's whole day, so that callers
// restate both alike (it was a plain error with Go's time format).
func TestIncrementalAfterEnd(t *testing.T) {
	f, err := os.Open("../testdata/transactions.csv") // to 2024-12-30
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := &forecast.State{}
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	if _, err := forecast.RunIncremental(context.Background(), st, f, forecast.Config{Model: "bgnbd", End: end, EndOfDay: true}); err != nil {
		t.Fatal(err)
	}
	day := "customer_id,date,amount\nC00052,2025-01-03,5\nC00107,2025-01-12,5\n"
	_, err = forecast.RunIncremental(context.Background(), st, strings.NewReader(day),
		forecast.Config{Model: "bgnbd", End: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), EndOfDay: true})
	var pe *clv.ParseError
	var ae *clv.AfterEndError
	if !errors.As(err, &pe) || pe.Line != 3 || !errors.As(err, &ae) || !errors.Is(err, clv.ErrAfterEnd) ||
		!ae.EndOfDay || !ae.Time.Equal(time.Date(2025, 1, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("error %v (%T), want a ParseError of line 3 wrapping an AfterEndError of 2025-01-12 with EndOfDay", err, err)
	}
}

// TestAnswerIntervalsNeedInterval: AnswerIntervals without Interval names
// what is missing, the level of Interval ("AnswerIntervals true: want false
// without Interval" told a new user to drop the flag they asked for).
func TestAnswerIntervalsNeedInterval(t *testing.T) {
	_, err := forecast.Run(context.Background(), strings.NewReader("customer_id,date,amount\n"), forecast.Config{AnswerIntervals: true})
	var ce *forecast.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Interval" || !strings.HasSuffix(err.Error(), ": Interval 0: want a level in (0, 1), e.g. 0.9, with AnswerIntervals") {
		t.Errorf("error %v, want a ConfigError of Interval", err)
	}
}

// TestHoldoutNote: a calibration end after the log's last purchase (with a
// later end) leaves a holdout period without transactions; the progress
// says so. A holdout with purchases says nothing of it.
func TestHoldoutNote(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		cal  string
		note bool
	}{{"2025-06-30", true}, {"2024-09-30", false}} {
		f, err := os.Open("../testdata/transactions.csv") // to 2024-12-30
		if err != nil {
			t.Fatal(err)
		}
		var progress strings.Builder
		_, err = forecast.Run(context.Background(), f, forecast.Config{Model: "bgnbd", End: day("2026-12-03"), CalibrationEnd: day(tc.cal),
			EndOfDay: true, Progress: &progress})
		f.Close()
		if err != nil {
			t.Fatalf("-calibration-end %s: %v", tc.cal, err)
		}
		want := "note: the holdout period, after the calibration end 2025-06-30, holds no transaction (the last is on 2024-12-30)"
		if got := strings.Contains(progress.String(), "holds no transaction"); got != tc.note || tc.note && !strings.Contains(progress.String(), want) {
			t.Errorf("-calibration-end %s: progress:\n%s\nwant the note %v", tc.cal, progress.String(), tc.note)
		}
	}
}
