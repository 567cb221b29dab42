package clv_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// noPanic calls f and fails the test if it panics.
func noPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", name, r)
		}
	}()
	f()
}

// TestNoPanicZeroArguments calls the exported functions and methods of clv
// with nil, zero, empty and NaN arguments, and nil or zero
// receivers: each returns (an error, or a documented value) and none
// panics.
func TestNoPanicZeroArguments(t *testing.T) {
	nan := math.NaN()
	bad := []clv.Customer{{ID: "nan", Frequency: nan, Recency: nan, T: nan, MonetaryValue: nan}}
	var nilHist, nilHist2 *clv.Histogram
	var nilState *clv.CustomerState
	mustErr := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for name, f := range map[string]func(){
		"Histogram nil Merge nil":   func() { mustErr("nil.Merge", nilHist.Merge(nilHist2)) },
		"Histogram Merge nil":       func() { var h clv.Histogram; _ = h.Merge(nil); _ = h.Merge(&clv.Histogram{}) },
		"Histogram nil Add":         func() { mustErr("nil.Add", nilHist.Add(clv.Customer{T: 1}, 1)) },
		"Histogram nil reads":       func() { _ = nilHist.Len(); _ = nilHist.Rows(); nilHist.Customers(); _, _ = nilHist.MarshalBinary() },
		"Histogram nil Unmarshal":   func() { mustErr("nil.UnmarshalBinary", nilHist.UnmarshalBinary(nil)) },
		"Histogram Add NaN":         func() { var h clv.Histogram; mustErr("Add NaN", h.Add(bad[0], nan)) },
		"Histogram Unmarshal empty": func() { var h clv.Histogram; mustErr("UnmarshalBinary", h.UnmarshalBinary(nil)) },
		"State nil Merge":           func() { mustErr("nil.Merge", nilState.Merge(&clv.CustomerState{})) },
		"State Merge nil":           func() { var s clv.CustomerState; _ = s.Merge(nil) },
		"State nil methods": func() {
			mustErr("nil.Add", nilState.Add(clv.Transaction{}, clv.SummaryOptions{}))
			_, _, err := nilState.Summary(clv.SummaryOptions{End: time.Now()})
			mustErr("nil.Summary", err)
			_, err = nilState.MarshalBinary()
			mustErr("nil.MarshalBinary", err)
			mustErr("nil.UnmarshalBinary", nilState.UnmarshalBinary(nil))
		},
		"State zero": func() {
			var s clv.CustomerState
			_, _, err := s.Summary(clv.SummaryOptions{})
			mustErr("zero.Summary", err)
			mustErr("UnmarshalBinary", s.UnmarshalBinary([]byte{0xff}))
			mustErr("Add NaN", s.Add(clv.Transaction{Amount: nan}, clv.SummaryOptions{}))
		},
		"Summarize": func() {
			_, err := clv.Summarize(nil, clv.SummaryOptions{})
			mustErr("Summarize(nil)", err)
			_, err = clv.Summarize([]clv.Transaction{{CustomerID: "a", Amount: nan}}, clv.SummaryOptions{})
			mustErr("Summarize(NaN)", err)
			_, err = clv.Summarize([]clv.Transaction{{CustomerID: "a", Amount: 1}}, clv.SummaryOptions{Unit: -1})
			mustErr("Summarize(Unit -1)", err)
		},
		"csvio.Summarize nil reader": func() {
			_, err := csvio.Summarize(strings.NewReader(""), csvio.Options{}, clv.SummaryOptions{})
			mustErr("csvio.Summarize empty", err)
		},
		"NewReader empty": func() {
			r, err := csvio.NewReader(strings.NewReader(""), csvio.Options{})
			if err == nil {
				_, err = r.ReadAll()
			}
			_ = err
		},
		"nil readers": func() {
			_, err := csvio.NewReader(nil, csvio.Options{})
			mustErr("NewReader(nil)", err)
			_, err = csvio.Summarize(nil, csvio.Options{}, clv.SummaryOptions{})
			mustErr("csvio.Summarize(nil)", err)
			_, _, err = csvio.ReadSummaries(nil, csvio.SummariesOptions{})
			mustErr("csvio.ReadSummaries(nil)", err)
			var r *csvio.Reader
			_, err = r.Read()
			mustErr("nil Reader.Read", err)
			_, err = r.ReadAll()
			mustErr("nil Reader.ReadAll", err)
			_ = r.Header()
			_ = r.Stats()
		},
		"csvio.ReadSummaries empty": func() {
			_, _, err := csvio.ReadSummaries(strings.NewReader(""), csvio.SummariesOptions{})
			mustErr("csvio.ReadSummaries", err)
		},
		"ValidateAll": func() {
			mustErr("ValidateAll(nil)", clv.ValidateAll(nil))
			mustErr("ValidateAll(NaN)", clv.ValidateAll(bad))
		},
		"Summarizer zero": func() {
			var s clv.Summarizer
			mustErr("zero Summarizer Add", s.Add(clv.Transaction{}))
			_, err := s.AddBatch(nil)
			mustErr("zero Summarizer AddBatch", err)
			_, err = s.Summary()
			mustErr("zero Summarizer Summary", err)
			var nilS *clv.Summarizer
			mustErr("nil Summarizer Add", nilS.Add(clv.Transaction{}))
		},
		"FitInfo": func() { _ = clv.FitInfo{}.Check(); _ = clv.FitInfo{LogLikelihood: nan}.AIC() },
		"Stats":   func() { _ = clv.Stats{}.String() },
		"Period":  func() { _ = clv.Period(-7).String() },
		"ParseError": func() {
			_ = (&clv.ParseError{}).Error()
		},
	} {
		noPanic(t, name, f)
	}
}
