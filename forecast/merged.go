package forecast

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/clv"
)

// mergedNote says how many lines of the log were merged into an earlier
// purchase of the same customer on the same day (clv.Stats.Merged: the
// models count at most one purchase a day, so a line repeated in the
// export or a second order that day adds its amount to that purchase), or
// "" if none. model.json gives the count as data.records_merged.
func mergedNote(st clv.Stats) string {
	switch st.Merged {
	case 0:
		return ""
	case 1:
		return "1 line merged into an earlier purchase of the same customer on the same day"
	}
	return fmt.Sprintf("%d lines merged into an earlier purchase of the same customer on the same day", st.Merged)
}

// joinNotes joins the notes that are not "" with "; ".
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}
