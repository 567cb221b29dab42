package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// loaded is a model in use: the scorer and the file it came from.
type loaded struct {
	scorer   *forecast.Scorer
	modTime  time.Time
	loadedAt time.Time
}

// server scores requests with the model in use, which reload swaps
// atomically: a request scores with the model it read at its start.
type server struct {
	cfg     Config
	log     *slog.Logger
	model   atomic.Pointer[loaded]
	state   states          // with -state
	covs    covariateTables // with -covariates
	metrics *metrics
	slots   chan struct{} // a token per request being read and scored

	mu        sync.Mutex        // serializes reloads
	tried     [sha256.Size]byte // the contents last tried, and the error reading them
	triedErr  string
	triedOnce bool
}

func newServer(c Config, log *slog.Logger) *server {
	return &server{cfg: c, log: log, metrics: newMetrics(), slots: make(chan struct{}, max(1, c.Concurrency))}
}

// reload reads the model file and, if it loads, puts it in use; if not,
// the model in use stays, and the failure is logged and counted. Unless
// forced, a file whose contents are those last tried (or a file that
// cannot be read, with the error last seen) is left alone: a poll reloads
// a file only when it has changed. The contents are compared, not the
// modification time and size, which a new file written within the same
// tick of the file system's clock, with the same length, would share.
func (s *server) reload(why string, force bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, modTime, err := readModel(s.cfg.Model)
	sum := sha256.Sum256(b)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if !force && s.triedOnce && sum == s.tried && msg == s.triedErr {
		return
	}
	s.tried, s.triedErr, s.triedOnce = sum, msg, true
	var sc *forecast.Scorer
	if err == nil {
		// model.json's settings, overridden by the flags given; a file
		// that records none takes every flag, defaults included.
		sc, err = forecast.LoadModels(bytes.NewReader(b), s.cfg.overrides())
		if err == nil && !sc.Recorded {
			sc, err = forecast.LoadModels(bytes.NewReader(b), s.cfg.all())
		}
	}
	if err != nil {
		s.metrics.reloadFailures.Add(1)
		s.metrics.lastReloadError.Store(time.Now().Unix())
		s.log.Error("model not loaded", "why", why, "file", s.cfg.Model, "err", err, "in_use", s.model.Load() != nil)
		return
	}
	s.model.Store(&loaded{scorer: sc, modTime: modTime, loadedAt: time.Now()})
	s.metrics.reloads.Add(1)
	s.log.Info("model loaded", "why", why, "file", s.cfg.Model, "purchase_model", sc.Name, "spend", sc.Spend != nil,
		"unit", sc.Unit, "observation_end", sc.End.Format(time.DateOnly), "horizon_months", sc.Months, "horizon", sc.Horizon,
		"discount", sc.Discount, "margin", sc.Margin, "window_days", sc.Window, "settings_from_file", sc.Recorded)
}

// readModel reads the model file, up to forecast.MaxModelFile bytes and
// one more (for LoadModels to refuse), and returns its modification time.
func readModel(path string) ([]byte, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, time.Time{}, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, forecast.MaxModelFile+1))
	return b, fi.ModTime(), err
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/score", s.score)
	mux.HandleFunc("/v1/customers/{id}", s.customer)
	mux.HandleFunc("/v1/customers/", s.customer) // no id, or an id with a slash unescaped: 400
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		s.metrics.request("/healthz", http.StatusOK)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if l := s.model.Load(); l != nil && (s.cfg.State == "" || s.state.inUse.Load() != nil && s.covariatesReady(l.scorer)) {
			s.metrics.request("/readyz", http.StatusOK)
			fmt.Fprintf(w, `{"status":"ready","purchase_model":%q,"loaded":%q}`+"\n", l.scorer.Name, l.loadedAt.UTC().Format(time.RFC3339))
			return
		}
		s.metrics.request("/readyz", http.StatusServiceUnavailable)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"no model, no state or no covariates for the model loaded"}`+"\n")
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		s.metrics.request("/metrics", http.StatusOK)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		var b bytes.Buffer
		s.metrics.write(&b, s.model.Load(), time.Now())
		w.Write(b.Bytes())
	})
	return mux
}

// contextTimeout returns the request's context, with the timeout d.
func contextTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}

// apiError is a request the server does not score, as the JSON
// {"error": {"message", "customer", "field"}} with an HTTP status;
// customer (the index in the request's customers) and field are left out
// when the error is not about one.
type apiError struct {
	status   int
	message  string
	customer int // -1: none
	field    string
}

func (e *apiError) Error() string { return e.message }

func badRequest(customer int, field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...), customer: customer, field: field}
}

func (e *apiError) write(w http.ResponseWriter) {
	b := []byte(`{"error":{"message":`)
	b = appendString(b, e.message)
	if e.customer >= 0 {
		b = append(b, `,"customer":`...)
		b = strconv.AppendInt(b, int64(e.customer), 10)
	}
	if e.field != "" {
		b = append(b, `,"field":`...)
		b = appendString(b, e.field)
	}
	b = append(b, "}}\n"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.status)
	w.Write(b)
}

// score answers POST /v1/score.
func (s *server) score(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	code := http.StatusOK
	defer func() {
		s.metrics.request("/v1/score", code)
		s.metrics.latency.observe(time.Since(start).Seconds())
	}()
	body, n, err := s.scoreBody(r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Error("scoring", "err", err)
			ae = &apiError{status: http.StatusInternalServerError, message: "internal error", customer: -1}
		}
		if ae.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodPost)
		}
		code = ae.status
		ae.write(w)
		return
	}
	s.metrics.scored.Add(uint64(n))
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// scoreBody reads, checks and scores a request, returning the response's
// body and the number of customers scored.
func (s *server) scoreBody(r *http.Request) ([]byte, int, error) {
	if r.Method != http.MethodPost {
		return nil, 0, &apiError{status: http.StatusMethodNotAllowed, message: "use POST", customer: -1}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return nil, 0, &apiError{status: http.StatusUnsupportedMediaType, message: fmt.Sprintf("Content-Type %q: want application/json", ct), customer: -1}
		}
	}
	l := s.model.Load() // the model of the whole request, whatever reloads meanwhile
	if l == nil {
		return nil, 0, &apiError{status: http.StatusServiceUnavailable, message: "no model loaded yet", customer: -1}
	}
	ctx, cancel := contextTimeout(r, s.cfg.Timeout)
	defer cancel()
	// At most -concurrency requests are read and scored at once: memory
	// stays within -concurrency bodies and batches whatever the traffic.
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return nil, 0, &apiError{status: http.StatusServiceUnavailable, message: fmt.Sprintf("busy: %d requests in progress for %v (-concurrency, -timeout)", cap(s.slots), s.cfg.Timeout), customer: -1}
	}
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, 0, &apiError{status: http.StatusRequestEntityTooLarge, message: fmt.Sprintf("request body over %d bytes (-max-body)", s.cfg.MaxBody), customer: -1}
		}
		return nil, 0, badRequest(-1, "", "reading the request: %v", err)
	}
	withAnswers, err := s.answers(r)
	if err != nil {
		return nil, 0, err
	}
	sc := l.scorer
	cs, z, err := decodeRequestCov(b, limits(sc, s.cfg.MaxBatch), sc.Spend != nil, sc.Covariates)
	if err != nil {
		return nil, 0, err
	}
	score, answer := sc.Score, sc.Answers
	if sc.Covariates != nil {
		score = func(ctx context.Context, cs []clv.Customer) ([]forecast.Forecast, error) {
			return sc.ScoreCovariates(ctx, cs, z)
		}
		answer = func(ctx context.Context, cs []clv.Customer) ([]forecast.Answers, error) {
			return sc.AnswersCovariates(ctx, cs, z)
		}
	}
	fcs, err := score(ctx, cs)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, &apiError{status: http.StatusServiceUnavailable, message: fmt.Sprintf("scoring did not finish within %v (-timeout)", s.cfg.Timeout), customer: -1}
		}
		// The customers passed the checks: what the models refuse is
		// about their values (e.g. an infinite value), not the server.
		return nil, 0, &apiError{status: http.StatusUnprocessableEntity, message: err.Error(), customer: -1}
	}
	var ans []forecast.Answers
	if withAnswers {
		if ans, err = answer(ctx, cs); err != nil {
			if ctx.Err() != nil {
				return nil, 0, &apiError{status: http.StatusServiceUnavailable, message: fmt.Sprintf("scoring did not finish within %v (-timeout)", s.cfg.Timeout), customer: -1}
			}
			return nil, 0, &apiError{status: http.StatusUnprocessableEntity, message: err.Error(), customer: -1}
		}
	}
	out, err := encodeResponse(sc, cs, fcs, ans)
	return out, len(cs), err
}

// answers reports whether the request wants the answer columns: its
// query's answers (true or false, as strconv.ParseBool reads them), else
// -answers.
func (s *server) answers(r *http.Request) (bool, error) {
	v, ok := r.URL.Query()["answers"]
	if !ok {
		return s.cfg.Answers, nil
	}
	if len(v) != 1 {
		return false, badRequest(-1, "", "the query gives answers %d times: want it once", len(v))
	}
	a, err := strconv.ParseBool(v[0])
	if err != nil {
		return false, badRequest(-1, "", "answers=%q in the query: want true or false", v[0])
	}
	return a, nil
}

// encodeResponse writes {"model", "horizon_months", "horizon",
// "unit_hours", "window_days", "observation_end", "customers": [{"id",
// "p_alive", "expected_purchases", "expected_avg_value", "clv",
// "churn_tier", then the answer columns of forecast.csv
// (forecast.AnswerColumns: "discounted_purchases", "p_purchase_window",
// ..., "model_days_between_orders")}, ...]}: expected_avg_value and clv
// null without a spend model, an answer null where forecast.csv's cell is
// empty; without the answers (ans nil: -answers=false, or ?answers=false)
// the fields stop at discounted_purchases. Numbers are written in the
// shortest form that reads back to the same float64.
func encodeResponse(sc *forecast.Scorer, cs []clv.Customer, fcs []forecast.Forecast, ans []forecast.Answers) ([]byte, error) {
	b := appendHeader(make([]byte, 0, 128+len(cs)*560), sc)
	b = append(b, `,"customers":[`...)
	for i, f := range fcs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendCustomer(b, sc, i, cs[i], f, ans, false); err != nil {
			return nil, err
		}
	}
	return append(b, "]}\n"...), nil
}

// appendHeader appends the response's opening brace and its fields about
// the model: "model", "horizon_months", "horizon", "unit_hours",
// "window_days", "observation_end".
func appendHeader(b []byte, sc *forecast.Scorer) []byte {
	b = append(b, `{"model":`...)
	b = appendString(b, sc.Name)
	b = append(b, `,"horizon_months":`...)
	b = strconv.AppendInt(b, int64(sc.Months), 10)
	b = append(b, `,"horizon":`...)
	b = strconv.AppendFloat(b, sc.Horizon, 'g', -1, 64)
	b = append(b, `,"unit_hours":`...)
	b = strconv.AppendFloat(b, sc.Unit.Hours(), 'g', -1, 64)
	b = append(b, `,"window_days":`...)
	b = strconv.AppendInt(b, int64(sc.Window), 10)
	b = append(b, `,"observation_end":`...)
	return appendString(b, sc.End.Format(time.RFC3339))
}

// appendCustomer appends the object of customer i (c, its forecast f and,
// ans not nil, its answers ans[i]); with summary, the customer's summary
// too ("frequency", "recency", "T", "monetary_value", after the id).
func appendCustomer(b []byte, sc *forecast.Scorer, i int, c clv.Customer, f forecast.Forecast, ans []forecast.Answers, summary bool) ([]byte, error) {
	for _, v := range [...]float64{f.PAlive, f.ExpectedPurchases, f.ExpectedValue, f.CLV, f.DiscountedPurchases} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &apiError{status: http.StatusUnprocessableEntity, customer: i,
				message: fmt.Sprintf("customers[%d]: the model gives no finite forecast for this customer (%+v)", i, f)}
		}
	}
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	if summary {
		b = append(b, `,"frequency":`...)
		b = strconv.AppendFloat(b, c.Frequency, 'g', -1, 64)
		b = append(b, `,"recency":`...)
		b = strconv.AppendFloat(b, c.Recency, 'g', -1, 64)
		b = append(b, `,"T":`...)
		b = strconv.AppendFloat(b, c.T, 'g', -1, 64)
		b = append(b, `,"monetary_value":`...)
		b = strconv.AppendFloat(b, c.MonetaryValue, 'g', -1, 64)
	}
	b = append(b, `,"p_alive":`...)
	b = strconv.AppendFloat(b, f.PAlive, 'g', -1, 64)
	b = append(b, `,"expected_purchases":`...)
	b = strconv.AppendFloat(b, f.ExpectedPurchases, 'g', -1, 64)
	if sc.Spend != nil {
		b = append(b, `,"expected_avg_value":`...)
		b = strconv.AppendFloat(b, f.ExpectedValue, 'g', -1, 64)
		b = append(b, `,"clv":`...)
		b = strconv.AppendFloat(b, f.CLV, 'g', -1, 64)
	} else {
		b = append(b, `,"expected_avg_value":null,"clv":null`...)
	}
	b = append(b, `,"churn_tier":`...)
	b = appendString(b, forecast.ChurnTier(f.PAlive))
	b = append(b, `,"discounted_purchases":`...)
	b = strconv.AppendFloat(b, f.DiscountedPurchases, 'g', -1, 64)
	if ans != nil {
		b = appendAnswers(b, ans[i])
	}
	return append(b, '}'), nil
}

// appendAnswers appends a's fields, named as forecast.csv's columns
// (forecast.AnswerColumns after discounted_purchases), each preceded by a
// comma; NaN (an infinite value too, which JSON cannot hold) is null, as
// is a zero date.
func appendAnswers(b []byte, a forecast.Answers) []byte {
	num := func(b []byte, name string, v float64) []byte {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	b = num(b, "p_purchase_window", a.PurchaseWithinWindow)
	b = num(b, "p_churn_window", a.ChurnWithinWindow)
	b = num(b, "p_purchase_horizon", a.PurchaseWithinHorizon)
	b = num(b, "p_alive_horizon_end", a.AliveAtHorizonEnd)
	b = num(b, "next_order_days_p10", a.NextOrderDays[0])
	b = num(b, "next_order_days_median", a.NextOrderDays[1])
	b = num(b, "next_order_days_p90", a.NextOrderDays[2])
	b = append(b, `,"next_order_date":`...)
	if a.NextOrderDate.IsZero() {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = a.NextOrderDate.AppendFormat(b, time.DateOnly)
		b = append(b, '"')
	}
	b = append(b, `,"next_order_note":`...)
	b = appendString(b, a.NextOrderNote)
	b = num(b, "avg_days_between_orders", a.AvgDaysBetweenOrders)
	return num(b, "model_days_between_orders", a.ModelDaysBetweenOrders)
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
