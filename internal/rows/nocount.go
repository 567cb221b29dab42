//go:build !clvkit_countgroupings

package rows

// countGrouping does nothing: only builds with the tag
// clvkit_countgroupings count the calls of Group.
func countGrouping(int) {}
