//go:build unix

package bgnbd_test

import (
	"syscall"
	"testing"
)

// cpuSeconds returns the process's user and system CPU time in seconds.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportCPU reports the CPU seconds per operation since cpu0: what the
// work costs on a shared machine, where the wall time also counts others'
// load.
func reportCPU(b *testing.B, cpu0 float64) {
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}
