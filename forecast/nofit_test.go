package forecast_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// TestNoModelFitted: when every candidate of auto fails, the error names
// each model on a line of its own (the time budget's message names none,
// and bgnbd's names MBG/NBD "bgnbd").
func TestNoModelFitted(t *testing.T) {
	log := "customer_id,date,amount\na,2024-01-01,1\nb,2024-01-01,2\nc,2024-01-01,3\n"
	_, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "no purchase model could be fitted") ||
		!strings.HasPrefix(lines[1], "BG/NBD: ") || !strings.HasPrefix(lines[2], "MBG/NBD: ") || !strings.HasPrefix(lines[3], "Pareto/NBD: ") {
		t.Errorf("error %q, want a line per model, named", err)
	}
	if strings.Count(err.Error(), "every customer has T = 0") != len(lines)-1 {
		t.Errorf("error %v lost the models' causes", err)
	}
}
