package forecast_test

import (
	"context"
	"strings"
	"testing"

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
