package forecast

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/ingest"
	"github.com/clvkit/clvkit/paretonbd"
)

// Scoring with static covariates. A run with Config.Covariates whose
// chosen purchase model has covariates (CovariateModelNames), or whose
// purchases the spend model with covariates values (SpendModelName),
// predicts each customer from the customer's covariate vector z too.
// model.json records how the job made z of the covariates file's row
// (its "covariates" object: the columns, a categorical column's levels
// and reference, the id column, the delimiter and the decimal comma), and
// LoadModels returns a Scorer whose Covariates encodes a customer's raw
// values the same way:
//
//	z, err := sc.Covariates.Encode(map[string]string{"Channel": "online", "Age": "0.5"})
//	fcs, err := sc.ScoreCovariates(ctx, []clv.Customer{c}, [][]float64{z})
//
// A numeric column's value is read as the job read the file (with the
// run's decimal comma); a categorical column's value is one of the levels
// the run saw, the reference level giving all of the column's indicators
// 0. A customer's forecast is then the job's row of forecast.csv for a
// customer with the same summary and the same row of the covariates file.

// CovariateEncoding is how the job turned a row of the covariates file
// into a customer's covariate vector (model.json's "covariates"): each
// numeric column its value, each categorical column a 0/1 indicator per
// level but the reference (CovariateColumn). LoadModels makes one (the
// zero value encodes nothing). It is immutable and safe for concurrent
// use.
type CovariateEncoding struct {
	// Columns are the file's columns but the id, in the file's order;
	// Names the covariates, in the order of z (numeric columns by name,
	// indicators as "column=level"); Mean the mean profile, with which
	// the job fitted and scored the customers of the log without a row.
	Columns []CovariateColumn
	Names   []string
	Mean    []float64
	// IDColumn, Delimiter and DecimalComma are how the job read the file
	// (CovariateEncoding.ReadTable reads one so): the id column's header
	// ("" in a model.json written before it recorded it: the first
	// column), the field delimiter (',' if not recorded), the decimal
	// comma of numbers.
	IDColumn     string
	Delimiter    rune
	DecimalComma bool

	column map[string]int   // column name -> index in Columns
	first  []int            // first covariate of each column
	level  []map[string]int // per categorical column: level -> indicator (−1: the reference)
}

// CovariateError is the error of a customer's covariate values that
// CovariateEncoding.Encode cannot encode: a column missing (Missing lists
// every one), a column the run did not have, a level of a categorical
// column the run did not see, a numeric column's value that is not a
// number, an empty value. It wraps clv.ErrInvalidCovariates.
type CovariateError struct {
	// Column is the column the error is about (the first missing one for
	// a row without some); Value its value as given ("" for a missing
	// column).
	Column, Value string
	Missing       []string
	// Reason says what is wrong, e.g. `unknown level "fax": the run's
	// levels are shop (the reference), online, phone`.
	Reason string
}

func (e *CovariateError) Error() string {
	return fmt.Sprintf("%v: %s", clv.ErrInvalidCovariates, e.text())
}

// text is the message without the sentinel's.
func (e *CovariateError) text() string { return fmt.Sprintf("column %q: %s", e.Column, e.Reason) }

// Unwrap returns clv.ErrInvalidCovariates.
func (e *CovariateError) Unwrap() error { return clv.ErrInvalidCovariates }

// maxShownLevels bounds the levels an error lists.
const maxShownLevels = 12

// Encode returns the covariate vector of a customer whose row of the
// covariates file has the values row (column name -> value, the id column
// left out), as the job encoded the file's rows: each value trimmed of
// spaces; a numeric column's value a finite number (read with
// DecimalComma as the job read it); a categorical column's value one of
// its Levels. Every column must be given, and no other. The error, a
// *CovariateError, names the column and the value.
func (e *CovariateEncoding) Encode(row map[string]string) ([]float64, error) {
	if e == nil || e.column == nil {
		return nil, fmt.Errorf("%w: no covariate encoding (a model without covariates)", clv.ErrInvalidCovariates)
	}
	var unknown []string
	for name := range row {
		if _, ok := e.column[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &CovariateError{Column: unknown[0], Value: row[unknown[0]],
			Reason: fmt.Sprintf("not a column of the run's covariates (%s)", strings.Join(e.columnNames(), ", "))}
	}
	var missing []string
	for _, c := range e.Columns {
		if _, ok := row[c.Name]; !ok {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return nil, &CovariateError{Column: missing[0], Missing: missing,
			Reason: fmt.Sprintf("missing: the model needs the columns %s (missing: %s)", strings.Join(e.columnNames(), ", "), strings.Join(missing, ", "))}
	}
	z := make([]float64, len(e.Names))
	for j := range e.Columns {
		if err := e.set(z, j, row[e.Columns[j].Name]); err != nil {
			return nil, err
		}
	}
	return z, nil
}

// set encodes the value v of column j into z.
func (e *CovariateEncoding) set(z []float64, j int, v string) error {
	c := &e.Columns[j]
	raw := v
	v = strings.TrimSpace(v)
	if v == "" {
		return &CovariateError{Column: c.Name, Value: raw, Reason: "empty value"}
	}
	if !c.Categorical {
		x, ok := covNumber(v, e.DecimalComma)
		if !ok {
			return &CovariateError{Column: c.Name, Value: raw, Reason: fmt.Sprintf("%s is not a number (a numeric column)", quoteShort(v))}
		}
		z[e.first[j]] = x
		return nil
	}
	k, ok := e.level[j][v]
	if !ok {
		return &CovariateError{Column: c.Name, Value: raw, Reason: fmt.Sprintf("unknown level %s: the run's levels are %s", quoteShort(v), levelList(c))}
	}
	if k >= 0 {
		z[e.first[j]+k] = 1
	}
	return nil
}

// quoteShort quotes s, cut to 64 bytes.
func quoteShort(s string) string {
	if len(s) > 64 {
		n := 64
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		return strconv.Quote(s[:n]) + "…"
	}
	return strconv.Quote(s)
}

// levelList lists a categorical column's levels, the reference first.
func levelList(c *CovariateColumn) string {
	ls := c.Levels
	more := ""
	if len(ls) > maxShownLevels {
		ls, more = ls[:maxShownLevels], fmt.Sprintf(" and %d more", len(c.Levels)-maxShownLevels)
	}
	return ls[0] + " (the reference), " + strings.Join(ls[1:], ", ") + more
}

// columnNames returns the columns' names.
func (e *CovariateEncoding) columnNames() []string {
	out := make([]string, len(e.Columns))
	for j, c := range e.Columns {
		out[j] = c.Name
	}
	return out
}

// covariatesFile is the part of model.json's "covariates" LoadModels reads.
type covariatesFile struct {
	Columns []struct {
		Name        string   `json:"name"`
		Categorical bool     `json:"categorical"`
		Binary      bool     `json:"binary"`
		Levels      []string `json:"levels"`
		Reference   string   `json:"reference"`
	} `json:"columns"`
	Covariates   []string  `json:"covariates"`
	Mean         []float64 `json:"mean_profile"`
	IDColumn     string    `json:"id_column"`
	Delimiter    *string   `json:"delimiter"`
	DecimalComma bool      `json:"decimal_comma"`
	Spend        *struct {
		Used bool            `json:"used_for_forecasts"`
		Fit  json.RawMessage `json:"fit"`
	} `json:"spend"`
}

// newCovariateEncoding checks model.json's "covariates" and returns its
// encoding: the covariates it lists are the columns' (in order, each
// categorical column's indicators those of its levels but the
// reference, Levels[0]).
func newCovariateEncoding(f *covariatesFile) (*CovariateEncoding, error) {
	e := &CovariateEncoding{IDColumn: f.IDColumn, Delimiter: ',', DecimalComma: f.DecimalComma, Mean: f.Mean,
		column: map[string]int{}}
	if d := f.Delimiter; d != nil {
		r, n := utf8.DecodeRuneInString(*d)
		if n == 0 || n != len(*d) || r == utf8.RuneError || r == '"' || r == '\n' || r == '\r' {
			return nil, fmt.Errorf("delimiter %q: want one character", *d)
		}
		e.Delimiter = r
	}
	if len(f.Columns) == 0 {
		return nil, errors.New("no columns")
	}
	for j, fc := range f.Columns {
		c := CovariateColumn{Name: fc.Name, Categorical: fc.Categorical, Binary: fc.Binary}
		switch _, dup := e.column[c.Name]; {
		case c.Name == "":
			return nil, fmt.Errorf("columns[%d]: no name", j)
		case dup:
			return nil, fmt.Errorf("columns[%d]: %q twice", j, c.Name)
		}
		e.column[c.Name] = j
		e.first = append(e.first, len(e.Names))
		var idx map[string]int
		if c.Categorical {
			if len(fc.Levels) < 2 || len(fc.Levels) > MaxLevels || fc.Reference != fc.Levels[0] {
				return nil, fmt.Errorf("column %q: %d levels, reference %q: want 2 to %d levels, the reference first", c.Name, len(fc.Levels), fc.Reference, MaxLevels)
			}
			c.Levels, c.Reference = slices.Clone(fc.Levels), fc.Reference
			idx = map[string]int{}
			for k, l := range c.Levels {
				if _, dup := idx[l]; dup || l == "" || l != strings.TrimSpace(l) {
					return nil, fmt.Errorf("column %q: level %q empty, padded or twice", c.Name, l)
				}
				idx[l] = k - 1
				if k > 0 {
					e.Names = append(e.Names, c.Name+"="+l)
				}
			}
		} else {
			if len(fc.Levels) > 0 {
				return nil, fmt.Errorf("column %q: numeric with levels", c.Name)
			}
			e.Names = append(e.Names, c.Name)
		}
		e.Columns = append(e.Columns, c)
		e.level = append(e.level, idx)
		if len(e.Names) > MaxCovariates {
			return nil, fmt.Errorf("over %d covariates", MaxCovariates)
		}
	}
	if !slices.Equal(e.Names, f.Covariates) {
		return nil, fmt.Errorf("covariates %q are not the columns' %q", f.Covariates, e.Names)
	}
	if len(e.Mean) != len(e.Names) {
		return nil, fmt.Errorf("mean_profile: %d values for %d covariates", len(e.Mean), len(e.Names))
	}
	for q, v := range e.Mean {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("mean_profile[%d] = %v", q, v)
		}
	}
	e.Mean = slices.Clip(slices.Clone(e.Mean))
	return e, nil
}

// loadCovariates fills s's models with covariates from model.json's
// chosen purchase model (raw, of name) and "covariates" (c): the
// purchase model if name is one of CovariateModelNames, the spend model
// if the run valued purchases with it, and the encoding if either is.
func loadCovariates(s *Scorer, name string, raw, c json.RawMessage) error {
	withCov := slices.Contains(CovariateModelNames, name)
	var f covariatesFile
	if len(c) > 0 && !bytes.Equal(bytes.TrimSpace(c), []byte("null")) {
		if err := json.Unmarshal(c, &f); err != nil {
			return fmt.Errorf("%w: covariates: %w", ErrModelFile, err)
		}
	} else if withCov {
		return fmt.Errorf("%w: purchase model %s without \"covariates\" (how the job encoded the covariates file)", ErrModelFile, name)
	}
	spendCov := f.Spend != nil && f.Spend.Used
	if !withCov && !spendCov {
		return nil
	}
	enc, err := newCovariateEncoding(&f)
	if err != nil {
		return fmt.Errorf("%w: covariates: %w", ErrModelFile, err)
	}
	s.Covariates = enc
	if withCov {
		var names []string
		switch name {
		case "paretonbd-cov":
			m := new(paretonbd.CovModel)
			if err := json.Unmarshal(raw, m); err != nil {
				return fmt.Errorf("%w: purchase_models.%s: %w", ErrModelFile, name, err)
			}
			names = m.Params().Names
			s.CovPurchase, s.purchaseAt = m, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }
		case "ggompertz-cov":
			m := new(ggompertz.CovModel)
			if err := json.Unmarshal(raw, m); err != nil {
				return fmt.Errorf("%w: purchase_models.%s: %w", ErrModelFile, name, err)
			}
			names = m.Params().Names
			s.CovPurchase, s.purchaseAt = m, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }
		default: // bgnbd-cov, mbgnbd-cov
			m := new(bgnbd.CovModel)
			if err := json.Unmarshal(raw, m); err != nil {
				return fmt.Errorf("%w: purchase_models.%s: %w", ErrModelFile, name, err)
			}
			if v := m.Variant().String() + "-cov"; v != name {
				return fmt.Errorf("%w: purchase_models.%s: holds a %s model", ErrModelFile, name, v)
			}
			names = m.Params().Names
			s.CovPurchase, s.purchaseAt = m, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }
		}
		if !slices.Equal(names, enc.Names) {
			return fmt.Errorf("%w: purchase_models.%s: covariates %q, the file's %q", ErrModelFile, name, names, enc.Names)
		}
	}
	if spendCov {
		m := new(gammagamma.CovModel)
		if err := json.Unmarshal(f.Spend.Fit, m); err != nil {
			return fmt.Errorf("%w: covariates.spend.fit: %w", ErrModelFile, err)
		}
		if n := m.Params().Names; !slices.Equal(n, enc.Names) {
			return fmt.Errorf("%w: covariates.spend.fit: covariates %q, the file's %q", ErrModelFile, n, enc.Names)
		}
		s.CovSpend = m
	}
	return nil
}

// errNeedsCovariates is Score's and Answers' error for a Scorer with
// covariates.
func (s *Scorer) errNeedsCovariates() error {
	what := "the purchase model " + s.Name
	if s.CovPurchase == nil {
		what = "the spend model " + SpendModelName
	}
	return fmt.Errorf("%w: %s has covariates: score with ScoreCovariates (the covariates %s)", ErrNeedsCovariates, what, strings.Join(s.Covariates.Names, ", "))
}

// covModels returns the models of the customers cs with covariate vectors
// z, and cs with ids "0", "1", ...: the job's models with covariates over
// a table of z's distinct vectors, which find a customer's by id.
func (s *Scorer) covModels(cs []clv.Customer, z [][]float64, withSpend bool) ([]clv.Customer, PurchaseModel, clv.SpendModel, error) {
	if s == nil || s.Covariates == nil {
		return nil, nil, nil, fmt.Errorf("%w: a Scorer without covariates: score with Score", ErrModelFile)
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, nil, nil, err
	}
	names := s.Covariates.Names
	if len(z) != len(cs) {
		return nil, nil, nil, fmt.Errorf("%w: %d covariate vectors for %d customers", clv.ErrInvalidCovariates, len(z), len(cs))
	}
	for i, v := range z {
		if len(v) != len(names) {
			return nil, nil, nil, fmt.Errorf("%w: customers[%d]: %d covariates, want %d (%s)", clv.ErrInvalidCovariates, i, len(v), len(names), strings.Join(names, ", "))
		}
		for q, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, nil, fmt.Errorf("%w: customers[%d]: %s = %v", clv.ErrInvalidCovariates, i, names[q], x)
			}
		}
	}
	slot, vecs := cov.Index(clv.Covariates{Names: names, Values: z})
	t := &covTable{info: &Covariates{Names: names}, slot: make(map[string]int32, len(cs)), profs: vecs}
	ids := make([]clv.Customer, len(cs))
	firstOf := make([]int, len(vecs)) // a customer of each profile, for the errors
	for i := len(cs) - 1; i >= 0; i-- {
		ids[i] = cs[i]
		ids[i].ID = strconv.Itoa(i)
		t.slot[ids[i].ID] = slot[i]
		firstOf[slot[i]] = i
	}
	var pm PurchaseModel = s.Purchase
	if s.purchaseAt != nil {
		cp := &covPurchase{name: s.Name, fitted: s.CovPurchase.(covFitted), tab: t, models: make([]PurchaseModel, len(vecs)),
			weights: make([]float64, len(vecs))}
		for g, v := range vecs {
			m, err := s.purchaseAt(v)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%w: customers[%d]: no %s model at covariates %v: %w", clv.ErrInvalidCovariates, firstOf[g], s.Name, v, err)
			}
			cp.models[g] = m
		}
		for _, g := range slot {
			cp.weights[g]++
		}
		pm = cp
	}
	var sm clv.SpendModel = noSpend{}
	switch {
	case !withSpend:
	case s.CovSpend != nil:
		csp := covSpend{tab: t, models: make([]*gammagamma.Model, len(vecs))}
		for g, v := range vecs {
			m, err := s.CovSpend.Customer(v)
			if err == nil && !(m.Params().Q > 1) {
				err = fmt.Errorf("q = %.3g ≤ 1 (an infinite mean)", m.Params().Q)
			}
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%w: customers[%d]: no spend model at covariates %v: %w", clv.ErrInvalidCovariates, firstOf[g], v, err)
			}
			csp.models[g] = m
		}
		sm = csp
	case s.Spend != nil:
		sm = spend{s.Spend}
	}
	return ids, pm, sm, nil
}

// ScoreCovariates returns the forecasts of the customers cs whose
// covariate vectors are z (parallel to cs, each as Covariates.Encode
// returns it, or Covariates.Mean for the job's customers without a row):
// Score's numbers, each customer's from the purchase model and the spend
// model at the customer's covariates, as the job computes them for its
// customers. It is an error (wrapping clv.ErrInvalidCustomer or
// clv.ErrInvalidCovariates, naming the index) for an invalid customer, a
// vector of the wrong length or with a value that is not finite, or one
// at which the models' parameters are out of range; and for a Scorer
// without covariates (Covariates nil: use Score).
func (s *Scorer) ScoreCovariates(ctx context.Context, cs []clv.Customer, z [][]float64) ([]Forecast, error) {
	ids, pm, sm, err := s.covModels(cs, z, true)
	if err != nil {
		return nil, err
	}
	j := job{cfg: Config{Months: s.Months, Discount: s.Discount, Margin: s.Margin}, say: func(string, ...any) {}}
	return j.score(ctx, ids, nil, pm, sm, s.Horizon)
}

// AnswersCovariates returns the answers of the customers cs whose
// covariate vectors are z, as Answers does without covariates and
// ScoreCovariates takes them: the job's answer columns for its customers.
// Each customer's answers are those of the plain model at the
// customer's covariates (predict.OutlookProfiles), as in the job.
func (s *Scorer) AnswersCovariates(ctx context.Context, cs []clv.Customer, z [][]float64) ([]Answers, error) {
	ids, pm, _, err := s.covModels(cs, z, false)
	if err != nil {
		return nil, err
	}
	return s.answers(ctx, ids, pm)
}

// CovariateTable is the covariate vectors of the customers of a
// covariates file, by customer id (CovariateEncoding.ReadTable). It holds
// the ids concatenated in increasing order, a profile per customer and
// the distinct vectors, and finds an id by binary search (as Lookup
// does): some 8 bytes a customer and the id's, and 8 bytes a covariate
// per distinct vector. It is immutable and safe for concurrent use.
type CovariateTable struct {
	ids  []byte   // the ids, concatenated in increasing order
	off  []uint32 // customer k's id is ids[off[k]:off[k+1]]
	slot []int32  // customer k's vector is vals[slot[k]*dim:][:dim]
	vals []float64
	dim  int
}

// Len returns the number of customers.
func (t *CovariateTable) Len() int {
	if t == nil {
		return 0
	}
	return len(t.slot)
}

// Customer returns the covariate vector of customer id (shared: not to be
// modified), and whether the file has the customer.
func (t *CovariateTable) Customer(id string) ([]float64, bool) {
	if t == nil {
		return nil, false
	}
	k, ok := t.find(id)
	if !ok {
		return nil, false
	}
	g := int(t.slot[k]) * t.dim
	return t.vals[g : g+t.dim : g+t.dim], true
}

// find returns the index of id among the sorted ids, and whether it is
// there.
func (t *CovariateTable) find(id string) (int, bool) {
	lo, hi := 0, len(t.slot) // the first id ≥ id is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if string(t.ids[t.off[m]:t.off[m+1]]) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(t.slot) && string(t.ids[t.off[lo]:t.off[lo+1]]) == id
}

// sortTable returns the table of the customers in file order (ids, off,
// slot as CovariateTable's but unsorted; lines[k] the file's line of
// customer k) sorted by id, or the error dup returns for the later line
// of an id given twice.
func sortTable(ids []byte, off []uint32, slot []int32, vals []float64, dim int, lines []int32, dup func(line int, id string) error) (*CovariateTable, error) {
	n := len(slot)
	id := func(k int32) []byte { return ids[off[k]:off[k+1]] }
	perm := make([]int32, n)
	for k := range perm {
		perm[k] = int32(k)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		if c := bytes.Compare(id(a), id(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // file order: the later line second
	})
	t := &CovariateTable{ids: make([]byte, 0, len(ids)), off: make([]uint32, 0, n+1), slot: make([]int32, n), vals: vals, dim: dim}
	for i, k := range perm {
		if i > 0 && bytes.Equal(id(perm[i-1]), id(k)) {
			return nil, dup(int(lines[k]), string(id(k)))
		}
		t.off = append(t.off, uint32(len(t.ids)))
		t.ids = append(t.ids, id(k)...)
		t.slot[i] = slot[k]
	}
	t.off = append(t.off, uint32(len(t.ids)))
	return t, nil
}

// ReadTable reads a covariates file as the job read Config.Covariates
// (a header, then one row per customer; e's Delimiter, the id in the
// column IDColumn, else the first) and encodes each row with Encode. The
// file's columns but the id are e's, in any order; every row must encode
// (there is no skipping, as with CSV.SkipInvalid): the error wraps
// clv.ErrInvalidCovariates and names the line and the column. Customers
// of the job's log may be missing: the job scored those with the mean
// profile (Mean).
func (e *CovariateEncoding) ReadTable(r io.Reader, name string) (*CovariateTable, error) {
	if e == nil || e.column == nil {
		return nil, fmt.Errorf("%w: no covariate encoding (a model without covariates)", clv.ErrInvalidCovariates)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", clv.ErrInvalidCovariates, name, fmt.Sprintf(format, args...))
	}
	sc := bufio.NewScanner(ingest.SkipBOM(r))
	sc.Buffer(make([]byte, 0, 64<<10), maxCovariateLine)
	var header []string
	idCol := 0
	colOf := []int{} // file column -> e's column (−1: the id)
	// The customers in file order, sorted by id at the end (sortTable).
	var ids []byte
	var off []uint32
	var slot, lines []int32
	var vals []float64
	dim := len(e.Names)
	index := map[string]int32{}
	key := make([]byte, 0, 8*len(e.Names))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		rec, err := splitFields(text, e.Delimiter)
		if err != nil {
			return nil, bad("line %d: %v", line, err)
		}
		if header == nil {
			header = rec
			for j, h := range header {
				if h == e.IDColumn {
					idCol = j
				}
			}
			seen := map[string]bool{}
			for j, h := range header {
				if j == idCol {
					colOf = append(colOf, -1)
					continue
				}
				k, ok := e.column[h]
				if !ok || seen[h] {
					return nil, bad("line %d, column %d: %q is not a column of the model's covariates (%s), or is repeated", line, j+1, h, strings.Join(e.columnNames(), ", "))
				}
				seen[h] = true
				colOf = append(colOf, k)
			}
			if len(seen) != len(e.Columns) {
				var miss []string
				for _, c := range e.Columns {
					if !seen[c.Name] {
						miss = append(miss, c.Name)
					}
				}
				return nil, bad("line %d: no column %s of the model's covariates (the id column is %q)", line, strings.Join(miss, ", "), header[idCol])
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, bad("line %d: %d fields, the header has %d", line, len(rec), len(header))
		}
		id := rec[idCol]
		if len(ids)+len(id) > maxLookupIDs || len(slot) == math.MaxInt32 {
			return nil, bad("line %d: the ids take over %d bytes", line, maxLookupIDs)
		}
		z := make([]float64, len(e.Names))
		for j, v := range rec {
			if k := colOf[j]; k >= 0 {
				if err := e.set(z, k, v); err != nil {
					return nil, bad("line %d: %s", line, err.(*CovariateError).text())
				}
			}
		}
		key = key[:0]
		for _, x := range z {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(x+0))
		}
		g, ok := index[string(key)]
		if !ok {
			g = int32(len(index))
			index[string(key)] = g
			vals = append(vals, z...)
		}
		off = append(off, uint32(len(ids)))
		ids = append(ids, id...)
		slot, lines = append(slot, g), append(lines, int32(min(line, math.MaxInt32)))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad("line %d: longer than %d bytes", line+1, maxCovariateLine)
		}
		return nil, fmt.Errorf("%w: %s: line %d: %w", clv.ErrInvalidCovariates, name, line+1, err)
	}
	if header == nil {
		return nil, bad("empty file: want a header and one row per customer")
	}
	index = nil
	off = append(off, uint32(len(ids)))
	return sortTable(ids, off, slot, slices.Clone(vals), dim, lines, func(line int, id string) error {
		return bad("line %d, column %q: customer %q again", line, header[idCol], id)
	})
}
