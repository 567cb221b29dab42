package main

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// The request's decoder is written for its one shape,
// {"customers": [{"id", "frequency", "recency", "T", "monetary_value"}, ...]}:
// it reads the body once, allocates the customers and their ids only, and
// says which customer and which field is wrong. It is stricter than
// encoding/json where that helps callers find mistakes: names are
// case-sensitive, a name given twice is an error, and an id must be valid
// UTF-8. FuzzDecodeRequest checks it against encoding/json.

// bounds are the largest values a request may give: far beyond any real
// customer, below where the models' numbers overflow.
type bounds struct {
	maxBatch  int
	frequency float64 // repeat purchases
	t         float64 // T (and so recency), in the model's unit
	value     float64 // |monetary_value|
}

// maxYears bounds T: a thousand years.
const maxYears = 1000

// maxIDBytes bounds a customer id.
const maxIDBytes = 1024

// limits returns the bounds of requests to sc's model.
func limits(sc *forecast.Scorer, maxBatch int) bounds {
	return bounds{maxBatch: maxBatch, frequency: 1e7, t: maxYears * 365.25 * 24 * float64(time.Hour) / float64(sc.Unit), value: 1e12}
}

// decodeRequest decodes {"customers": [...]}, at most lim.maxBatch of
// them, each with every field (monetary_value optional without a spend
// model, needValue false), no other field, and values the models accept
// (clv.Customer.Validate) within lim, else an *apiError naming the
// customer's index and the field. A customer's "covariates" are checked
// (see decodeRequestCov) and left out.
func decodeRequest(b []byte, lim bounds, needValue bool) ([]clv.Customer, error) {
	cs, _, err := decodeRequestCov(b, lim, needValue, nil)
	return cs, err
}

// decodeRequestCov decodes a request as decodeRequest does, and each
// customer's "covariates", an object of the covariates file's columns
// (the id's aside) to the customer's values: a JSON string, or a JSON
// number standing for the file's text of it (its literal: 1e3 is "1e3",
// which a categorical column's level "1e3" would match). With enc (a
// model with covariates) every customer has them, each encoded with
// enc.Encode into z, parallel to the customers; an unknown column, a
// level the run did not see, a value that is not a number in a numeric
// column is a 400 naming the customer and the field (covariates.column);
// a customer without covariates a 400 naming the columns missing.
// Without enc (a model without covariates) they are checked as JSON,
// at most forecast.MaxCovariates columns of strings and numbers, and
// left out (z nil): a client that always sends its customers' covariates
// keeps being served when the model reloaded is one without.
func decodeRequestCov(b []byte, lim bounds, needValue bool, enc *forecast.CovariateEncoding) ([]clv.Customer, [][]float64, error) {
	d := decoder{b: b, customer: -1, enc: enc}
	cs, err := d.request(lim, needValue)
	if err != nil {
		return nil, nil, err
	}
	return cs, d.z, nil
}

type decoder struct {
	b        []byte
	i        int
	customer int    // the customer being read, -1 outside
	field    string // the field being read
	// enc encodes the customers' covariates into z; nil for a model
	// without covariates.
	enc *forecast.CovariateEncoding
	z   [][]float64
}

// fail returns a 400 about the customer and field being read.
func (d *decoder) fail(format string, args ...any) *apiError {
	where := "request"
	if d.customer >= 0 {
		where = fmt.Sprintf("customers[%d]", d.customer)
	}
	if d.field != "" {
		where += "." + d.field
	}
	return badRequest(d.customer, d.field, "%s: %s", where, fmt.Sprintf(format, args...))
}

// syntax returns a 400 for invalid JSON at the current byte.
func (d *decoder) syntax(want string) *apiError {
	if d.i >= len(d.b) {
		return d.fail("the request ends where %s should be", want)
	}
	return d.fail("invalid JSON at byte %d (%q): want %s", d.i, d.b[d.i], want)
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

func (d *decoder) expect(c byte) error {
	if d.peek() != c {
		return d.syntax(strconv.QuoteRune(rune(c)))
	}
	d.i++
	return nil
}

func (d *decoder) request(lim bounds, needValue bool) ([]clv.Customer, error) {
	if d.peek() == 0 {
		return nil, d.fail("empty: want {\"customers\": [...]}")
	}
	if d.peek() != '{' {
		return nil, d.fail("want an object {\"customers\": [...]}")
	}
	var cs []clv.Customer
	seen := false
	err := d.object(func(key string) error {
		if key != "customers" {
			d.field = key
			return d.fail("unknown field: want customers")
		}
		if seen {
			return d.fail("given twice")
		}
		seen = true
		d.field = "customers"
		switch d.peek() {
		case 'n':
			if err := d.literal("null"); err != nil {
				return err
			}
			return nil
		case '[':
		default:
			return d.fail("want an array of customers")
		}
		d.i++
		cs = make([]clv.Customer, 0, min(lim.maxBatch, len(d.b)/48+1))
		if d.peek() == ']' {
			d.i++
			return nil
		}
		for {
			if len(cs) == lim.maxBatch {
				return &apiError{status: http.StatusRequestEntityTooLarge, customer: -1, field: "customers",
					message: fmt.Sprintf("more than %d customers: at most %d a request (-max-batch)", lim.maxBatch, lim.maxBatch)}
			}
			d.customer, d.field = len(cs), ""
			c, err := d.customerObject(lim, needValue)
			if err != nil {
				return err
			}
			cs = append(cs, c)
			d.customer, d.field = -1, "customers"
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				return nil
			default:
				return d.syntax(`"," or "]"`)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	d.field = ""
	if d.peek() != 0 {
		return nil, d.fail("more after the request's object, at byte %d", d.i)
	}
	if cs == nil {
		d.field = "customers"
		return nil, d.fail(`no "customers" (or null): want {"customers": [{"id", "frequency", "recency", "T", "monetary_value"}, ...]}`)
	}
	if len(cs) == 0 {
		d.field = "customers"
		return nil, d.fail("no customers")
	}
	return cs, nil
}

// object reads an object, calling f for each key with the decoder at its
// value, which f reads.
func (d *decoder) object(f func(key string) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.syntax("a field name")
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := f(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.syntax(`"," or "}"`)
		}
	}
}

// customer fields, by bit.
const (
	fID = 1 << iota
	fFrequency
	fRecency
	fT
	fValue
)

var fieldNames = [...]string{"id", "frequency", "recency", "T", "monetary_value"}

func (d *decoder) customerObject(lim bounds, needValue bool) (clv.Customer, error) {
	var c clv.Customer
	if d.peek() != '{' {
		return c, d.fail(`want an object {"id", "frequency", "recency", "T", "monetary_value"}, not %s`, d.kind())
	}
	set := 0
	covGiven := false
	var row map[string]string
	err := d.object(func(key string) error {
		d.field = key
		bit := 0
		for k, n := range fieldNames {
			if key == n {
				bit = 1 << k
			}
		}
		if bit == 0 && key == "covariates" {
			if covGiven {
				return d.fail("given twice")
			}
			covGiven = true
			if d.peek() == 'n' { // null: as if missing
				return d.literal("null")
			}
			var err error
			row, err = d.covariates()
			return err
		}
		if bit == 0 {
			return d.fail("unknown field: want id, frequency, recency, T, monetary_value, covariates")
		}
		if set&bit != 0 {
			return d.fail("given twice")
		}
		if d.peek() == 'n' { // null: as if missing
			return d.literal("null")
		}
		set |= bit
		if bit == fID {
			if d.peek() != '"' {
				return d.fail("JSON %s, want a string", d.kind())
			}
			s, err := d.str()
			if err != nil {
				return err
			}
			if len(s) > maxIDBytes {
				return d.fail("%d bytes: at most %d", len(s), maxIDBytes)
			}
			c.ID = s
			return nil
		}
		v, err := d.number()
		if err != nil {
			return err
		}
		switch bit {
		case fFrequency:
			c.Frequency = v
		case fRecency:
			c.Recency = v
		case fT:
			c.T = v
		default:
			c.MonetaryValue = v
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	need := fID | fFrequency | fRecency | fT
	if needValue {
		need |= fValue
	}
	if miss := need &^ set; miss != 0 {
		for k, n := range fieldNames {
			if miss&(1<<k) != 0 {
				d.field = n
				return c, d.fail("missing (or null)")
			}
		}
	}
	if err := d.check(c, lim); err != nil {
		return c, err
	}
	if d.enc == nil {
		return c, nil
	}
	d.field = "covariates"
	if row == nil {
		return c, d.fail("missing (or null): the model needs each customer's covariates, an object of the columns %s", strings.Join(columnNames(d.enc), ", "))
	}
	z, err := d.enc.Encode(row)
	if err != nil {
		var ce *forecast.CovariateError
		if !errors.As(err, &ce) {
			return c, d.fail("%v", err)
		}
		if ce.Column != "" && len(ce.Missing) == 0 {
			d.field = "covariates." + ce.Column
		}
		return c, d.fail("%s", ce.Reason)
	}
	d.z = append(d.z, z)
	return c, nil
}

// maxCovariateValue bounds a covariate's value in a request, in bytes.
const maxCovariateValue = 1024

// covariates reads a customer's "covariates": an object of at most
// forecast.MaxCovariates columns (with d.enc, the model's only), each
// once, to a JSON string or number (its literal).
func (d *decoder) covariates() (map[string]string, error) {
	if d.peek() != '{' {
		return nil, d.fail(`JSON %s, want an object {"column": value, ...}`, d.kind())
	}
	row := map[string]string{}
	err := d.object(func(key string) error {
		d.field = "covariates." + key
		if len(key) > maxCovariateValue {
			d.field = "covariates"
			return d.fail("a column name of %d bytes", len(key))
		}
		if _, dup := row[key]; dup {
			return d.fail("given twice")
		}
		if d.enc != nil && !slices.ContainsFunc(d.enc.Columns, func(c forecast.CovariateColumn) bool { return c.Name == key }) {
			return d.fail("not a column of the model's covariates (%s)", strings.Join(columnNames(d.enc), ", "))
		}
		if len(row) == forecast.MaxCovariates {
			d.field = "covariates"
			return d.fail("more than %d columns", forecast.MaxCovariates)
		}
		switch c := d.peek(); {
		case c == '"':
			v, err := d.str()
			if err != nil {
				return err
			}
			if len(v) > maxCovariateValue {
				return d.fail("a value of %d bytes: at most %d", len(v), maxCovariateValue)
			}
			row[key] = v
		case c == '-' || c >= '0' && c <= '9':
			start := d.i
			if _, err := d.number(); err != nil {
				return err
			}
			row[key] = string(d.b[start:d.i])
		default:
			return d.fail("JSON %s, want a string or a number", d.kind())
		}
		return nil
	})
	return row, err
}

// columnNames returns the names of enc's columns.
func columnNames(enc *forecast.CovariateEncoding) []string {
	out := make([]string, len(enc.Columns))
	for j, c := range enc.Columns {
		out[j] = c.Name
	}
	return out
}

// check checks a customer's values one by one, so that the error names
// the field. Every number is finite: JSON has no NaN or infinity, and
// number refuses what overflows.
func (d *decoder) check(c clv.Customer, lim bounds) error {
	x, r, t := c.Frequency, c.Recency, c.T
	bad := func(field, format string, args ...any) error {
		d.field = field
		return d.fail(format, args...)
	}
	switch {
	case x < 0 || x != math.Trunc(x):
		return bad("frequency", "%v: want a whole number ≥ 0 (repeat purchases)", x)
	case t < 0:
		return bad("T", "%v: want ≥ 0", t)
	case r < 0:
		return bad("recency", "%v: want ≥ 0", r)
	case r > t:
		return bad("recency", "%v > T %v: the last purchase is after the end of observation", r, t)
	case x == 0 && r != 0:
		return bad("recency", "%v with frequency 0: want 0 (no repeat purchase)", r)
	case x > lim.frequency:
		return bad("frequency", "%v: at most %g", x, lim.frequency)
	case t > lim.t:
		return bad("T", "%v: at most %.6g (%d years)", t, lim.t, maxYears)
	case math.Abs(c.MonetaryValue) > lim.value:
		return bad("monetary_value", "%v: at most %g in absolute value", c.MonetaryValue, lim.value)
	}
	return nil
}

// kind names the JSON value starting at the current byte.
func (d *decoder) kind() string {
	switch c := d.peek(); {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "bool"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	}
	return "invalid JSON"
}

func (d *decoder) literal(s string) error {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		return d.syntax(s)
	}
	d.i += len(s)
	return nil
}

// number reads a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
func (d *decoder) number() (float64, error) {
	b, start := d.b, d.i
	i := start
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		d.i = i
		if k := d.kind(); k != "invalid JSON" && k != "number" {
			return 0, d.fail("JSON %s, want a number", k)
		}
		return 0, d.syntax("a number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			d.i = i
			return 0, d.syntax("a digit")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.i = i
			return 0, d.syntax("a digit")
		}
	}
	d.i = i
	v, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil { // out of range
		return 0, d.fail("%s is out of float64's range", b[start:i])
	}
	return v, nil
}

// str reads a JSON string.
func (d *decoder) str() (string, error) {
	b := d.b
	d.i++ // the opening quote
	start := d.i
	// The common case: no escapes, ASCII.
	for i := start; i < len(b); i++ {
		c := b[i]
		if c == '"' {
			d.i = i + 1
			return string(b[start:i]), nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	var out []byte
	i := start
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(out), nil
		case c < 0x20:
			d.i = i
			return "", d.syntax("a character (control characters are escaped in JSON)")
		case c == '\\':
			if i+1 >= len(b) {
				d.i = len(b)
				return "", d.syntax("an escape")
			}
			e := b[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(b, i)
				if !ok {
					d.i = i
					return "", d.syntax("4 hexadecimal digits")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						r2, ok = hex4(b, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError // a lone surrogate, as encoding/json reads it
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				d.i = i - 1
				return "", d.syntax("an escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				d.i = i
				return "", d.fail("invalid UTF-8 at byte %d", i)
			}
			out = append(out, b[i:i+n]...)
			i += n
		}
	}
	d.i = len(b)
	return "", d.syntax(`the closing '"'`)
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}
