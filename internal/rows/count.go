//go:build clvkit_countgroupings

package rows

import "sync/atomic"

// groupings counts the calls of Group over at least from items (none
// when from is 0). It exists only in builds with the tag
// clvkit_countgroupings, the test hook with which a job's tests check that
// it groups its customers once: the library itself keeps no global state.
var groupings struct {
	from, calls atomic.Int64
}

// CountGroupings returns the number of calls of Group over at least n
// items since the last call of CountGroupings, and from now on counts
// those over at least n items (none for n = 0). It exists only in builds
// with the tag clvkit_countgroupings.
func CountGroupings(n int) int64 {
	c := groupings.calls.Swap(0)
	groupings.from.Store(int64(max(n, 0)))
	return c
}

// countGrouping counts a call of Group over n items.
func countGrouping(n int) {
	if from := groupings.from.Load(); from > 0 && int64(n) >= from {
		groupings.calls.Add(1)
	}
}
