//go:build clvkit_countgroupings

package model_test

import "github.com/clvkit/clvkit/internal/rows"

func init() { countGroupings = rows.CountGroupings }
