package forecast

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/clvkit/clvkit/clv"
)

// The customers of a state file of version 2 are in a compact encoding,
// some 25 bytes a customer where version 1's (clv.CustomerState's
// MarshalBinary, each with its length) takes some 100: the same numbers,
// each written in the fewest bytes that give it back exactly, and the
// period indexes and the times as differences from the previous period's
// (the previous customer's first, for a customer's first period).
//
// A customer is its id (uvarint length, bytes), its number of periods
// (uvarint), and per period: a byte of flags, the period index (zigzag
// varint, the difference), the period's earliest time in the summary's
// convention (omitted when it is the time in seconds or the period index,
// as it is unless the state mixes conventions), its earliest time in
// seconds (whole days or whole seconds as a zigzag varint difference of
// the truncated previous time, else the float64), the sum of its amounts
// (whole cents as a zigzag varint, else the float64), the rounding error
// of that sum (omitted when 0), and its transactions (uvarint). The flags:
const (
	v2Holdout    = 1 << 0 // the period is on the holdout side
	v2FirstSec   = 0 << 1 // first = firstS
	v2FirstP     = 1 << 1 // first = float64(p)
	v2FirstRaw   = 2 << 1 // first as float64 bits
	v2FirstMask  = 3 << 1
	v2SecDays    = 0 << 3 // firstS in whole days: the difference in days
	v2SecSeconds = 1 << 3 // firstS in whole seconds: the difference in seconds
	v2SecRaw     = 2 << 3 // firstS as float64 bits
	v2SecMask    = 3 << 3
	v2Cents      = 1 << 5 // amount in whole cents, else as float64 bits
	v2Lo         = 1 << 6 // amtLo ≠ 0, as float64 bits
	v2Unknown    = 1 << 7
)

// The encoding is a transcoding of clv.CustomerState's MarshalBinary
// (this module's): its uvarint id length and id, uvarint periods, and per
// period a holdout byte, the varint period index, the four float64s
// (first, firstS, amount, amtLo, little-endian) and the uvarint
// transactions. TestStateV2 checks every customer of a run comes back
// bit for bit.

// v2Cursor is the previous period's index and time in seconds, which the
// next period's are written as differences from.
type v2Cursor struct {
	p   int64
	sec float64
}

// base returns the cursor's time truncated to a whole second, within the
// range of int64 (0 outside it).
func (c *v2Cursor) base() int64 {
	if !(math.Abs(c.sec) < 1<<62) {
		return 0
	}
	return int64(c.sec)
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

var errV1Layout = errors.New("forecast: a customer's state is not in the layout version 2 transcodes")

// appendCustomerV2 appends the compact encoding of the customer whose
// MarshalBinary encoding is v1; c is the previous customer's first
// period, and becomes this one's.
func appendCustomerV2(b, v1 []byte, c *v2Cursor) ([]byte, error) {
	d := decoder{b: v1}
	id := d.string()
	np := d.uvarint(uint64(len(v1)))
	if d.err != nil {
		return b, errV1Layout
	}
	b = appendString(b, id)
	b = binary.AppendUvarint(b, np)
	prev := *c
	for k := range np {
		h := d.take(1)
		if d.err != nil {
			return b, errV1Layout
		}
		p, n := binary.Varint(d.b)
		if n <= 0 {
			return b, errV1Layout
		}
		d.b = d.b[n:]
		first, firstS := math.Float64frombits(d.uint64()), math.Float64frombits(d.uint64())
		amount, lo := math.Float64frombits(d.uint64()), math.Float64frombits(d.uint64())
		tx := d.uvarint(math.MaxInt32)
		if d.err != nil || h[0] > 1 {
			return b, errV1Layout
		}
		flags := byte(0)
		if h[0] == 1 {
			flags |= v2Holdout
		}
		switch {
		case math.Float64bits(first) == math.Float64bits(firstS):
			flags |= v2FirstSec
		case math.Float64bits(first) == math.Float64bits(float64(p)):
			flags |= v2FirstP
		default:
			flags |= v2FirstRaw
		}
		base := prev.base()
		// A whole number of seconds, not −0 (which would come back +0).
		whole := math.Abs(firstS) < 1<<62 && firstS == math.Trunc(firstS) && !(firstS == 0 && math.Signbit(firstS))
		var sec int64
		if whole {
			sec = int64(firstS)
		}
		switch {
		case whole && sec%86400 == 0:
			flags |= v2SecDays
		case whole:
			flags |= v2SecSeconds
		default:
			flags |= v2SecRaw
		}
		// Whole cents, not −0 (which would come back +0).
		cents := math.Round(amount * 100)
		if math.Abs(cents) < 1<<53 && math.Float64bits(cents/100) == math.Float64bits(amount) && !(amount == 0 && math.Signbit(amount)) {
			flags |= v2Cents
		}
		if math.Float64bits(lo) != 0 {
			flags |= v2Lo
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, zigzag(p-prev.p))
		if flags&v2FirstMask == v2FirstRaw {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(first))
		}
		switch flags & v2SecMask {
		case v2SecDays:
			b = binary.AppendUvarint(b, zigzag(sec/86400-base/86400))
		case v2SecSeconds:
			b = binary.AppendUvarint(b, zigzag(sec-base))
		default:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(firstS))
		}
		if flags&v2Cents != 0 {
			b = binary.AppendUvarint(b, zigzag(int64(cents)))
		} else {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(amount))
		}
		if flags&v2Lo != 0 {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(lo))
		}
		b = binary.AppendUvarint(b, tx)
		prev = v2Cursor{p, firstS}
		if k == 0 {
			*c = prev
		}
	}
	if len(d.b) != 0 {
		return b, errV1Layout
	}
	return b, nil
}

// customerV2 reads a customer's compact encoding from d into cs, through
// its version 1 encoding (v1, a buffer reused); c as in appendCustomerV2.
func (d *decoder) customerV2(cs *clv.CustomerState, v1 []byte, c *v2Cursor) []byte {
	id := d.string()
	np := d.uvarint(uint64(len(d.b))) // every period takes a byte at least
	if d.err != nil {
		return v1
	}
	v1 = appendString(v1[:0], id)
	v1 = binary.AppendUvarint(v1, np)
	prev := *c
	zz := func() int64 { return unzigzag(d.uvarint(math.MaxUint64)) }
	f64 := func() float64 { return math.Float64frombits(d.uint64()) }
	for k := range np {
		fl := d.take(1)
		if d.err != nil {
			return v1
		}
		flags := fl[0]
		if flags&v2Unknown != 0 || flags&v2FirstMask == 3<<1 || flags&v2SecMask == 3<<3 {
			d.fail("bad period flags")
			return v1
		}
		p := prev.p + zz()
		var first float64
		if flags&v2FirstMask == v2FirstRaw {
			first = f64()
		}
		base := prev.base()
		var firstS float64
		switch flags & v2SecMask {
		case v2SecDays:
			firstS = float64((base/86400 + zz()) * 86400)
		case v2SecSeconds:
			firstS = float64(base + zz())
		default:
			firstS = f64()
		}
		switch flags & v2FirstMask {
		case v2FirstSec:
			first = firstS
		case v2FirstP:
			first = float64(p)
		}
		var amount, lo float64
		if flags&v2Cents != 0 {
			amount = float64(zz()) / 100
		} else {
			amount = f64()
		}
		if flags&v2Lo != 0 {
			lo = f64()
		}
		tx := d.uvarint(math.MaxInt32)
		if d.err != nil {
			return v1
		}
		v1 = append(v1, flags&v2Holdout)
		v1 = binary.AppendVarint(v1, p)
		for _, f := range [...]float64{first, firstS, amount, lo} {
			v1 = binary.LittleEndian.AppendUint64(v1, math.Float64bits(f))
		}
		v1 = binary.AppendUvarint(v1, tx)
		prev = v2Cursor{p, firstS}
		if k == 0 {
			*c = prev
		}
	}
	if err := cs.UnmarshalBinary(v1); err != nil {
		d.fail(err.Error())
	}
	return v1
}
