//go:build !clvkit_countgroupings

package forecast_test

import "testing"

// TestGroupsOnce (group_test.go) counts the calls of rows.Group, which
// only builds with the tag clvkit_countgroupings do.
func TestGroupsOnce(t *testing.T) {
	t.Skip("counting groupings needs the build tag: go test -tags clvkit_countgroupings -run TestGroupsOnce ./forecast")
}
