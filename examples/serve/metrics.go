package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the server's counters, written in the Prometheus text
// exposition format (version 0.0.4) by hand: the library takes no
// dependency for them.
type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64 // by path and status code

	scored          atomic.Uint64 // customers scored
	reloads         atomic.Uint64 // successful model loads
	reloadFailures  atomic.Uint64
	latency         histogram // of POST /v1/score, seconds
	lastReloadError atomic.Int64
}

type reqKey struct {
	path string
	code int
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]uint64{}, latency: newHistogram(latencyBuckets)}
}

// latencyBuckets are the upper bounds of the latency histogram, seconds.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

func (m *metrics) request(path string, code int) {
	m.mu.Lock()
	m.requests[reqKey{path, code}]++
	m.mu.Unlock()
}

// histogram is a Prometheus histogram: counts by upper bound, lock-free.
type histogram struct {
	bounds []float64
	counts []atomic.Uint64 // len(bounds)+1: the last is +Inf
	sum    atomic.Uint64   // float64 bits
}

func newHistogram(bounds []float64) histogram {
	return histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v) // the first bound ≥ v
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// write writes the histogram's series: cumulative buckets, sum, count.
func (h *histogram) write(w io.Writer, name string) {
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=%q} %d\n", name, strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	cum += h.counts[len(h.bounds)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(w, "%s_sum %s\n", name, strconv.FormatFloat(math.Float64frombits(h.sum.Load()), 'g', -1, 64))
	fmt.Fprintf(w, "%s_count %d\n", name, cum)
}

// write writes every metric; m is the model in use (nil: none).
func (m *metrics) write(w io.Writer, cur *loaded, now time.Time) {
	head := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	head("clv_serve_requests_total", "counter", "HTTP requests by path and status code.")
	m.mu.Lock()
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reqKey) int {
		if a.path != b.path {
			if a.path < b.path {
				return -1
			}
			return 1
		}
		return a.code - b.code
	})
	for _, k := range keys {
		fmt.Fprintf(w, "clv_serve_requests_total{path=%q,code=\"%d\"} %d\n", k.path, k.code, m.requests[k])
	}
	m.mu.Unlock()
	head("clv_serve_customers_scored_total", "counter", "Customers scored by POST /v1/score.")
	fmt.Fprintf(w, "clv_serve_customers_scored_total %d\n", m.scored.Load())
	head("clv_serve_request_duration_seconds", "histogram", "Time to answer POST /v1/score, from the request's headers to the response written.")
	m.latency.write(w, "clv_serve_request_duration_seconds")
	head("clv_serve_model_reloads_total", "counter", "Models loaded from the model file, the first included.")
	fmt.Fprintf(w, "clv_serve_model_reloads_total %d\n", m.reloads.Load())
	head("clv_serve_model_reload_failures_total", "counter", "Loads of the model file that failed (the model in use, if any, was kept).")
	fmt.Fprintf(w, "clv_serve_model_reload_failures_total %d\n", m.reloadFailures.Load())
	head("clv_serve_model_last_reload_failure_timestamp_seconds", "gauge", "Unix time of the last failed load (0: none).")
	fmt.Fprintf(w, "clv_serve_model_last_reload_failure_timestamp_seconds %d\n", m.lastReloadError.Load())
	head("clv_serve_model_loaded", "gauge", "1 when a model is loaded (the server is ready), 0 before.")
	if cur == nil {
		fmt.Fprintf(w, "clv_serve_model_loaded 0\n")
		return
	}
	fmt.Fprintf(w, "clv_serve_model_loaded 1\n")
	head("clv_serve_model_info", "gauge", "The model in use: purchase model and whether it values purchases (a spend model).")
	fmt.Fprintf(w, "clv_serve_model_info{purchase_model=%q,spend=\"%t\"} 1\n", cur.scorer.Name, cur.scorer.Spend != nil)
	head("clv_serve_model_age_seconds", "gauge", "Seconds since the model file in use was modified.")
	fmt.Fprintf(w, "clv_serve_model_age_seconds %s\n", strconv.FormatFloat(now.Sub(cur.modTime).Seconds(), 'f', 3, 64))
	head("clv_serve_model_loaded_timestamp_seconds", "gauge", "Unix time the model in use was loaded.")
	fmt.Fprintf(w, "clv_serve_model_loaded_timestamp_seconds %d\n", cur.loadedAt.Unix())
	head("clv_serve_model_observation_end_timestamp_seconds", "gauge", "Unix time of the model's end of observation (its data's age).")
	fmt.Fprintf(w, "clv_serve_model_observation_end_timestamp_seconds %d\n", cur.scorer.End.Unix())
}
