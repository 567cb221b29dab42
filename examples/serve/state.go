package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// stateFile is the file of the job's state in its -state directory
// (examples/forecast writes it).
const stateFile = "state.clvkit"

// stateInUse is the state in use: its customers by id, and the file they
// came from.
type stateInUse struct {
	lookup   *forecast.Lookup
	loadedAt time.Time
}

// states holds the state in use, which reload swaps atomically, and what
// was last tried.
type states struct {
	inUse atomic.Pointer[stateInUse]
	mu    sync.Mutex // serializes reloads
	tried os.FileInfo
	err   string
}

// reloadState reads the state file of -state and, if it loads, puts it
// in use; if not, the state in use stays, and the failure is logged and
// counted. Unless forced, a file that is the one last tried (the same
// file, not one renamed over it, of the same size and modification time),
// or one that cannot be read with the error last seen, is left alone.
// Reading the file again to compare its contents, as for the model, would
// cost a second a poll on 10⁶ customers; the job replaces the state by
// renaming a new file over it, which this sees.
func (s *server) reloadState(why string, force bool) {
	if s.cfg.State == "" {
		return
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	path := filepath.Join(s.cfg.State, stateFile)
	fi, err := os.Stat(path)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if !force && msg == st.err && (err != nil || st.tried != nil && os.SameFile(fi, st.tried) && fi.Size() == st.tried.Size() && fi.ModTime().Equal(st.tried.ModTime())) {
		return
	}
	st.tried, st.err = fi, msg
	var l *forecast.Lookup
	if err == nil {
		l, err = loadLookup(path)
	}
	if err != nil {
		s.metrics.reloadFailures.Add(1)
		s.metrics.lastReloadError.Store(time.Now().Unix())
		s.log.Error("state not loaded", "why", why, "file", path, "err", err, "in_use", st.inUse.Load() != nil)
		return
	}
	st.inUse.Store(&stateInUse{lookup: l, loadedAt: time.Now()})
	// The file, the load's scratch and the state replaced are garbage:
	// returned to the system now rather than held as the heap's slack
	// (on 10⁶ customers an RSS of 60 MB after a load or a reload, instead
	// of 190 to 280).
	debug.FreeOSMemory()
	s.log.Info("state loaded", "why", why, "file", path, "customers", l.Len(),
		"observation_end", l.End.Format(time.RFC3339), "last_transaction", l.Last.Format(time.RFC3339))
}

func loadLookup(path string) (*forecast.Lookup, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return forecast.LoadLookup(f)
}

// customer answers GET /v1/customers/{id}: the customer's summary from
// the state at the model's end of observation, and its forecast.
func (s *server) customer(w http.ResponseWriter, r *http.Request) {
	code := http.StatusOK
	defer func() { s.metrics.request("/v1/customers", code) }()
	body, err := s.customerBody(r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Error("customer", "err", err)
			ae = &apiError{status: http.StatusInternalServerError, message: "internal error", customer: -1}
		}
		if ae.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "GET, HEAD")
		}
		code = ae.status
		ae.write(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *server) customerBody(r *http.Request) ([]byte, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return nil, &apiError{status: http.StatusMethodNotAllowed, message: "use GET", customer: -1}
	}
	id := r.PathValue("id")
	switch {
	case s.cfg.State == "":
		return nil, &apiError{status: http.StatusNotFound, message: "no state: start the server with -state DIR (the job's -state) to look customers up", customer: -1}
	case id == "" && r.URL.Path != "/v1/customers/":
		return nil, badRequest(-1, "id", "a customer id with a slash: escape it as %%2F (GET /v1/customers/{id}, the id path-escaped)")
	case id == "":
		return nil, badRequest(-1, "id", "no customer id: GET /v1/customers/{id}")
	case len(id) > maxIDBytes:
		return nil, badRequest(-1, "id", "a customer id of %d bytes: want at most %d", len(id), maxIDBytes)
	}
	withAnswers, err := s.answers(r)
	if err != nil {
		return nil, err
	}
	l, st := s.model.Load(), s.state.inUse.Load()
	switch {
	case l == nil:
		return nil, &apiError{status: http.StatusServiceUnavailable, message: "no model loaded yet", customer: -1}
	case st == nil:
		return nil, &apiError{status: http.StatusServiceUnavailable, message: "no state loaded yet", customer: -1}
	case st.lookup.Last.After(l.scorer.End):
		// The job writes the state and model.json one after the other: a
		// poll between the two sees a newer state than the model.
		return nil, &apiError{status: http.StatusServiceUnavailable, customer: -1, message: fmt.Sprintf(
			"the state (transactions to %s) is newer than the model (observation to %s): waiting for the run's model.json",
			st.lookup.Last.Format(time.RFC3339), l.scorer.End.Format(time.RFC3339))}
	case st.lookup.End.Before(l.scorer.End):
		// The job writes model.json before the state: a poll between the
		// two sees the new model with the previous run's state, whose
		// customers at the model's end would miss the latest purchases.
		return nil, &apiError{status: http.StatusServiceUnavailable, customer: -1, message: fmt.Sprintf(
			"the state (observation to %s) is older than the model (observation to %s): waiting for the run's state",
			st.lookup.End.Format(time.RFC3339), l.scorer.End.Format(time.RFC3339))}
	}
	sc := l.scorer
	c, ok := st.lookup.Customer(id, sc.End, sc.Unit)
	if !ok {
		return nil, &apiError{status: http.StatusNotFound, message: "no customer " + strconv.Quote(id) + " in the state", customer: -1, field: "id"}
	}
	ctx, cancel := contextTimeout(r, s.cfg.Timeout)
	defer cancel()
	cs := []clv.Customer{c}
	score, answer := sc.Score, sc.Answers
	from := ""
	if sc.Covariates != nil {
		z, f, err := s.lookupCovariates(sc, id)
		if err != nil {
			return nil, err
		}
		zs := [][]float64{z}
		from = f
		score = func(ctx context.Context, cs []clv.Customer) ([]forecast.Forecast, error) {
			return sc.ScoreCovariates(ctx, cs, zs)
		}
		answer = func(ctx context.Context, cs []clv.Customer) ([]forecast.Answers, error) {
			return sc.AnswersCovariates(ctx, cs, zs)
		}
	}
	fcs, err := score(ctx, cs)
	if err != nil {
		return nil, &apiError{status: http.StatusUnprocessableEntity, message: err.Error(), customer: -1}
	}
	var ans []forecast.Answers
	if withAnswers {
		if ans, err = answer(ctx, cs); err != nil {
			return nil, &apiError{status: http.StatusUnprocessableEntity, message: err.Error(), customer: -1}
		}
	}
	b := appendHeader(make([]byte, 0, 1024), sc)
	b = append(b, `,"state_observation_end":`...)
	b = appendString(b, st.lookup.End.Format(time.RFC3339))
	if from != "" {
		b = append(b, `,"covariates_from":`...)
		b = appendString(b, from)
	}
	b = append(b, `,"customer":`...)
	b, err = appendCustomer(b, sc, 0, c, fcs[0], ans, true)
	if err != nil {
		return nil, err
	}
	return append(b, "}\n"...), nil
}
