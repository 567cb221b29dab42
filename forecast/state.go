package forecast

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// A State is what an incremental run (RunIncremental) keeps from one run
// to the next: every customer's clv.CustomerState (what is known of the
// customer from the transactions read so far: per purchase period, its
// earliest time, the sum of its amounts and its number of transactions),
// the watermark (the latest transaction merged and a fingerprint of the
// last log applied), and the parameters of the models the last run
// fitted, where the next run's fits start. The zero State is empty: the
// first RunIncremental on it reads the whole log.
//
// Save writes it in a versioned binary format with a checksum; LoadState
// reads it back and refuses a corrupt, truncated or foreign file.
type State struct {
	// End is the end of observation of the last run on the state; the
	// next run's must not precede it.
	End time.Time
	// First and Last are the earliest and the latest transaction merged
	// into the state. Last is the watermark: a later log's transactions
	// must all be after it.
	First, Last time.Time
	// Records counts the transactions merged into the state.
	Records int
	// LogHash is the FNV-1a (64-bit) hash of the bytes of the last log
	// applied, so that applying the same file twice is named as such.
	LogHash uint64
	// Model is the purchase model the last run chose, one of ModelNames.
	Model string
	// WarmStart, if set, starts the next runs' fits from the parameters
	// the last run left in the state (each model's FitOptions.Start);
	// unset, they start as a full run's do, and a run equals Run on the
	// whole log exactly (the same summaries give the same fits). On 10⁶
	// simulated customers a warm start is not faster (it replaces the
	// fits' cheap pre-fit on a subsample of the rows) and agrees with the
	// full run only to the fits' tolerance, below 1e-6 relative (5e-7 on the shipped log). It is
	// not saved.
	WarmStart bool

	sawTime   bool                 // a transaction had a time of day (for Config.EndOfDay)
	customers []clv.CustomerState  // in order of first appearance, as Summarize orders them
	purchase  map[string][]float64 // the purchase models' parameters by name
	spend     *gammagamma.Params   // the spend model's, nil without
}

// Customers returns the number of customers in the state.
func (s *State) Customers() int {
	if s == nil {
		return 0
	}
	return len(s.customers)
}

// Errors of LoadState and RunIncremental that callers branch on.
var (
	// ErrStateCorrupt is wrapped by LoadState's errors about a file that
	// is not a whole, intact state: truncated, altered, or not a state.
	ErrStateCorrupt = errors.New("forecast: corrupt state")
	// ErrStateVersion is wrapped by LoadState's error about a state
	// written in a format version this package does not read.
	ErrStateVersion = errors.New("forecast: unsupported state version")
	// ErrAlreadyApplied is wrapped by RunIncremental's error about a log
	// whose transactions are all at or before the state's watermark: the
	// log (a day) was applied already. The state is left unchanged.
	ErrAlreadyApplied = errors.New("forecast: the log was applied to the state already")
	// ErrOverlap is wrapped by RunIncremental's error about a log some of
	// whose transactions are at or before the state's watermark and some
	// after: it overlaps what the state holds. The error names the first
	// such line; the state is left unchanged.
	ErrOverlap = errors.New("forecast: the log overlaps the state")
)

// stateMagic opens every state file; StateVersion follows it.
const stateMagic = "clvkit-state\x00"

// StateVersion is the version of the binary format Save writes. LoadState
// reads it and version 1, whose customers take some three times the
// bytes (each clv.CustomerState's MarshalBinary).
const StateVersion = 2

// maxStateString bounds a string in a state file (an id, a model name).
const maxStateString = 1 << 20

// Save writes the state to w: the magic "clvkit-state\0", the format
// version (StateVersion), the body, and the CRC-32 (Castagnoli) of all
// that, little-endian. The encoding is the same for equal states. The
// customers take some 25 bytes each with their ids' (version 2: see
// statev2.go).
func (s *State) Save(w io.Writer) error {
	if s == nil {
		return errors.New("forecast: Save of a nil *State")
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16)
	b := append([]byte(stateMagic), StateVersion)
	for _, t := range []time.Time{s.End, s.First, s.Last} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(s.Records))
	b = binary.LittleEndian.AppendUint64(b, s.LogHash)
	b = appendString(b, s.Model)
	b = appendBool(b, s.sawTime)
	names := make([]string, 0, len(s.purchase))
	for n := range s.purchase {
		names = append(names, n)
	}
	slices.Sort(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendString(b, n)
		b = appendFloats(b, s.purchase[n])
	}
	b = appendBool(b, s.spend != nil)
	if s.spend != nil {
		b = appendFloats(b, []float64{s.spend.P, s.spend.Q, s.spend.Gamma})
	}
	b = binary.AppendUvarint(b, uint64(len(s.customers)))
	var v1 []byte
	var c v2Cursor
	for i := range s.customers {
		var err error
		if v1, err = s.customers[i].AppendBinary(v1[:0]); err != nil {
			return err
		}
		if b, err = appendCustomerV2(b, v1, &c); err != nil {
			return fmt.Errorf("%w: customer %q", err, s.customers[i].ID)
		}
		if len(b) > 1<<16 {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// LoadState reads a state Save wrote. A file that is truncated, altered
// (its checksum does not match), or not a state is an error wrapping
// ErrStateCorrupt; one of another format version, ErrStateVersion. It
// reads the whole of r into memory (the size of the file).
func LoadState(r io.Reader) (*State, error) {
	b, err := readState(r)
	if err != nil {
		return nil, err
	}
	return decodeState(b, nil)
}

// readState reads the whole of r, at once for a file.
func readState(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < math.MaxInt32 {
			buf.Grow(int(fi.Size()) + bytes.MinRead) // a file: read at once, without doubling
		}
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("forecast: reading the state: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeState decodes a state file. With each not nil, the customers are
// not kept in the State: each is called with every customer in turn (the
// same *clv.CustomerState, overwritten), and its error stops the decoding.
func decodeState(b []byte, each func(*clv.CustomerState) error) (*State, error) {
	corrupt := func(what string) error { return fmt.Errorf("%w: %s", ErrStateCorrupt, what) }
	if len(b) < len(stateMagic)+1+4 || string(b[:len(stateMagic)]) != stateMagic {
		return nil, corrupt("not a clvkit state file")
	}
	version := b[len(stateMagic)]
	if version != 1 && version != 2 {
		return nil, fmt.Errorf("%w: version %d, this clvkit reads versions 1 and %d", ErrStateVersion, version, StateVersion)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)) != sum {
		return nil, corrupt("checksum mismatch (truncated or altered)")
	}
	d := decoder{b: body[len(stateMagic)+1:]}
	s := &State{}
	s.End, s.First, s.Last = d.time(), d.time(), d.time()
	s.Records = int(d.uvarint(math.MaxInt64))
	s.LogHash = d.uint64()
	s.Model = d.string()
	s.sawTime = d.bool()
	if np := d.uvarint(uint64(len(ModelNames) + len(CovariateModelNames))); np > 0 {
		s.purchase = make(map[string][]float64, np)
		for range np {
			n := d.string()
			if d.err == nil && ModelTitle(n) == "" {
				d.fail("unknown model " + n)
			}
			s.purchase[n] = d.floats()
		}
	}
	if d.bool() {
		v := d.floats()
		if d.err == nil && len(v) != 3 {
			d.fail("spend parameters")
		}
		if d.err == nil {
			s.spend = &gammagamma.Params{P: v[0], Q: v[1], Gamma: v[2]}
		}
	}
	n := d.uvarint(uint64(len(d.b))) // every customer takes a byte at least
	if d.err == nil && each == nil {
		s.customers = make([]clv.CustomerState, n)
	}
	var one clv.CustomerState
	var v1 []byte
	var cur v2Cursor
	for i := range int(n) {
		c := &one
		if each == nil {
			c = &s.customers[i]
		}
		if version == 2 {
			if v1 = d.customerV2(c, v1, &cur); d.err != nil {
				d.err = fmt.Errorf("customer %d: %w", i, d.err)
				break
			}
		} else {
			mb := d.bytes()
			if d.err != nil {
				break
			}
			if err := c.UnmarshalBinary(mb); err != nil {
				d.fail(fmt.Sprintf("customer %d: %v", i, err))
				break
			}
		}
		if each != nil {
			if err := each(c); err != nil {
				return nil, err
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err == nil && uint64(s.Records) < n {
		d.fail("fewer transactions than customers")
	}
	if d.err != nil {
		return nil, corrupt(d.err.Error())
	}
	return s, nil
}

// decoder reads a state's body; its first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = errors.New(what)
	}
	d.b = nil
}

func (d *decoder) uvarint(limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 || v > limit {
		d.fail("bad count")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.fail("truncated")
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) uint64() uint64 {
	if p := d.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (d *decoder) bool() bool {
	p := d.take(1)
	if p != nil && p[0] > 1 {
		d.fail("bad flag")
	}
	return p != nil && p[0] == 1
}

func (d *decoder) bytes() []byte {
	n := d.uvarint(uint64(len(d.b)))
	return d.take(int(n))
}

func (d *decoder) string() string {
	n := d.uvarint(min(uint64(len(d.b)), maxStateString))
	return string(d.take(int(n)))
}

func (d *decoder) floats() []float64 {
	n := d.uvarint(8)
	v := make([]float64, 0, n)
	for range n {
		f := math.Float64frombits(d.uint64())
		if d.err == nil && !(f > 0 && !math.IsInf(f, 1)) {
			d.fail("a parameter not positive and finite")
		}
		v = append(v, f)
	}
	return v
}

func (d *decoder) time() time.Time {
	p := d.bytes()
	var t time.Time
	if d.err == nil {
		if err := t.UnmarshalBinary(p); err != nil {
			d.fail("bad time: " + err.Error())
		}
	}
	return t
}

func appendTime(b []byte, t time.Time) []byte {
	p, err := t.MarshalBinary()
	if err != nil { // a zone offset that is not whole minutes: keep the instant in UTC
		p, _ = t.UTC().MarshalBinary()
	}
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendFloats(b []byte, v []float64) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	for _, f := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}
