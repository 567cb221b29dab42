package paretonbd_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestDynamicJSON: a DynModel survives a JSON round trip with its
// parameters, boundary and predictions; malformed boundaries and another
// model's JSON are errors.
func TestDynamicJSON(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 1.7, Beta: 12}, Names: []string{"season", "b"},
		Trans: []float64{0.4, -0.3}, Life: []float64{-10, 0.2}}
	m, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back paretonbd.DynModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !reflect.DeepEqual(back.Params(), m.Params()) {
		t.Errorf("params %+v, want %+v", back.Params(), m.Params())
	}
	path := seasonPath(200)
	for j := range path.Values {
		path.Values[j] = []float64{path.Values[j][0], 1}
	}
	c := clv.Customer{Frequency: 2, Recency: 20, T: 40}
	if got, want := back.DERT(c, path, 0.01), m.DERT(c, path, 0.01); got != want || math.IsNaN(got) {
		t.Errorf("DERT %v after the round trip, %v before", got, want)
	}
	withB := strings.Replace(string(b), `"model":"paretonbd_dynamic"`, `"model":"paretonbd_dynamic","boundary":["life.season"]`, 1)
	if err := json.Unmarshal([]byte(withB), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Boundary(); !reflect.DeepEqual(got, []string{"life.season"}) {
		t.Errorf("boundary %v", got)
	}
	if b2, _ := json.Marshal(&back); !strings.Contains(string(b2), `"boundary":["life.season"]`) {
		t.Errorf("boundary not written: %s", b2)
	}
	for _, bad := range []string{`["life.x"]`, `["x.season"]`, `["life.season","life.season"]`, `["season"]`} {
		s := strings.Replace(string(b), `"model":"paretonbd_dynamic"`, `"model":"paretonbd_dynamic","boundary":`+bad, 1)
		if err := json.Unmarshal([]byte(s), &back); !errors.Is(err, clv.ErrInvalidParams) {
			t.Errorf("boundary %s: error %v, want ErrInvalidParams", bad, err)
		}
	}
	if err := json.Unmarshal([]byte(strings.Replace(string(b), "paretonbd_dynamic", "paretonbd_covariates", 1)), &back); err == nil {
		t.Error("a static model's JSON accepted")
	}
}
