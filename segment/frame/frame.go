package frame

import (
	"errors"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// ErrColumn is wrapped by errors about a missing or unusable column.
var ErrColumn = errors.New("segment/frame: bad column")

// Columns maps the customer fields to the column names of a frame. Empty
// fields mean the package's names (ColID, ColFrequency, ...).
type Columns struct {
	ID, Frequency, Recency, T, MonetaryValue string
}

func (c Columns) withDefaults() Columns {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&c.ID, ColID)
	def(&c.Frequency, ColFrequency)
	def(&c.Recency, ColRecency)
	def(&c.T, ColT)
	def(&c.MonetaryValue, ColMonetaryValue)
	return c
}

// FromCustomers returns a frame with one row per customer and the columns
// ColID, ColFrequency, ColRecency, ColT and ColMonetaryValue.
func FromCustomers(cs []clv.Customer) dataframe.DataFrame {
	ids := make([]string, len(cs))
	f, r, t, m := make([]float64, len(cs)), make([]float64, len(cs)), make([]float64, len(cs)), make([]float64, len(cs))
	for i, c := range cs {
		ids[i], f[i], r[i], t[i], m[i] = c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue
	}
	return dataframe.New(
		series.New(ids, series.String, ColID),
		series.New(f, series.Float, ColFrequency),
		series.New(r, series.Float, ColRecency),
		series.New(t, series.Float, ColT),
		series.New(m, series.Float, ColMonetaryValue),
	)
}

// floatCol returns a numeric column as float64s, with an error naming the
// column, and the first row, that is missing, not numeric or NaN.
func floatCol(df dataframe.DataFrame, name string) ([]float64, error) {
	if err := df.Error(); err != nil {
		return nil, fmt.Errorf("segment/frame: %w", err)
	}
	found := false
	for _, n := range df.Names() {
		found = found || n == name
	}
	if !found {
		return nil, fmt.Errorf("%w: no column %q (the frame has %q)", ErrColumn, name, df.Names())
	}
	s := df.Col(name)
	switch s.Type() {
	case series.Float, series.Int:
	default:
		return nil, fmt.Errorf("%w: column %q is %s, want numbers", ErrColumn, name, s.Type())
	}
	v := s.Float()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: column %q, row %d: %v", ErrColumn, name, i, s.Elem(i))
		}
	}
	return v, nil
}

// ToCustomers reads customers from a frame, with column names mapped by
// cols. A missing, non-numeric or NaN column, or an inconsistent row, is an
// error naming the column or row.
func ToCustomers(df dataframe.DataFrame, cols Columns) ([]clv.Customer, error) {
	cols = cols.withDefaults()
	if df.Nrow() == 0 {
		return nil, fmt.Errorf("segment/frame: %w: empty frame", clv.ErrNoCustomers)
	}
	var ids []string
	for _, n := range df.Names() {
		if n == cols.ID {
			ids = df.Col(n).Records()
		}
	}
	if ids == nil {
		return nil, fmt.Errorf("%w: no column %q (the frame has %q)", ErrColumn, cols.ID, df.Names())
	}
	var vals [4][]float64
	for k, name := range []string{cols.Frequency, cols.Recency, cols.T, cols.MonetaryValue} {
		v, err := floatCol(df, name)
		if err != nil {
			return nil, err
		}
		vals[k] = v
	}
	cs := make([]clv.Customer, len(ids))
	for i := range cs {
		cs[i] = clv.Customer{ID: ids[i], Frequency: vals[0][i], Recency: vals[1][i], T: vals[2][i], MonetaryValue: vals[3][i]}
		if err := cs[i].Validate(); err != nil {
			return nil, fmt.Errorf("segment/frame: row %d: %w", i, err)
		}
	}
	return cs, nil
}

// withColumns returns df with the columns added (or replaced, by name),
// building the frame once: a chain of Mutate calls copies every column
// for each call.
func withColumns(df dataframe.DataFrame, add ...series.Series) (dataframe.DataFrame, error) {
	names := map[string]bool{}
	for _, s := range add {
		names[s.Name] = true
	}
	cols := make([]series.Series, 0, df.Ncol()+len(add))
	for _, n := range df.Names() {
		if !names[n] {
			cols = append(cols, df.Col(n))
		}
	}
	out := dataframe.New(append(cols, add...)...)
	return out, out.Error()
}
