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
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/ingest"
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
	// SkippedLines counts the lines skipped as unusable with
	// CSV.SkipInvalid (a field that is not a number or a date, an empty
	// id, a missing value in a shared row, a wrong number of fields, a
	// date repeated for the same customer: the later line); FirstSkipped
	// says why, for the first few.
	SkippedLines int
	FirstSkipped []string
	// Last is the latest date of the file's rows: from it on, each
	// customer's last values hold (carried forward).
	Last time.Time

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
// else the second; in opts.Layouts or csvio.DefaultLayouts, in
// opts.Location) and numbers (with opts.Delimiter and DecimalComma). "*"
// as the id makes a row every customer's. A customer (or "*") has at most
// one row per date. Errors wrap clv.ErrInvalidCovariates and name the
// file's line and column: a field that is not a number or a date, a
// missing value in a shared row, a repeated date, a wrong number of
// fields. With opts.SkipInvalid such a row (and the later row of a
// repeated date) is skipped and counted instead (SkippedLines); a malformed
// header is still an error.
func ReadDynamicCovariates(r io.Reader, name string, opts csvio.Options) (*DynamicCovariateFile, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", clv.ErrInvalidCovariates, name, fmt.Sprintf(format, args...))
	}
	delim := opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	layouts := opts.Layouts
	if layouts == nil {
		layouts = csvio.DefaultLayouts
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
	sc := bufio.NewScanner(ingest.SkipBOM(r))
	sc.Buffer(make([]byte, 0, 64<<10), maxCovariateLine)
	f := &DynamicCovariateFile{Name: name, byID: map[string][]dynLine{}}
	// skip counts a row's error with SkipInvalid (true: go on), else
	// returns false and the caller returns the error.
	skip := func(err error) bool {
		if !opts.SkipInvalid {
			return false
		}
		f.SkippedLines++
		if len(f.FirstSkipped) < 3 {
			f.FirstSkipped = append(f.FirstSkipped, strings.TrimPrefix(err.Error(), clv.ErrInvalidCovariates.Error()+": "+name+": "))
		}
		return true
	}
	// row parses a data row.
	row := func(rec, header []string, idCol, dateCol, line int) (dynLine, string, error) {
		id := rec[idCol]
		if id == "" {
			return dynLine{}, "", bad("line %d, column %q: empty customer id", line, header[idCol])
		}
		at, ok := parseDate(rec[dateCol])
		if !ok {
			return dynLine{}, "", bad("line %d, column %q: %q is not a date in the layouts %q", line, header[dateCol], rec[dateCol], layouts)
		}
		dl := dynLine{at: at, line: line, z: make([]float64, 0, len(f.Names))}
		for j, v := range rec {
			if j == idCol || j == dateCol {
				continue
			}
			if v == "" {
				if id == "*" {
					return dynLine{}, "", bad("line %d, column %q: empty value in a row of every customer (\"*\")", line, header[j])
				}
				dl.z = append(dl.z, math.NaN())
				continue
			}
			x, ok := num(v)
			if !ok {
				return dynLine{}, "", bad("line %d, column %q: %q is not a number", line, header[j], v)
			}
			dl.z = append(dl.z, x)
		}
		return dl, id, nil
	}
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
			if err := bad("line %d: %v", line, err); header == nil || !skip(err) {
				return nil, err
			}
			continue
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
			if err := bad("line %d: %d fields, the header has %d", line, len(rec), len(header)); !skip(err) {
				return nil, err
			}
			continue
		}
		if f.Rows++; f.Rows > MaxDynamicCovariateRows {
			return nil, bad("line %d: more than %d rows", line, MaxDynamicCovariateRows)
		}
		dl, id, err := row(rec, header, idCol, dateCol, line)
		if err != nil {
			if f.Rows--; !skip(err) {
				return nil, err
			}
			continue
		}
		if dl.at.After(f.Last) {
			f.Last = dl.at
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
		if f.SkippedLines > 0 {
			return nil, bad("no usable rows (%d lines skipped, e.g. %s)", f.SkippedLines, f.FirstSkipped[0])
		}
		return nil, bad("empty file: want a header and rows of (id or *, date, covariates)")
	}
	sortLines := func(ls []dynLine, who string) ([]dynLine, error) {
		sort.SliceStable(ls, func(i, j int) bool {
			if !ls[i].at.Equal(ls[j].at) {
				return ls[i].at.Before(ls[j].at)
			}
			return ls[i].line < ls[j].line
		})
		out := ls[:0]
		for k := range ls {
			if n := len(out); n > 0 && ls[k].at.Equal(out[n-1].at) {
				err := bad("line %d, column %q: %s again on %s (first on line %d)", ls[k].line, header[dateCol], who, ls[k].at.Format(time.DateOnly), out[n-1].line)
				if !skip(err) {
					return nil, err
				}
				f.Rows--
				continue
			}
			out = append(out, ls[k])
		}
		return out, nil
	}
	var err error
	if f.shared, err = sortLines(f.shared, "every customer (\"*\")"); err != nil {
		return nil, err
	}
	f.Shared = len(f.shared)
	ids := make([]string, 0, len(f.byID))
	for id := range f.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids) // the skipped lines in a repeatable order
	for _, id := range ids {
		if f.byID[id], err = sortLines(f.byID[id], fmt.Sprintf("customer %q", id)); err != nil {
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
	p, _, err := f.path(id, first, unit, false)
	return p, err
}

// path is Path; with backfill, a path whose rows start after the first
// purchase starts at it instead (the earliest values carried back), and
// the bool says so.
func (f *DynamicCovariateFile) path(id string, first time.Time, unit time.Duration, backfill bool) (clv.CovariatePath, bool, error) {
	if unit <= 0 {
		return clv.CovariatePath{}, false, fmt.Errorf("%w: %s: time unit %v, want > 0", clv.ErrInvalidCovariates, f.Name, unit)
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
				return clv.CovariatePath{}, false, fmt.Errorf("%w: %s: line %d, column %q: empty value for customer %q, and no row of every customer (\"*\") in force on %s",
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
	if backfill && len(p.Start) > 0 && p.Start[0] > 0 {
		p.Start[0] = 0
		return p, true, nil
	}
	if len(p.Start) == 0 || p.Start[0] > 0 {
		start := "no rows"
		if len(p.Start) > 0 {
			start = "rows from " + first.Add(time.Duration(p.Start[0]*float64(unit))).Format(time.DateOnly)
		}
		return clv.CovariatePath{}, false, fmt.Errorf("%w: %s: customer %q has no covariates at the first purchase on %s (%s)",
			clv.ErrInvalidCovariates, f.Name, id, first.Format(time.DateOnly), start)
	}
	return p, false, nil
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

// DynamicModelName is the name of the Pareto/NBD model with time-varying
// covariates in the job's outputs.
const DynamicModelName = "paretonbd-dyn"

// purchaseDays is a clv.Observer that keeps each customer's purchase
// times, the first of each day, as the summary merges them.
type purchaseDays struct {
	days [][]time.Time
	last []int64 // per customer, the day of the last time kept
}

func (o *purchaseDays) Observe(customers []int32, ts []clv.Transaction) {
	for k, c := range customers {
		if c < 0 {
			continue
		}
		for int(c) >= len(o.days) {
			o.days = append(o.days, nil)
			o.last = append(o.last, 0)
		}
		d := ingest.PeriodIndex(ingest.Day, ts[k].Time)
		if len(o.days[c]) > 0 && o.last[c] == d {
			continue
		}
		o.days[c] = append(o.days[c], ts[k].Time)
		o.last[c] = d
	}
}
