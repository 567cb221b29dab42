package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// FuzzDecodeRequest: any request body is either decoded into at most
// -max-batch customers the models accept, the very values encoding/json
// reads from it, which score to finite numbers encoded as valid JSON (or
// a 422 naming the customer), or refused with a 4xx *apiError whose
// customer index is in the request; what is not JSON is refused; never a
// panic.
func FuzzDecodeRequest(f *testing.F) {
	ok := `{"id":"a","frequency":2,"recency":10,"T":30,"monetary_value":20}`
	for _, s := range []string{
		`{"customers":[` + ok + `]}`,
		`{"customers":[` + ok + `,` + ok + `,` + ok + `,` + ok + `]}`,
		`{"customers":[{"id":"b","frequency":0,"recency":0,"T":0,"monetary_value":0}]}`,
		`{"customers":[{"id":"\u2028\"<>","frequency":1e6,"recency":1e300,"T":1e308,"monetary_value":1e308}]}`,
		`{"customers":[{"id":"c","frequency":3,"recency":1e-300,"T":5e-324,"monetary_value":-1e300}]}`,
		`{"customers":[{"id":"d","frequency":"NaN","recency":10,"T":30,"monetary_value":20}]}`,
		`{"customers":[{"id":"e","frequency":2,"recency":10,"T":30,"monetary_value":20,"x":1}]}`,
		`{"customers":[{"ID":"f","FREQUENCY":2,"Recency":10,"t":30,"monetary_value":20}]}`,
		`{"customers":[5, null, []]}`, `{"customers":[{"id":"\ud800\udc00\ud800x\u00e9\n\"é","frequency":0,"recency":-0,"T":0.5e1,"monetary_value":-0.0E-0}]}`,
		` {"customers" : [ {"id" : "" , "frequency" : 1 , "recency" : 1 , "T" : 1 , "monetary_value" : 1 } ] } `, `{"customers":{}}`, `[]`, `null`, ``, `{"customers":[` + ok,
	} {
		f.Add([]byte(s))
	}
	sc, err := forecast.LoadModels(strings.NewReader(string(runJob(f, "bgnbd").model)), forecast.ScorerOptions{Discount: 0.01})
	if err != nil {
		f.Fatal(err)
	}
	const maxBatch = 3
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := decodeRequest(b, limits(sc, maxBatch), true)
		if err == nil && !json.Valid(b) {
			t.Fatalf("%q: not JSON, accepted", b)
		}
		if err == nil {
			var ref struct {
				Customers []struct {
					ID            string  `json:"id"`
					Frequency     float64 `json:"frequency"`
					Recency       float64 `json:"recency"`
					T             float64 `json:"T"`
					MonetaryValue float64 `json:"monetary_value"`
				} `json:"customers"`
			}
			if err := json.Unmarshal(b, &ref); err != nil || len(ref.Customers) != len(cs) {
				t.Fatalf("%q: accepted, encoding/json: %v", b, err)
			}
			for i, r := range ref.Customers {
				if c := cs[i]; r.ID != c.ID || r.Frequency != c.Frequency || r.Recency != c.Recency || r.T != c.T || r.MonetaryValue != c.MonetaryValue {
					t.Fatalf("%q: customer %d: %+v, encoding/json %+v", b, i, c, r)
				}
			}
		}
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status < 400 || ae.status >= 500 || ae.message == "" || ae.customer >= maxBatch {
				t.Fatalf("%q: %#v", b, err)
			}
			return
		}
		if len(cs) == 0 || len(cs) > maxBatch {
			t.Fatalf("%q: %d customers", b, len(cs))
		}
		for i, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("%q: customer %d accepted: %v", b, i, err)
			}
		}
		fcs, err := sc.Score(context.Background(), cs)
		if err != nil { // the server answers 422
			if !strings.Contains(err.Error(), "customers[") {
				t.Fatalf("%q: %v", b, err)
			}
			return
		}
		ans, err := sc.Answers(context.Background(), cs)
		if err != nil { // the server answers 422
			t.Fatalf("%q: answers: %v", b, err)
		}
		out, err := encodeResponse(sc, cs, fcs, ans)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusUnprocessableEntity {
				t.Fatalf("%q: %v", b, err)
			}
			return
		}
		var got scored
		if err := json.Unmarshal(out, &got); err != nil || len(got.Customers) != len(cs) {
			t.Fatalf("%q: response %s: %v", b, out, err)
		}
		for i, g := range got.Customers {
			if g.ID != cs[i].ID || g.PAlive != fcs[i].PAlive || !(g.PAlive >= 0 && g.PAlive <= 1) || !(g.ExpectedPurchases >= 0) {
				t.Fatalf("%q: customer %d: %+v, scored %+v", b, i, g, fcs[i])
			}
		}
	})
}
