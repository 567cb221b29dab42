package forecast

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/ingest"
)

// MaxLevels bounds the levels of a categorical column of the covariates
// file (Config.Covariates): each level but the reference is a covariate,
// with two coefficients to fit.
const MaxLevels = 50

// MaxCovariates bounds the covariates the models get from the file (its
// numeric columns and indicators): each has two coefficients to fit, and
// the fit's cost grows with their square.
const MaxCovariates = 64

// maxCovariateLine bounds a line of the covariates file.
const maxCovariateLine = 1 << 20

// CovariateColumn is one column of the covariates file as the job read
// it. A column whose values all parse as numbers is numeric and enters
// the models as its value; any other column is categorical and enters as
// one 0/1 indicator per level but the reference level (the most frequent
// level, ties to the first by name), named "column=level".
type CovariateColumn struct {
	Name        string
	Categorical bool
	// Levels are a categorical column's levels, the reference first, then
	// by name; Reference is Levels[0]. Empty for a numeric column.
	Levels    []string
	Reference string
	// Binary says a numeric column holds only 0 and 1.
	Binary bool
}

// Covariates is what Run read from Config.Covariates and what the
// covariate models made of it (Result.Covariates).
type Covariates struct {
	Name    string            // Config.CovariatesName
	Columns []CovariateColumn // the file's columns but the id
	// IDColumn is the header of the file's id column: the one named like
	// the log's id column (CSV.ID), else the first.
	IDColumn string
	// Names are the covariates the models use, in the order of each
	// customer's vector z: numeric columns by name, indicators as
	// "column=level".
	Names []string
	// Rows counts the file's usable rows, NotInLog those whose customer is
	// not in the log (read, unused), and SkippedLines the lines skipped as
	// unusable (with CSV.SkipInvalid; FirstSkipped says why, for the first
	// few).
	Rows, NotInLog, SkippedLines int
	FirstSkipped                 []string
	// Missing counts the customers of the log without a usable row (only
	// with CSV.SkipInvalid; otherwise such a customer is an error). They
	// are fitted and scored with the mean profile Mean: each covariate at
	// its mean over the customers with a row (an indicator at its level's
	// share), so that they count as an average customer rather than as
	// one of the reference level.
	Missing int
	Mean    []float64
	// Effects are the effects of the covariates in the covariate model
	// EffectsModel (the chosen one if it has covariates, else the best of
	// them by the comparison's criterion), each with its likelihood-ratio
	// test (one refit per effect), at the 95% level; EffectsUsed says
	// whether that model makes the forecasts. Empty when no covariate
	// model was fitted.
	Effects      []clv.CovariateEffect
	EffectsModel string
	EffectsUsed  bool
	// Spend is the Gamma-Gamma model with the covariates on the scale of
	// spend (gammagamma.FitCovariates, named SpendModelName), which values
	// the purchases of a run with amounts; nil without amounts, or if its
	// fit failed (SpendNote says why; the model without covariates values
	// them then). SpendEffects are its effects on the mean spend per
	// purchase with their likelihood-ratio tests, at the 95% level;
	// SpendLR and SpendP the joint likelihood-ratio test of all of them
	// against the model without covariates (χ² with a degree of freedom
	// per covariate; NaN if that model's fit is at a boundary).
	Spend        *gammagamma.CovModel
	SpendEffects []clv.CovariateEffect
	SpendLR      float64
	SpendP       float64
	SpendNote    string
	// Profiles are the values of a new customer per covariate profile
	// (ProfileValue), from the purchase model with covariates of
	// ProfilesModel (the chosen one if it has covariates, else
	// EffectsModel, else the chosen model for every profile) and the
	// spend model with covariates; empty when no purchase model fits.
	Profiles      []ProfileValue
	ProfilesModel string

	tab      *covTable
	purchase *covPurchase // the model of the effects, nil if none
}

// covTable is the covariates of the log's customers, by customer id.
type covTable struct {
	info  *Covariates
	slot  map[string]int32 // customer id -> profile
	profs [][]float64      // the distinct vectors; the mean profile last
}

// meanSlot is the profile of a customer without a row.
func (t *covTable) meanSlot() int32 { return int32(len(t.profs) - 1) }

// slotOf returns the profile of a customer.
func (t *covTable) slotOf(id string) int32 {
	if s, ok := t.slot[id]; ok {
		return s
	}
	return t.meanSlot()
}

// of returns the covariates of the customers cs, parallel to them.
func (t *covTable) of(cs []clv.Customer) clv.Covariates {
	z := clv.Covariates{Names: t.info.Names, Values: make([][]float64, len(cs))}
	for i, c := range cs {
		z.Values[i] = t.profs[t.slotOf(c.ID)]
	}
	return z
}

// covLine is one usable row of the covariates file.
type covLine struct {
	line   int
	id     string
	fields []string
}

// readCovariates reads the covariates file r for the log's customers cs:
// a header, then one row per customer (the id in the column named like
// the log's id column, else the first), the delimiter and decimal comma
// of the log's options. Errors wrap clv.ErrInvalidCovariates and name
// the file's line and column.
func readCovariates(r io.Reader, name string, opts csvio.Options, cs []clv.Customer) (*covTable, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", clv.ErrInvalidCovariates, name, fmt.Sprintf(format, args...))
	}
	delim := opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	split := func(s string) ([]string, error) { return splitFields(s, delim) }
	sc := bufio.NewScanner(ingest.SkipBOM(r))
	sc.Buffer(make([]byte, 0, 64<<10), maxCovariateLine)
	info := &Covariates{Name: name}
	skip := func(err error) error {
		if !opts.SkipInvalid {
			return err
		}
		info.SkippedLines++
		if len(info.FirstSkipped) < 5 {
			info.FirstSkipped = append(info.FirstSkipped, err.Error())
		}
		return nil
	}
	var header []string
	idCol := 0
	var rows []covLine
	firstLine := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		rec, err := split(text)
		if err != nil {
			if err := skip(bad("line %d: %v", line, err)); err != nil {
				return nil, err
			}
			continue
		}
		if header == nil {
			header = rec
			if len(header) < 2 {
				return nil, bad("line %d: a header with the customer id and at least one covariate column, got %q", line, text)
			}
			seen := map[string]bool{}
			for j, h := range header {
				if h == "" {
					return nil, bad("line %d, column %d: empty column name", line, j+1)
				}
				if seen[h] {
					return nil, bad("line %d, column %d: column %q is repeated", line, j+1, h)
				}
				seen[h] = true
				if h == opts.ID {
					idCol = j
				}
			}
			continue
		}
		if len(rec) != len(header) {
			if err := skip(bad("line %d: %d fields, the header has %d", line, len(rec), len(header))); err != nil {
				return nil, err
			}
			continue
		}
		var miss error
		for j, v := range rec {
			if v == "" {
				miss = bad("line %d, column %q: empty value", line, header[j])
				break
			}
		}
		if miss != nil {
			if err := skip(miss); err != nil {
				return nil, err
			}
			continue
		}
		id := rec[idCol]
		if l, ok := firstLine[id]; ok {
			if err := skip(bad("line %d, column %q: customer %q again (first on line %d)", line, header[idCol], id, l)); err != nil {
				return nil, err
			}
			continue
		}
		firstLine[id] = line
		fields := slices.Delete(slices.Clone(rec), idCol, idCol+1)
		rows = append(rows, covLine{line: line, id: id, fields: fields})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad("line %d: longer than %d bytes", line+1, maxCovariateLine)
		}
		return nil, bad("%v", err)
	}
	if header == nil {
		return nil, bad("empty file: want a header and one row per customer")
	}
	cols := slices.Delete(slices.Clone(header), idCol, idCol+1)
	info.IDColumn = header[idCol]
	info.Rows = len(rows)
	inLog := make(map[string]bool, len(cs))
	for _, c := range cs {
		inLog[c.ID] = true
	}
	// Only the rows of the log's customers count: the levels, the means and
	// the reference are theirs.
	kept := rows[:0:0]
	for _, r := range rows {
		if inLog[r.id] {
			kept = append(kept, r)
		} else {
			info.NotInLog++
		}
	}
	if len(kept) == 0 {
		return nil, bad("no row for any of the log's %d customers (the id column is %q)", len(cs), header[idCol])
	}
	var missing []string
	for _, c := range cs {
		if _, ok := firstLine[c.ID]; !ok {
			missing = append(missing, c.ID)
		}
	}
	if len(missing) > 0 && !opts.SkipInvalid {
		return nil, bad("%d of the log's customers have no usable row, e.g. customer %q (with SkipInvalid they are fitted and scored with the mean profile)", len(missing), missing[0])
	}
	info.Missing = len(missing)

	// Column types, levels, and each row's vector.
	num := func(s string) (float64, bool) { return covNumber(s, opts.DecimalComma) }
	type colEnc struct {
		numeric bool
		index   map[string]int // level -> indicator (−1: the reference)
		first   int            // first covariate of the column
	}
	encs := make([]colEnc, len(cols))
	for j, name := range cols {
		col := CovariateColumn{Name: name}
		numeric, binary := true, true
		counts := map[string]int{}
		for _, r := range kept {
			v := r.fields[j]
			counts[v]++
			if x, ok := num(v); !ok {
				numeric = false
			} else if x != 0 && x != 1 {
				binary = false
			}
		}
		enc := colEnc{numeric: numeric, first: len(info.Names)}
		if numeric {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, r := range kept {
				x, _ := num(r.fields[j])
				lo, hi = min(lo, x), max(hi, x)
			}
			if lo == hi {
				return nil, bad("column %q: every customer of the log has %v: a constant tells the models nothing", name, lo)
			}
			col.Binary = binary
			info.Names = append(info.Names, name)
		} else {
			levels := make([]string, 0, len(counts))
			for l := range counts {
				levels = append(levels, l)
			}
			if len(levels) < 2 {
				return nil, bad("column %q: every customer of the log has %q: a constant tells the models nothing", name, levels[0])
			}
			if len(levels) > MaxLevels {
				return nil, bad("column %q: %d levels, want at most %d (a categorical column needs few levels; is it an id or a number written with text?)", name, len(levels), MaxLevels)
			}
			sort.Strings(levels)
			ref := levels[0]
			for _, l := range levels {
				if counts[l] > counts[ref] {
					ref = l
				}
			}
			col.Categorical, col.Reference = true, ref
			col.Levels = append([]string{ref}, slices.DeleteFunc(levels, func(l string) bool { return l == ref })...)
			enc.index = map[string]int{ref: -1}
			for k, l := range col.Levels[1:] {
				enc.index[l] = k
				info.Names = append(info.Names, name+"="+l)
			}
		}
		info.Columns = append(info.Columns, col)
		encs[j] = enc
	}
	k := len(info.Names)
	for q, n := range info.Names {
		if slices.Contains(info.Names[:q], n) {
			return nil, bad("covariate %q twice: a column's name is also a categorical column's indicator (column=level); rename one", n)
		}
	}
	if k > MaxCovariates {
		return nil, bad("%d covariates (numeric columns and indicators of levels), want at most %d", k, MaxCovariates)
	}
	vals := make([][]float64, len(kept))
	info.Mean = make([]float64, k)
	for i, r := range kept {
		z := make([]float64, k)
		for j, e := range encs {
			if e.numeric {
				z[e.first], _ = num(r.fields[j])
			} else if ix := e.index[r.fields[j]]; ix >= 0 {
				z[e.first+ix] = 1
			}
		}
		for q, v := range z {
			info.Mean[q] += v / float64(len(kept))
		}
		vals[i] = z
	}
	slot, vecs := cov.Index(clv.Covariates{Names: info.Names, Values: vals})
	t := &covTable{info: info, slot: make(map[string]int32, len(kept)), profs: append(vecs, info.Mean)}
	info.tab = t
	for i, r := range kept {
		t.slot[r.id] = slot[i]
	}
	return t, nil
}

// covNumber reads a value of the covariates file as a number, as the job
// does: with decimalComma, "1.234,5" is 1234.5 (dots group thousands
// when there is a comma); a value that is not a finite number is not one.
func covNumber(s string, decimalComma bool) (float64, bool) {
	if decimalComma {
		if strings.Contains(s, ",") {
			s = strings.ReplaceAll(s, ".", "")
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}
