//go:build unix

package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
)

// TestRunSignals runs the command as main does, with the process's
// signals: SIGHUP reloads the model, SIGTERM stops the server and run
// returns nil.
func TestRunSignals(t *testing.T) {
	path := writeModel(t, t.TempDir(), runJob(t, "bgnbd"))
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run([]string{"-model", path, "-addr", "127.0.0.1:0", "-poll", "0"}, log, log) }()
	l := waitLog(t, log, "msg=listening") // logged once the signals are caught
	addr := regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(l)[1]
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	writeModel(t, filepath.Dir(path), runJob(t, "paretonbd"))
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, log, "why=SIGHUP file="+path+" purchase_model=paretonbd")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	waitLog(t, log, "msg=stopped")
}
