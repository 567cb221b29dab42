//go:build clvkit_countgroupings

package rows_test

import (
	"testing"

	"github.com/clvkit/clvkit/internal/rows"
)

// TestCountGroupings: Group counts its calls over at least the given
// number of items, in builds with the tag clvkit_countgroupings.
func TestCountGroupings(t *testing.T) {
	rows.CountGroupings(100)
	key := func(i int) (rows.Key, bool) { return rows.Key{A: float64(i % 7)}, true }
	rows.Group(99, key)
	rows.Group(100, key)
	rows.Group(1000, key)
	if got := rows.CountGroupings(0); got != 2 {
		t.Errorf("%d groupings of at least 100 items, want 2", got)
	}
	rows.Group(1000, key)
	if got := rows.CountGroupings(0); got != 0 {
		t.Errorf("%d groupings counted with counting off", got)
	}
}
