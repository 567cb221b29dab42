package segment_test

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestJobLinksNoGota: segment, the forecast job, the plots and the
// forecast CLI do not depend on gota (issue #19: gota at the edge); the
// DataFrame face segment/frame does, which shows the check can fail. It
// runs `go list -deps` from the module root, and skips without the go
// tool or the modules (no module cache, no network).
func TestJobLinksNoGota(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	deps := func(pkgs ...string) []string {
		t.Helper()
		cmd := exec.Command(goTool, append([]string{"list", "-deps"}, pkgs...)...)
		cmd.Dir = ".." // the module root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if msg := stderr.String(); strings.Contains(msg, "download") || strings.Contains(msg, "GOPROXY") || strings.Contains(msg, "GOFLAGS") {
				t.Skipf("go list -deps %v cannot read the modules here: %s", pkgs, msg)
			}
			t.Fatalf("go list -deps %v: %v\n%s", pkgs, err, stderr.String())
		}
		return strings.Fields(string(out))
	}
	isGota := func(p string) bool { return strings.HasPrefix(p, "github.com/go-gota/") }
	job := deps("./segment", "./forecast", "./plots", "./examples/forecast")
	if len(job) < 10 || !slices.Contains(job, "github.com/clvkit/clvkit/segment") {
		t.Fatalf("go list -deps listed %d packages: %v", len(job), job)
	}
	for _, p := range job {
		if isGota(p) {
			t.Errorf("the job depends on %s", p)
		}
	}
	if !slices.ContainsFunc(deps("./segment/frame"), isGota) {
		t.Error("segment/frame does not list gota among its dependencies: the check above proves nothing")
	}
}
