package segment

import "github.com/clvkit/clvkit/clv"

// SummarizeRFM returns SummarizeGroups of the customers keyed by their
// segments, rfm[i].Segment, the same groups, numbers and order, without
// a slice of the keys and without hashing each customer's: a segment is
// looked up once per distinct scores (R, F, M), whose name
// ScoreCustomers takes from one table (a name that differs from the last
// seen with the same scores is looked up by itself). rfm, cs, and (if
// not nil) clvs and pAlive are parallel.
func SummarizeRFM(rfm []RFM, cs []clv.Customer, clvs, pAlive []float64) ([]Group, error) {
	if err := checkGroups(len(rfm), cs, clvs, pAlive); err != nil {
		return nil, err
	}
	var b groupBuilder
	// The group of the last name seen with each scores, 0 to 5 each.
	var byScores [6 * 6 * 6]struct {
		name string
		j    int
		ok   bool
	}
	for i := range rfm {
		s := &rfm[i]
		if s.R < 0 || s.R > 5 || s.F < 0 || s.F > 5 || s.M < 0 || s.M > 5 {
			b.add(b.slot(s.Segment), cs, clvs, pAlive, i)
			continue
		}
		e := &byScores[(int(s.R)*6+int(s.F))*6+int(s.M)]
		if !e.ok || e.name != s.Segment {
			e.name, e.j, e.ok = s.Segment, b.slot(s.Segment), true
		}
		b.add(e.j, cs, clvs, pAlive, i)
	}
	return b.finish(len(cs), clvs != nil), nil
}
