package clv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/rows"
)

// A Histogram counts customers by distinct (frequency, recency, T): all a
// purchase model needs to fit (bgnbd.Fit and paretonbd.Fit with
// FitOptions.Weights, see Customers). Histograms of shards merge by
// adding (Merge), so a fit never needs the customers themselves in one
// place; logs of dates have far fewer distinct rows than customers. The
// zero value is an empty histogram.
type Histogram struct {
	index  rows.Index // the distinct {frequency, recency, T}
	counts []float64  // by index
}

// add adds w to the count of k.
func (h *Histogram) add(k rows.Key, w float64) {
	j := h.index.Add(k)
	if int(j) == len(h.counts) {
		// As many as the index has room for: one allocation per growth.
		h.counts = append(slices.Grow(h.counts, cap(h.index.Keys())-len(h.counts)), 0)
	}
	h.counts[j] += w
}

// HistogramRow is one distinct summary and its count.
type HistogramRow struct {
	Frequency, Recency, T float64
	Count                 float64
}

// Add counts the customer's summary w times (w = 1 for one customer). It
// validates c and w.
func (h *Histogram) Add(c Customer, w float64) error {
	if h == nil {
		return errNilHistogram
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if !(w >= 0) || math.IsInf(w, 0) {
		return fmt.Errorf("clv: histogram weight %v, want a finite number ≥ 0", w)
	}
	h.add(rows.Key{A: c.Frequency, B: c.Recency, C: c.T}, w)
	return nil
}

// errNilHistogram is returned by the methods of a nil *Histogram that
// would change it.
var errNilHistogram = errors.New("clv: nil *Histogram")

// Merge adds the counts of o. A nil o is an empty histogram (merging it
// does nothing); a nil h is an error.
func (h *Histogram) Merge(o *Histogram) error {
	if h == nil {
		return errNilHistogram
	}
	if o == nil {
		return nil
	}
	if h == o {
		for j := range h.counts {
			h.counts[j] *= 2
		}
		return nil
	}
	for j, k := range o.index.Keys() {
		h.add(k, o.counts[j])
	}
	return nil
}

// Len returns the number of distinct rows (0 for a nil h).
func (h *Histogram) Len() int {
	if h == nil {
		return 0
	}
	return h.index.Len()
}

// Rows returns the rows sorted by frequency, recency and T: the order
// does not depend on how the histogram was built or merged. A nil h has
// no rows.
func (h *Histogram) Rows() []HistogramRow {
	if h == nil {
		return nil
	}
	sorted, rank := rows.Sorted(h.index.Keys())
	out := make([]HistogramRow, len(sorted))
	for j, k := range sorted {
		out[j] = HistogramRow{Frequency: k.A, Recency: k.B, T: k.C}
	}
	for j, r := range rank {
		out[r].Count = h.counts[j]
	}
	return slices.DeleteFunc(out, func(r HistogramRow) bool { return !(r.Count > 0) })
}

// Customers returns one customer per row and the rows' counts, to fit a
// purchase model with the counts as FitOptions.Weights.
func (h *Histogram) Customers() ([]Customer, []float64) {
	rows := h.Rows()
	cs := make([]Customer, len(rows))
	w := make([]float64, len(rows))
	for i, r := range rows {
		cs[i] = Customer{Frequency: r.Frequency, Recency: r.Recency, T: r.T}
		w[i] = r.Count
	}
	return cs, w
}

// MarshalBinary encodes the histogram's rows (in Rows order), for an
// engine that moves histograms between machines.
func (h *Histogram) MarshalBinary() ([]byte, error) {
	rows := h.Rows()
	b := make([]byte, 0, 8+32*len(rows))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(rows)))
	for _, r := range rows {
		for _, f := range [...]float64{r.Frequency, r.Recency, r.T, r.Count} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, replacing h's counts.
func (h *Histogram) UnmarshalBinary(b []byte) error {
	if h == nil {
		return errNilHistogram
	}
	if len(b) < 8 || uint64(len(b)-8) != 32*binary.LittleEndian.Uint64(b) {
		return fmt.Errorf("clv: corrupt Histogram encoding")
	}
	n := binary.LittleEndian.Uint64(b)
	*h = Histogram{}
	for i := range n {
		o := 8 + 32*i
		f := func(j uint64) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[o+8*j:])) }
		h.add(rows.Key{A: f(0), B: f(1), C: f(2)}, f(3))
	}
	return nil
}
