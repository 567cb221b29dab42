package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAnswersOption: ?answers=false leaves the answer columns out of a
// response, and its other numbers are the job's; -answers=false leaves
// them out unless ?answers=true; a query that is not a boolean is a 400.
func TestAnswersOption(t *testing.T) {
	j := runJob(t, "bgnbd")
	cs := j.res.Summary.Customers[:50]
	body := requestBody(cs)
	postQ := func(h http.Handler, query string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/v1/score"+query, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	// has reports whether every customer of the response has the answer
	// columns, and fails the test if only some do.
	has := func(w *httptest.ResponseRecorder) bool {
		t.Helper()
		if w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		var got scored
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		for i, g := range got.Customers {
			w := j.res.Forecasts[i]
			if g.PAlive != w.PAlive || g.ExpectedPurchases != w.ExpectedPurchases || *g.CLV != w.CLV || g.DiscountedPurchases != w.DiscountedPurchases {
				t.Fatalf("customer %d: %+v, the job %+v", i, g, w)
			}
		}
		n := strings.Count(w.Body.String(), `"p_purchase_window":`)
		if n != 0 && n != len(cs) {
			t.Fatalf("%d of %d customers with answers", n, len(cs))
		}
		return n > 0
	}
	_, h, _ := testServer(t, nil)
	if !has(postQ(h, "")) || !has(postQ(h, "?answers=true")) || has(postQ(h, "?answers=false")) || has(postQ(h, "?answers=0")) {
		t.Error("-answers (default true): the query does not choose")
	}
	_, h, _ = testServer(t, func(c *Config) { c.Answers = false })
	if has(postQ(h, "")) || !has(postQ(h, "?answers=1")) {
		t.Error("-answers=false: the query does not choose")
	}
	for _, q := range []string{"?answers=maybe", "?answers=", "?answers=true&answers=false"} {
		if w := postQ(h, q); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "answers") {
			t.Errorf("%s: %d %s, want a 400 naming answers", q, w.Code, w.Body)
		}
	}
}
