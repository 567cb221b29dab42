package assess

import (
	"math"

	"github.com/clvkit/clvkit/internal/nilmodel"
)

// isNil reports whether a model argument is nil (nilmodel.Is).
func isNil(v any) bool { return nilmodel.Is(v) }

// checkModels returns an error wrapping clv.ErrNilModel, naming fn, if any
// of ms is nil (nilmodel.Check).
func checkModels(fn string, ms ...any) error { return nilmodel.Check("assess", fn, ms...) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
