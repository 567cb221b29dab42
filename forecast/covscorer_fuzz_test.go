package forecast_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// covModelJSON returns the model.json of a run of model name on a
// generated covariate log.
func covModelJSON(tb testing.TB, name string) []byte {
	tb.Helper()
	g := genCovLog(tb, 300, 5)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: name, Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteModelJSON(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// checkVector checks a covariate vector of e: its length, finite values,
// each categorical column's indicators 0 or 1 and at most one of them 1.
func checkVector(t *testing.T, e *forecast.CovariateEncoding, z []float64) {
	t.Helper()
	if len(z) != len(e.Names) {
		t.Fatalf("%d covariates, want %d", len(z), len(e.Names))
	}
	q := 0
	for _, c := range e.Columns {
		if !c.Categorical {
			if math.IsNaN(z[q]) || math.IsInf(z[q], 0) {
				t.Fatalf("%s = %v", c.Name, z[q])
			}
			q++
			continue
		}
		ones := 0
		for range c.Levels[1:] {
			switch z[q] {
			case 1:
				ones++
			case 0:
			default:
				t.Fatalf("indicator %s = %v", e.Names[q], z[q])
			}
			q++
		}
		if ones > 1 {
			t.Fatalf("column %s: %d indicators set", c.Name, ones)
		}
	}
}

// FuzzLoadCovariateModel: any model.json either loads, with an encoding
// whose covariates are its columns' and the models', which encodes a row
// of each column's first level (or 0) into a valid vector that scores
// without panicking, or is refused with an error; never a panic.
func FuzzLoadCovariateModel(f *testing.F) {
	for _, name := range []string{"bgnbd-cov", "paretonbd-cov"} {
		b := covModelJSON(f, name)
		f.Add(b)
		f.Add(bytes.Replace(b, []byte(`"shop"`), []byte(`"online"`), 1))
		f.Add(bytes.Replace(b, []byte(`"categorical": true`), []byte(`"categorical": false`), 1))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := forecast.LoadModels(bytes.NewReader(b), forecast.ScorerOptions{})
		if err != nil || sc.Covariates == nil {
			return
		}
		e := sc.Covariates
		if len(e.Mean) != len(e.Names) || len(e.Names) == 0 || len(e.Names) > forecast.MaxCovariates {
			t.Fatalf("encoding %+v", e)
		}
		row := map[string]string{}
		for _, c := range e.Columns {
			row[c.Name] = "0"
			if c.Categorical {
				row[c.Name] = c.Levels[len(c.Levels)-1]
			}
		}
		z, err := e.Encode(row)
		if err != nil {
			if strings.Contains(err.Error(), "not a number") || strings.Contains(err.Error(), "empty value") || strings.Contains(err.Error(), "unknown level") {
				return // a level of spaces, a decimal comma's "0"
			}
			t.Fatalf("row %v: %v", row, err)
		}
		checkVector(t, e, z)
		cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 10, T: 30, MonetaryValue: 20}, {ID: "b", T: 5}}
		sc.ScoreCovariates(context.Background(), cs, [][]float64{z, e.Mean})
		sc.AnswersCovariates(context.Background(), cs, [][]float64{z, e.Mean})
	})
}

// FuzzCovariateTable: any covariates file read with a run's encoding gives
// valid vectors, or an error; never a panic.
func FuzzCovariateTable(f *testing.F) {
	f.Add("customer_id,Channel,Age\nc1,shop,0\nc2,online,-0.5\nc3, phone ,1e3\n")
	f.Add("Age,customer_id,Channel\n1,c1,phone\n")
	f.Add("customer_id;Channel;Age\nc1;shop;0\n")
	f.Add("customer_id,Channel,Age\n\"c,1\",\"shop\",0\nc2,fax,1\n")
	sc, err := forecast.LoadModels(bytes.NewReader(covModelJSON(f, "bgnbd-cov")), forecast.ScorerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	e := sc.Covariates
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := e.ReadTable(strings.NewReader(text), "f.csv")
		if err != nil {
			return
		}
		for _, line := range strings.Split(text, "\n") {
			id, _, _ := strings.Cut(line, ",")
			if z, ok := tab.Customer(strings.TrimSpace(id)); ok {
				checkVector(t, e, z)
			}
		}
	})
}
