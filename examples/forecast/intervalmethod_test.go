package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/interval"
)

// TestIntervalMethodFlag: -interval-method sets Config.IntervalMethod by
// name, an unknown name is a usage error naming the flag, and one given
// without -interval is refused in the flag's terms.
func TestIntervalMethodFlag(t *testing.T) {
	for name, want := range map[string]interval.Method{"": interval.MethodAuto, "auto": interval.MethodAuto,
		"normal": interval.MethodNormal, "mixture": interval.MethodMixture} {
		c := defaultConfig()
		c.Interval, c.IntervalMethod = 0.9, name
		fc, err := c.options()
		if err != nil || fc.IntervalMethod != want {
			t.Errorf("-interval-method %q: %v, %v; want %v", name, fc.IntervalMethod, err, want)
		}
	}
	c := defaultConfig()
	c.Interval, c.IntervalMethod = 0.9, "bootstrap"
	if _, err := c.options(); err == nil || !strings.Contains(err.Error(), `-interval-method "bootstrap": want auto, normal or mixture`) {
		t.Errorf("-interval-method bootstrap: %v", err)
	}
	var stderr bytes.Buffer
	err := run([]string{"-interval-method", "normal", "-out", t.TempDir(), "../../testdata/transactions.csv"}, &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "-interval-method normal: want auto (the method of the intervals) without -interval") {
		t.Errorf("-interval-method without -interval: %v", err)
	}
}
