package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// encodeFitData encodes the histogram and the spend rows (x, m̄).
func encodeFitData(d fitData) ([]byte, error) {
	h, err := d.Hist.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	b = append(b, h...)
	for _, c := range d.Spend {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.Frequency))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.MonetaryValue))
	}
	return b, nil
}

func decodeFitData(b []byte) (fitData, error) {
	var d fitData
	if len(b) < 8 {
		return d, errors.New("corrupt fit data")
	}
	n := binary.LittleEndian.Uint64(b)
	if uint64(len(b)-8) < n || (uint64(len(b)-8)-n)%16 != 0 {
		return d, errors.New("corrupt fit data")
	}
	if err := d.Hist.UnmarshalBinary(b[8 : 8+n]); err != nil {
		return d, err
	}
	for r := b[8+n:]; len(r) > 0; r = r[16:] {
		d.Spend = append(d.Spend, clv.Customer{Frequency: math.Float64frombits(binary.LittleEndian.Uint64(r)),
			MonetaryValue: math.Float64frombits(binary.LittleEndian.Uint64(r[8:]))})
	}
	return d, nil
}

// sortSpend orders the spend rows, so that the spend fit does not depend
// on the order in which shards were merged.
func sortSpend(cs []clv.Customer) {
	slices.SortFunc(cs, func(a, b clv.Customer) int {
		switch {
		case a.Frequency != b.Frequency:
			if a.Frequency < b.Frequency {
				return -1
			}
			return 1
		case a.MonetaryValue < b.MonetaryValue:
			return -1
		case a.MonetaryValue > b.MonetaryValue:
			return 1
		}
		return 0
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
