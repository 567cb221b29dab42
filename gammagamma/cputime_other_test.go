//go:build !unix

package gammagamma_test

import "testing"

func cpuSeconds() float64 { return 0 }

// reportCPU reports nothing where getrusage is not available.
func reportCPU(*testing.B, float64) {}
