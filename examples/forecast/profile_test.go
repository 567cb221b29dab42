package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfiles runs the job with -cpuprofile and -memprofile and checks
// that both files hold a profile (gzip-compressed protocol buffers), and
// that an unwritable -memprofile is an error naming the flag.
func TestProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job")
	}
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	if err := run([]string{"-out", filepath.Join(dir, "out"), "-cpuprofile", cpu, "-memprofile", mem}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{cpu, mem} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		if n, err := io.Copy(io.Discard, zr); err != nil || n < 100 {
			t.Errorf("%s: %d bytes of profile, %v", filepath.Base(name), n, err)
		}
	}
	bad := filepath.Join(dir, "no such dir", "mem.prof")
	err := run([]string{"-out", filepath.Join(dir, "out2"), "-memprofile", bad}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-memprofile") {
		t.Errorf("unwritable -memprofile: %v", err)
	}
}
