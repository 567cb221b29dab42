package forecast_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestReportSaysSkipped: the report's first line counts the lines that
// SkipInvalid left out, with their reasons, beside the transactions used;
// without any it says nothing of them.
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
		{bad, "7348 transactions (2 lines skipped: unparseable amount: 1, unparseable date: 1), 3000 customers"},
		{raw, "7348 transactions, 3000 customers"},
	} {
		res, err := forecast.Run(context.Background(), bytes.NewReader(tc.in),
			forecast.Config{Model: "bgnbd", CSV: clv.CSVOptions{SkipInvalid: true}})
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
