package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// covariatesInUse is the table of -covariates in use for lookups: the
// customers' covariate vectors, encoded with the encoding of the model
// they were read for (a model loaded with other levels reads the file
// again).
type covariatesInUse struct {
	table    *forecast.CovariateTable
	enc      *forecast.CovariateEncoding
	loadedAt time.Time
}

// covariateTables holds the table in use, which reloadCovariates swaps
// atomically, and what was last tried.
type covariateTables struct {
	inUse    atomic.Pointer[covariatesInUse]
	mu       sync.Mutex // serializes reloads
	tried    os.FileInfo
	triedEnc *forecast.CovariateEncoding
	err      string
}

// reloadCovariates reads the file of -covariates with the encoding of the
// model in use (forecast.CovariateEncoding.ReadTable: the job's format)
// and, if it reads, puts it in use; if not, the table in use stays (which
// lookups use only with the model it was read for), and the failure is
// logged and counted. Without a model with covariates there is nothing to
// read it for. Unless forced, a file that is the one last tried (as
// reloadState compares them) for the same model is left alone.
func (s *server) reloadCovariates(why string, force bool) {
	if s.cfg.Covariates == "" {
		return
	}
	l := s.model.Load()
	if l == nil || l.scorer.Covariates == nil {
		return
	}
	enc := l.scorer.Covariates
	ct := &s.covs
	ct.mu.Lock()
	defer ct.mu.Unlock()
	path := s.cfg.Covariates
	fi, err := os.Stat(path)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if !force && enc == ct.triedEnc && msg == ct.err && (err != nil || ct.tried != nil && os.SameFile(fi, ct.tried) && fi.Size() == ct.tried.Size() && fi.ModTime().Equal(ct.tried.ModTime())) {
		return
	}
	ct.tried, ct.triedEnc, ct.err = fi, enc, msg
	var t *forecast.CovariateTable
	if err == nil {
		t, err = readCovariateTable(path, enc)
	}
	if err != nil {
		s.metrics.reloadFailures.Add(1)
		s.metrics.lastReloadError.Store(time.Now().Unix())
		s.log.Error("covariates not loaded", "why", why, "file", path, "err", err, "in_use", ct.inUse.Load() != nil)
		return
	}
	ct.inUse.Store(&covariatesInUse{table: t, enc: enc, loadedAt: time.Now()})
	s.log.Info("covariates loaded", "why", why, "file", path, "customers", t.Len(), "purchase_model", l.scorer.Name)
}

func readCovariateTable(path string, enc *forecast.CovariateEncoding) (*forecast.CovariateTable, error) {
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
	return enc.ReadTable(f, path)
}

// covariatesReady says lookups with the model sc have what they need: for
// a model with covariates, the table of -covariates read for it.
func (s *server) covariatesReady(sc *forecast.Scorer) bool {
	if sc.Covariates == nil {
		return true
	}
	cv := s.covs.inUse.Load()
	return cv != nil && cv.enc == sc.Covariates
}

// lookupCovariates returns the covariate vector of customer id for the
// model sc (with covariates), from the table of -covariates, and where it
// comes from: "file", or "mean_profile" for a customer without a row,
// whom the job scored with the mean profile (model.json's
// covariates.mean_profile).
func (s *server) lookupCovariates(sc *forecast.Scorer, id string) ([]float64, string, error) {
	if s.cfg.Covariates == "" {
		return nil, "", &apiError{status: http.StatusServiceUnavailable, customer: -1, message: fmt.Sprintf(
			"the model (%s) scores a customer from the customer's covariates: start the server with -covariates FILE (the job's covariates file) to look customers up", sc.Name)}
	}
	cv := s.covs.inUse.Load()
	if cv == nil || cv.enc != sc.Covariates {
		return nil, "", &apiError{status: http.StatusServiceUnavailable, customer: -1,
			message: "the covariates file (-covariates) is not loaded for the model in use (see the log)"}
	}
	if z, ok := cv.table.Customer(id); ok {
		return z, "file", nil
	}
	return sc.Covariates.Mean, "mean_profile", nil
}
