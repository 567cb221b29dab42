package forecast_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// FuzzReadDynamicCovariates: any input is read without panicking, into
// an error wrapping clv.ErrInvalidCovariates or a file whose paths are
// valid or errors of that kind; with SkipInvalid, a file read without
// errors reads the same with nothing skipped, and otherwise the usable
// and skipped rows account for the data lines.
func FuzzReadDynamicCovariates(f *testing.F) {
	f.Add("id,date,season,vip\n*,2024-01-01,0,0\n*,2024-01-15,1,0\na,2024-01-22,,1\n", "a")
	f.Add("id,date,x\na,2024-01-01,1\na,2024-01-08,\n", "a")
	f.Add("id,date,x\n\"a,b\",20240101,1.5\n", "a,b")
	f.Fuzz(func(t *testing.T, file, id string) {
		fl, err := forecast.ReadDynamicCovariates(strings.NewReader(file), "f", csvio.Options{})
		sk, serr := forecast.ReadDynamicCovariates(strings.NewReader(file), "f", csvio.Options{SkipInvalid: true})
		if serr != nil && !errors.Is(serr, clv.ErrInvalidCovariates) {
			t.Fatalf("with SkipInvalid: error %v does not wrap ErrInvalidCovariates", serr)
		}
		if err == nil && (serr != nil || sk.Rows != fl.Rows || sk.SkippedLines != 0 || sk.Shared != fl.Shared || sk.Customers != fl.Customers) {
			t.Fatalf("with SkipInvalid: %+v, %v; without: %+v", sk, serr, fl)
		}
		if serr == nil && sk.Rows < 1 {
			t.Fatalf("with SkipInvalid: no rows and no error: %+v", sk)
		}
		if err != nil {
			if !errors.Is(err, clv.ErrInvalidCovariates) {
				t.Fatalf("error %v does not wrap ErrInvalidCovariates", err)
			}
			return
		}
		first, _ := time.Parse(time.DateOnly, "2024-01-10")
		p, err := fl.Path(id, first, 7*24*time.Hour)
		if err != nil {
			if !errors.Is(err, clv.ErrInvalidCovariates) {
				t.Fatalf("error %v does not wrap ErrInvalidCovariates", err)
			}
			return
		}
		if err := p.Check(fl.Names); err != nil {
			t.Fatalf("path %+v: %v", p, err)
		}
	})
}
