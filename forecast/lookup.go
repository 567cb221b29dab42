package forecast

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/ingest"
)

// A Lookup finds a customer of a State by id and returns the customer's
// summary at an end of observation: what a service answering for one
// customer at a time keeps of a state (examples/serve -state). It holds,
// per customer, the id and four numbers (some 36 bytes and the id's), not
// the state's purchase periods, and finds an id by binary search. A
// Lookup is immutable and safe for concurrent use.
type Lookup struct {
	// End is the end of observation of the run that saved the state, Last
	// its latest transaction (State.End, State.Last).
	End, Last time.Time

	ids  []byte   // the ids, concatenated in increasing order
	off  []uint32 // customer k's id is ids[off[k]:off[k+1]]
	recs []lookupRec
}

// lookupRec is what a summary needs of a customer's state at any end of
// observation and unit: its first purchase and the span to its last one,
// in seconds, its repeat purchases and their mean value. A customer's
// summary from it is CustomerState.Summary's, bit for bit (the same
// operations on the same numbers).
type lookupRec struct {
	first, span, value float64
	freq               uint32
}

// maxLookupIDs bounds the bytes of a Lookup's ids (its offsets are 32-bit).
const maxLookupIDs = math.MaxUint32

// ErrDuplicateID is wrapped by LoadLookup's error about a state in which
// a customer's id appears twice (which the job never writes).
var ErrDuplicateID = errors.New("forecast: a customer twice in the state")

// LoadLookup reads a state Save wrote, as LoadState does, and returns the
// Lookup of its customers; it keeps neither the file nor the customers'
// states. Errors are LoadState's, and ErrDuplicateID.
func LoadLookup(r io.Reader) (*Lookup, error) {
	b, err := readState(r)
	if err != nil {
		return nil, err
	}
	var ids []byte
	var off []uint32
	var recs []lookupRec
	// A summary in seconds to the instant 0 of Unix time: T is then minus
	// the first purchase's time and Recency the span to the last, both
	// exactly as CustomerState.Summary computes them.
	at := clv.SummaryOptions{End: time.Unix(0, 0), Unit: time.Second}
	st, err := decodeState(b, func(cs *clv.CustomerState) error {
		c, _, err := cs.Summary(at)
		if err != nil {
			return fmt.Errorf("%w: customer %q: %w", ErrStateCorrupt, cs.ID, err)
		}
		if len(ids)+len(cs.ID) > maxLookupIDs {
			return fmt.Errorf("forecast: the state's ids take over %d bytes", maxLookupIDs)
		}
		off = append(off, uint32(len(ids)))
		ids = append(ids, cs.ID...)
		recs = append(recs, lookupRec{first: -c.T, span: c.Recency, value: c.MonetaryValue, freq: uint32(c.Frequency)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	b = nil
	// In order of id: a permutation sorted, then the ids and the records
	// moved into its order.
	n := len(recs)
	off = append(off, uint32(len(ids)))
	id := func(k int32) []byte { return ids[off[k]:off[k+1]] }
	perm := make([]int32, n)
	for k := range perm {
		perm[k] = int32(k)
	}
	slices.SortFunc(perm, func(a, b int32) int { return bytes.Compare(id(a), id(b)) })
	l := &Lookup{End: st.End, Last: st.Last, ids: make([]byte, 0, len(ids)), off: make([]uint32, 0, n+1), recs: make([]lookupRec, n)}
	for i, k := range perm {
		if i > 0 && bytes.Equal(id(perm[i-1]), id(k)) {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateID, id(k))
		}
		l.off = append(l.off, uint32(len(l.ids)))
		l.ids = append(l.ids, id(k)...)
		l.recs[i] = recs[k]
	}
	l.off = append(l.off, uint32(len(l.ids)))
	return l, nil
}

// Len returns the number of customers.
func (l *Lookup) Len() int {
	if l == nil {
		return 0
	}
	return len(l.recs)
}

// Customer returns the summary of the customer id at the end of
// observation end, in unit (CustomerState.Summary's, bit for bit), and
// whether the state has the customer. With the End and the unit of the
// run that saved the state (a Scorer's End and Unit, from its
// model.json), it is the customer's row of that run's Summary.Customers.
// An end before the customer's last purchase gives a summary that is not
// valid (T below Recency): end should not precede Last.
func (l *Lookup) Customer(id string, end time.Time, unit time.Duration) (clv.Customer, bool) {
	if l == nil || unit <= 0 {
		return clv.Customer{}, false
	}
	lo, hi := 0, len(l.recs) // the first id ≥ id is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if string(l.ids[l.off[m]:l.off[m+1]]) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	k := lo
	if k == len(l.recs) || string(l.ids[l.off[k]:l.off[k+1]]) != id {
		return clv.Customer{}, false
	}
	r := l.recs[k]
	u := unit.Seconds()
	return clv.Customer{ID: id, Frequency: float64(r.freq), Recency: r.span / u, T: (ingest.Seconds(end) - r.first) / u, MonetaryValue: r.value}, true
}
