package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// batches returns n request bodies of size customers each, the job's
// customers in turn.
func batches(j *job, n, size int) [][]byte {
	cs := j.res.Summary.Customers
	out := make([][]byte, n)
	for b := range out {
		batch := make([]clv.Customer, size)
		for i := range batch {
			batch[i] = cs[(b*size+i)%len(cs)]
		}
		out[b] = requestBody(batch)
	}
	return out
}

// TestLoad is the load test on loopback, bounded: 200 requests of
// 1,000 customers from 4 clients at once (customers scored per second),
// then 2,000 requests of one customer, one at a time (latency); a tenth of
// that under the race detector. It checks
// that every request is answered 200 and that the heap stays bounded, and
// logs the numbers; it checks no speed, which depends on the machine and
// its load (go test -run TestLoad -v ./examples/serve prints them).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: not in -short")
	}
	for _, name := range []string{"bgnbd", "paretonbd"} {
		t.Run(name, func(t *testing.T) { load(t, name, true) })
		t.Run(name+"/no-answers", func(t *testing.T) { load(t, name, false) })
	}
}

// load runs the load test on the job of the model name, with the answer
// columns or without (-answers=false).
func load(t *testing.T, name string, answers bool) {
	j := runJob(t, name)
	c := defaultConfig()
	c.Answers = answers
	c.Model, c.Addr = writeModel(t, t.TempDir(), j), "127.0.0.1:0"
	url, stop := start(t, c, nil)
	defer stop()
	const workers, size = 4, 1000
	requests, singles := 200, 2000
	if raceEnabled { // the same paths, fewer times: the numbers mean nothing
		requests, singles = 20, 200
	}
	bodies := batches(j, 8, size)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	do := func(body []byte) (int, error) {
		resp, err := client.Post(url+"/v1/score", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	var peak atomic.Uint64
	sample := func(done <-chan struct{}) {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	done := make(chan struct{})
	go sample(done)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	t0, cpu0 := time.Now(), cpuTime()
	for range workers {
		wg.Go(func() {
			for k := next.Add(1) - 1; k < int64(requests); k = next.Add(1) - 1 {
				if code, err := do(bodies[k%int64(len(bodies))]); err != nil || code != 200 {
					failed.Add(1)
					t.Errorf("request %d: %d %v", k, code, err)
				}
			}
		})
	}
	wg.Wait()
	el, cpu := time.Since(t0), cpuTime()-cpu0
	close(done)
	rate := float64(requests*size) / el.Seconds()
	perCPU := float64(requests*size) / cpu.Seconds() // clients included: they run in this process

	one := batches(j, 64, 1)
	lat := make([]time.Duration, singles)
	for i := range lat {
		s := time.Now()
		if code, err := do(one[i%len(one)]); err != nil || code != 200 {
			t.Fatalf("one-customer request %d: %d %v", i, code, err)
		}
		lat[i] = time.Since(s)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	var load string
	if b, err := readFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(b)[:3], " ")
	}
	t.Logf("%s (answers %v): %d×%d customers from %d clients in %v: %.0f customers/s (%.0f per CPU-second, clients included), %d failed; one customer: p50 %v, p99 %v, max %v; peak heap in use %.0f MiB; GOMAXPROCS %d, load average %s",
		name, answers, requests, size, workers, el.Round(time.Millisecond), rate, perCPU, failed.Load(), q(0.5), q(0.99), lat[len(lat)-1], float64(peak.Load())/(1<<20), runtime.GOMAXPROCS(0), load)
	if peak.Load() > 512<<20 {
		t.Errorf("peak heap in use %d MiB", peak.Load()>>20)
	}
}

// BenchmarkScore measures a request of 1,000 customers through the
// handler, without the network: decoding, scoring, encoding.
// With answers=false, without the answer columns; the CPU-seconds are
// the process's, over the benchmark's run.
func BenchmarkScore(b *testing.B) {
	for _, answers := range []bool{true, false} {
		b.Run("answers="+strconv.FormatBool(answers), func(b *testing.B) {
			_, h, _ := testServer(b, func(c *Config) { c.Answers = answers })
			body := batches(runJob(b, "bgnbd"), 1, 1000)[0]
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if w := post(h, body); w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "customers/s")
			b.ReportMetric(float64(b.N)*1000/(cpuTime()-cpu0).Seconds(), "customers/CPU-s")
		})
	}
}

// BenchmarkStages splits a request of 1,000 customers into its stages.
func BenchmarkStages(b *testing.B) {
	j := runJob(b, "bgnbd")
	sc, err := forecast.LoadModels(bytes.NewReader(j.model), forecast.ScorerOptions{Discount: 0.01})
	if err != nil {
		b.Fatal(err)
	}
	body := batches(j, 1, 1000)[0]
	cs, _ := decodeRequest(body, limits(sc, 1000), true)
	fcs, _ := sc.Score(context.Background(), cs)
	ans, _ := sc.Answers(context.Background(), cs)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			decodeRequest(body, limits(sc, 1000), true)
		}
	})
	b.Run("score", func(b *testing.B) {
		for b.Loop() {
			sc.Score(context.Background(), cs)
		}
	})
	b.Run("answers", func(b *testing.B) {
		for b.Loop() {
			sc.Answers(context.Background(), cs)
		}
	})
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			encodeResponse(sc, cs, fcs, ans)
		}
	})
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
