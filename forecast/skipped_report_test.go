package forecast_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestReportSaysSkipped: the report's first line counts the lines that
// SkipInvalid left out, with their reasons, beside the transactions used,
// and the lines merged into a purchase the same day (the shipped log has
// 87); without skipped lines it names only the merged ones.
func TestReportSaysSkipped(t *testing.T) {
	raw, err := os.ReadFile("../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.IndexByte(raw, '\n') + 1
	bad := append(append(append([]byte(nil), raw[:i]...), "C00001,2024-13-01,5\nC00002,2024-02-01,abc\n"...), raw[i:]...)
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{bad, "7348 transactions (2 lines skipped: unparseable amount: 1, unparseable date: 1; " +
			"87 lines merged into an earlier purchase of the same customer on the same day), 3000 customers"},
		{raw, "7348 transactions (87 lines merged into an earlier purchase of the same customer on the same day), 3000 customers"},
	} {
		res, err := forecast.Run(context.Background(), bytes.NewReader(tc.in),
			forecast.Config{Model: "bgnbd", CSV: csvio.Options{SkipInvalid: true}})
		if err != nil {
			t.Fatal(err)
		}
		var html bytes.Buffer
		if err := res.WriteReport(&html, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html.String(), tc.want) {
			i := strings.Index(html.String(), "transactions")
			t.Errorf("report says %q, want %q", html.String()[max(0, i-40):i+120], tc.want)
		}
	}
}

// TestNoZeroDayGapNote: a log with times of day observed to the end of its
// last day has no note of the end being "0 days" after the last
// transaction; a day or more later has one.
func TestNoZeroDayGapNote(t *testing.T) {
	var log strings.Builder
	log.WriteString("customer_id,date,amount\n")
	for i := range 60 {
		fmt.Fprintf(&log, "c%d,2024-01-%02dT10:00:00,5\nc%d,2024-03-%02dT%02d:00:00,7\n", i, 1+i%28, i, 1+i%28, 8+i%12)
	}
	for _, tc := range []struct {
		end  time.Time
		note bool
	}{{time.Date(2024, 3, 28, 0, 0, 0, 0, time.UTC), false}, {time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC), true}} {
		var progress strings.Builder
		_, err := forecast.Run(context.Background(), strings.NewReader(log.String()),
			forecast.Config{Model: "bgnbd", End: tc.end, EndOfDay: true, Progress: &progress})
		if err != nil && !errors.Is(err, clv.ErrNotIdentified) {
			t.Fatal(err)
		}
		if got := strings.Contains(progress.String(), "days after the last transaction"); got != tc.note {
			t.Errorf("end %s: note %v, want %v:\n%s", tc.end.Format(time.DateOnly), got, tc.note, progress.String())
		}
	}
}

// TestSegmentsCSVWithoutAmounts: without amounts segments.csv leaves the
// cells of money empty (as periods.csv does), not 0, which would say the
// customers spent nothing and are worth nothing.
func TestSegmentsCSVWithoutAmounts(t *testing.T) {
	raw, err := os.ReadFile("../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := forecast.Run(context.Background(), bytes.NewReader(raw), forecast.Config{Model: "bgnbd", NoAmounts: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteSegmentsCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 9 || f[5] != "" || f[6] != "" || f[7] != "" || f[8] == "" {
			t.Errorf("row %q: want mean_monetary_value, total_clv and mean_clv empty, mean_p_alive given", l)
		}
	}
}
