package ingest

import (
	"errors"
	"hash/maphash"
)

// Parts is the number of parts NewParts splits a log into, one per core
// of the machine the engine is tuned for: each part is a Summarizer of the
// customers whose id hashes into it, fed on its own goroutine.
const Parts = 2

// partMask masks a part's customer number in Summarizer.order, whose top
// bit is the part.
const partMask = 1<<31 - 1

// NewParts returns Parts Summarizers for one log split by customers: the
// transactions of a customer whose id hashes (Hash) to h go, in the log's
// order, to part PartOf(h), with their ordinals in the log (AddHashed).
// Each customer's transactions thus meet the same arithmetic in the same
// order as in one Summarizer, and Merge joins the parts into the
// Summarizer the whole log would have made. skip is as for NewSummarizer,
// called from the part's goroutine; Ord tells which transaction it is.
func NewParts(opts SummaryOptions, skip func(part int, err error)) []*Summarizer {
	seed := maphash.MakeSeed()
	parts := make([]*Summarizer, Parts)
	for p := range parts {
		s := NewSummarizer(opts, func(err error) { skip(p, err) })
		s.index.seed = seed
		s.part = true
		parts[p] = s
	}
	return parts
}

// PartOf returns the part of the customers whose ids hash to h.
func PartOf(h uint32) int { return int(h >> 31) }

// Hash returns the hash of id that AddHashed takes: the same for every part.
func (s *Summarizer) Hash(id string) uint32 { return s.index.Hash(id) }

// Ord returns the ordinal of the transaction being added to a part.
func (s *Summarizer) Ord() int64 { return s.ord }

// AddHashed adds ts, whose ids hash to hs and whose ordinals in the log
// are ords (increasing), to a part (see NewParts), as AddBatch does.
func AddHashed(s *Summarizer, ts []Transaction, hs []uint32, ords []int64) (n int, err error) {
	return s.addBatch(ts, hs, ords)
}

// Merge returns the Summarizer the whole log would have made, from its
// parts (NewParts) fed the whole log: customers numbered in the order of
// their first transaction, the earliest and latest transactions the first
// of their time in the log, the counts added. The result is for Summary
// only; the parts must not be used further.
func Merge(parts []*Summarizer) (*Summarizer, error) {
	m := *parts[0]
	m.parts, m.blocks, m.firstTimes, m.holds, m.index, m.ids, m.firsts = parts, nil, nil, nil, Index{}, Store{}, nil
	m.n, m.Records, m.Merged, m.sawTime = 0, 0, 0, false
	m.earliestS, m.latestS = parts[0].earliestS, parts[0].latestS
	if m.repeats != nil {
		m.repeats = map[int64]int{}
	}
	for i, p := range parts {
		if p.n > partMask || m.n+p.n > MaxCustomers {
			return nil, errors.New("clv: too many customers")
		}
		m.n += p.n
		m.Records += p.Records
		m.Merged += p.Merged
		m.sawTime = m.sawTime || p.sawTime
		for d, c := range p.repeats {
			m.repeats[d] += c
		}
		if i == 0 {
			continue
		}
		if p.latestS > m.latestS || p.latestS == m.latestS && p.latestS > -1e308 && p.latestOrd < m.latestOrd {
			m.latest, m.latestS, m.latestP, m.latestOrd = p.latest, p.latestS, p.latestP, p.latestOrd
		}
		if p.earliestS < m.earliestS || p.earliestS == m.earliestS && p.earliestS < 1e308 && p.earliestOrd < m.earliestOrd {
			m.earliest, m.earliestS, m.earliestOrd = p.earliest, p.earliestS, p.earliestOrd
		}
	}
	// The customers in the order of their first transaction: the parts'
	// lists, each in that order, merged.
	m.order = make([]uint32, 0, m.n)
	idx := make([]int, len(parts))
	first := func(p int) int64 { return parts[p].firsts[idx[p]/blockSize][idx[p]%blockSize] }
	for len(m.order) < m.n {
		best := -1
		for p, s := range parts {
			if idx[p] < s.n && (best < 0 || first(p) < first(best)) {
				best = p
			}
		}
		m.order = append(m.order, uint32(best)<<31|uint32(idx[best]))
		idx[best]++
	}
	return &m, nil
}
