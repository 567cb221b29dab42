//go:build clvkit_countgroupings

package interval_test

import "github.com/clvkit/clvkit/internal/rows"

func init() { countGroupings = rows.CountGroupings }
