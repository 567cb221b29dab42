package forecast

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// MaxDynamicCovariateRows bounds the rows of a file of time-varying
// covariates (a weekly row per customer for six years of 10⁴ customers is
// some 3·10⁶).
const MaxDynamicCovariateRows = 20_000_000

// A DynamicCovariateFile is a file of time-varying covariates as
// ReadDynamicCovariates read it: rows of (customer id or "*", date,
// covariates...), each giving the customer's — or, with "*", every
// customer's — covariates from its date on, until the customer's (or the
// shared) next row. A customer's own row may leave a value empty: it is
// then the shared rows' value in force at that time. Before a customer's
// first own row, the shared rows hold.
type DynamicCovariateFile struct {
	Name  string   // the file's name, for errors
	Names []string // the covariate columns, in the order of the vectors
	// Rows counts the rows read, Customers the customers with own rows,
	// Shared the rows with id "*".
	Rows, Customers, Shared int

	shared []dynLine
	byID   map[string][]dynLine
}

// dynLine is one row: from at on, the vector z (NaN: the shared value).
type dynLine struct {
	at   time.Time
	line int
	z    []float64
}

// ReadDynamicCovariates reads a file of time-varying covariates: a header,
// then rows of the customer id (the column named like the log's id
// column, opts.ID, else the first), a date (the column named opts.Time,
// else the second; in opts.Layouts or clv.DefaultLayouts, in
// opts.Location) and numbers (with opts.Delimiter and DecimalComma). "*"
// as the id makes a row every customer's. A customer (or "*") has at most
// one row per date. Errors wrap clv.ErrInvalidCovariates and name the
// file's line and column: a field that is not a number or a date, a
// missing value in a shared row, a repeated date, a wrong number of
// fields.
func ReadDynamicCovariates(r io.Reader, name string, opts clv.CSVOptions) (*DynamicCovariateFile, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", clv.ErrInvalidCovariates, name, fmt.Sprintf(format, args...))
	}
	delim := opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	layouts := opts.Layouts
	if layouts == nil {
		layouts = clv.DefaultLayouts
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	lastLayout := 0
	parseDate := func(s string) (time.Time, bool) {
		for k := range layouts {
			l := layouts[(lastLayout+k)%len(layouts)]
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				lastLayout = (lastLayout + k) % len(layouts)
				return t, true
			}
		}
		return time.Time{}, false
	}
	num := func(s string) (float64, bool) {
		if opts.DecimalComma {
			if strings.Contains(s, ",") {
				s = strings.ReplaceAll(s, ".", "")
			}
			s = strings.Replace(s, ",", ".", 1)
		}
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxCovariateLine)
	f := &DynamicCovariateFile{Name: name, byID: map[string][]dynLine{}}
	var header []string
	idCol, dateCol := 0, 1
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		rec, err := splitFields(text, delim)
		if err != nil {
			return nil, bad("line %d: %v", line, err)
		}
		if header == nil {
			header = rec
			if len(header) < 3 {
				return nil, bad("line %d: a header with the customer id, the date and at least one covariate column, got %q", line, text)
			}
			idSet, dateSet := false, false
			for j, h := range header {
				if h == "" {
					return nil, bad("line %d, column %d: empty column name", line, j+1)
				}
				if slices.Index(header, h) != j {
					return nil, bad("line %d, column %d: column %q is repeated", line, j+1, h)
				}
				if h == opts.ID && !idSet {
					idCol, idSet = j, true
				}
				if h == opts.Time && !dateSet {
					dateCol, dateSet = j, true
				}
			}
			if idCol == dateCol {
				if !dateSet {
					dateCol = 0
					if idCol == 0 {
						dateCol = 1
					}
				} else {
					return nil, bad("line %d: the id and the date are the same column %q", line, header[idCol])
				}
			}
			for j, h := range header {
				if j != idCol && j != dateCol {
					f.Names = append(f.Names, h)
				}
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, bad("line %d: %d fields, the header has %d", line, len(rec), len(header))
		}
		if f.Rows++; f.Rows > MaxDynamicCovariateRows {
			return nil, bad("line %d: more than %d rows", line, MaxDynamicCovariateRows)
		}
		id := rec[idCol]
		if id == "" {
			return nil, bad("line %d, column %q: empty customer id", line, header[idCol])
		}
		at, ok := parseDate(rec[dateCol])
		if !ok {
			return nil, bad("line %d, column %q: %q is not a date in the layouts %q", line, header[dateCol], rec[dateCol], layouts)
		}
		dl := dynLine{at: at, line: line, z: make([]float64, 0, len(f.Names))}
		for j, v := range rec {
			if j == idCol || j == dateCol {
				continue
			}
			if v == "" {
				if id == "*" {
					return nil, bad("line %d, column %q: empty value in a row of every customer (\"*\")", line, header[j])
				}
				dl.z = append(dl.z, math.NaN())
				continue
			}
			x, ok := num(v)
			if !ok {
				return nil, bad("line %d, column %q: %q is not a number", line, header[j], v)
			}
			dl.z = append(dl.z, x)
		}
		if id == "*" {
			f.shared = append(f.shared, dl)
			f.Shared++
		} else {
			f.byID[id] = append(f.byID[id], dl)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad("line %d: longer than %d bytes", line+1, maxCovariateLine)
		}
		return nil, bad("%v", err)
	}
	if header == nil || f.Rows == 0 {
		return nil, bad("empty file: want a header and rows of (id or *, date, covariates)")
	}
	sortLines := func(ls []dynLine, who string) error {
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].at.Before(ls[j].at) })
		for k := 1; k < len(ls); k++ {
			if ls[k].at.Equal(ls[k-1].at) {
				a, b := min(ls[k].line, ls[k-1].line), max(ls[k].line, ls[k-1].line)
				return bad("line %d, column %q: %s again on %s (first on line %d)", b, header[dateCol], who, ls[k].at.Format(time.DateOnly), a)
			}
		}
		return nil
	}
	if err := sortLines(f.shared, "every customer (\"*\")"); err != nil {
		return nil, err
	}
	for id, ls := range f.byID {
		if err := sortLines(ls, fmt.Sprintf("customer %q", id)); err != nil {
			return nil, err
		}
	}
	f.Customers = len(f.byID)
	return f, nil
}

// splitFields splits a line at delim (a space: runs of blanks), with
// quoted fields, and trims the fields.
func splitFields(s string, delim rune) ([]string, error) {
	if delim == ' ' {
		return strings.Fields(s), nil
	}
	if !strings.ContainsRune(s, '"') {
		rec := strings.Split(s, string(delim))
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		return rec, nil
	}
	cr := csv.NewReader(strings.NewReader(s))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec, err
}

// Path returns the covariate path of customer id, whose first purchase
// was at first, with times in units of unit since first (the convention
// of clv.SummaryOptions.Unit: (t − first)/unit), from the covariates in
// force at the first purchase on. Its error wraps clv.ErrInvalidCovariates:
// no row in force at the first purchase (the file starts later), or an
// empty value of the customer's row without a shared row in force, naming
// the line.
func (f *DynamicCovariateFile) Path(id string, first time.Time, unit time.Duration) (clv.CovariatePath, error) {
	if unit <= 0 {
		return clv.CovariatePath{}, fmt.Errorf("%w: %s: time unit %v, want > 0", clv.ErrInvalidCovariates, f.Name, unit)
	}
	own := f.byID[id]
	sh := f.shared
	// The change times: the last row of each list at or before first, and
	// all rows after.
	from := func(ls []dynLine) int {
		k := sort.Search(len(ls), func(k int) bool { return ls[k].at.After(first) }) - 1
		return max(k, 0)
	}
	var times []time.Time
	for _, ls := range [][]dynLine{own, sh} {
		for _, l := range ls[min(from(ls), len(ls)):] {
			times = append(times, l.at)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	times = slices.CompactFunc(times, func(a, b time.Time) bool { return a.Equal(b) })
	inForce := func(ls []dynLine, t time.Time) *dynLine {
		k := sort.Search(len(ls), func(k int) bool { return ls[k].at.After(t) }) - 1
		if k < 0 {
			return nil
		}
		return &ls[k]
	}
	var p clv.CovariatePath
	K := len(f.Names)
	for _, t := range times {
		if t.Before(first) && len(times) > 0 && !t.Equal(times[0]) {
			continue
		}
		if t.Before(first) {
			// The earliest change time is before the first purchase:
			// the vector in force at the first purchase.
			t = first
		}
		o, s := inForce(own, t), inForce(sh, t)
		if o == nil && s == nil {
			continue
		}
		z := make([]float64, K)
		for j := range z {
			switch {
			case o != nil && !math.IsNaN(o.z[j]):
				z[j] = o.z[j]
			case s != nil:
				z[j] = s.z[j]
			default:
				return clv.CovariatePath{}, fmt.Errorf("%w: %s: line %d, column %q: empty value for customer %q, and no row of every customer (\"*\") in force on %s",
					clv.ErrInvalidCovariates, f.Name, o.line, f.Names[j], id, t.Format(time.DateOnly))
			}
		}
		st := float64(t.Sub(first)) / float64(unit)
		if n := len(p.Values); n > 0 && slices.Equal(p.Values[n-1], z) {
			continue
		}
		p.Start = append(p.Start, st)
		p.Values = append(p.Values, z)
	}
	if len(p.Start) == 0 || p.Start[0] > 0 {
		start := "no rows"
		if len(p.Start) > 0 {
			start = "rows from " + first.Add(time.Duration(p.Start[0]*float64(unit))).Format(time.DateOnly)
		}
		return clv.CovariatePath{}, fmt.Errorf("%w: %s: customer %q has no covariates at the first purchase on %s (%s)",
			clv.ErrInvalidCovariates, f.Name, id, first.Format(time.DateOnly), start)
	}
	return p, nil
}

// Covariates returns the time-varying covariates of the customers cs for
// paretonbd.FitDynamic: purchases[i] are the times of cs[i]'s purchases,
// the first included, one per purchase as the summary counts them
// (Frequency + 1 of them, ascending), and unit the summary's time unit.
// Errors name the customer.
func (f *DynamicCovariateFile) Covariates(cs []clv.Customer, purchases [][]time.Time, unit time.Duration) (clv.DynamicCovariates, error) {
	if len(purchases) != len(cs) {
		return clv.DynamicCovariates{}, fmt.Errorf("%w: %s: purchase times of %d customers for %d", clv.ErrInvalidCovariates, f.Name, len(purchases), len(cs))
	}
	z := clv.DynamicCovariates{Names: slices.Clone(f.Names), Paths: make([]clv.CovariatePath, len(cs)), Purchases: make([][]float64, len(cs))}
	for i, c := range cs {
		ts := purchases[i]
		if float64(len(ts)) != c.Frequency+1 {
			return clv.DynamicCovariates{}, fmt.Errorf("%w: %s: customer %q: %d purchase times for frequency %v", clv.ErrInvalidCovariates, f.Name, c.ID, len(ts), c.Frequency)
		}
		p, err := f.Path(c.ID, ts[0], unit)
		if err != nil {
			return clv.DynamicCovariates{}, err
		}
		z.Paths[i] = p
		if len(ts) > 1 {
			z.Purchases[i] = make([]float64, len(ts)-1)
			for k, t := range ts[1:] {
				z.Purchases[i][k] = float64(t.Sub(ts[0])) / float64(unit)
			}
		}
	}
	if err := z.Check(cs); err != nil {
		return clv.DynamicCovariates{}, fmt.Errorf("%s: %w", f.Name, err)
	}
	return z, nil
}
