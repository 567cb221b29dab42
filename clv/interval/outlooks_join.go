package interval

import "fmt"

// JoinOutlooks returns the Outlooks of n customers whose intervals were
// computed in parts (a Forecast per part: the customers of a model with
// covariates, profile by profile, each under its own draws' models):
// parts[p] holds the intervals of the customers idx[p], in that order
// (parts[p].Len() = len(idx[p])). The rows are the parts' distinct rows,
// part after part. It is an error unless every customer 0 ≤ i < n is in
// exactly one part; a nil part must have no customers.
func JoinOutlooks(n int, parts []*Outlooks, idx [][]int) (*Outlooks, error) {
	if len(parts) != len(idx) {
		return nil, fmt.Errorf("interval: JoinOutlooks: %d parts, %d index lists", len(parts), len(idx))
	}
	if n < 0 {
		return nil, fmt.Errorf("interval: JoinOutlooks: %d customers", n)
	}
	rows := 0
	for p, o := range parts {
		if o.len() != len(idx[p]) {
			return nil, fmt.Errorf("interval: JoinOutlooks: part %d holds %d customers, its index list %d", p, o.len(), len(idx[p]))
		}
		if o != nil {
			rows += len(o.rows)
		}
	}
	out := &Outlooks{rows: make([]Outlook, 0, rows), slot: make([]int32, n)}
	seen := make([]bool, n)
	for p, o := range parts {
		if o == nil {
			continue
		}
		base := int32(len(out.rows))
		out.rows = append(out.rows, o.rows...)
		for k, i := range idx[p] {
			if i < 0 || i >= n || seen[i] {
				return nil, fmt.Errorf("interval: JoinOutlooks: part %d: customer %d out of range or repeated", p, i)
			}
			seen[i] = true
			out.slot[i] = base + o.slot[k]
		}
	}
	for i, s := range seen {
		if !s {
			return nil, fmt.Errorf("interval: JoinOutlooks: customer %d in no part", i)
		}
	}
	return out, nil
}

// len is Len, 0 for nil.
func (o *Outlooks) len() int {
	if o == nil {
		return 0
	}
	return len(o.slot)
}
