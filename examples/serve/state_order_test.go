package main

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateOlderThanModel: the job writes model.json before the state, so
// a poll between the two sees the new model with yesterday's state. The
// state's customers summarized at the model's later end would be answered
// as if they had bought nothing since (and new customers not found): it is
// a 503 until the state follows, as a state newer than the model is.
func TestStateOlderThanModel(t *testing.T) {
	runs := dailyRuns(t)
	dir := t.TempDir()
	c := defaultConfig()
	c.Model, c.State = writeFile(t, filepath.Join(dir, "model.json"), runs[1].model), dir
	writeFile(t, filepath.Join(dir, stateFile), runs[0].state)
	s := newServer(c, slog.New(slog.DiscardHandler))
	s.reload("test", true)
	s.reloadState("test", true)
	id := runs[0].res.Summary.Customers[0].ID
	w := get(s.routes(), customerPath(id))
	if w.Code != 503 || !strings.Contains(w.Body.String(), "older than the model") {
		t.Fatalf("run 1's model with run 0's state: %d %s; want a 503 saying the state is older than the model", w.Code, w.Body)
	}
	writeFile(t, filepath.Join(dir, stateFile), runs[1].state)
	s.reloadState("test", true)
	if w := get(s.routes(), customerPath(id)); w.Code != 200 {
		t.Fatalf("once the state follows: %d %s", w.Code, w.Body)
	}
}
