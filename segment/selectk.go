package segment

// selectK rearranges a so that a[k] is the value a sorted copy would hold
// at k, the values before it ≤ it and those after ≥ it (quickselect with a
// three-way partition, so that runs of equal values, common in
// frequencies, cost nothing). It runs in expected O(len(a)) time. a must
// hold no NaN.
func selectK(a []float64, k int) float64 {
	lo, hi := 0, len(a) // the k-th value lies in a[lo:hi]
	for hi-lo > 16 {
		// Median of three fixed positions: deterministic, and robust on
		// sorted and reversed input.
		x, y, z := a[lo], a[lo+(hi-lo)/2], a[hi-1]
		p := max(min(x, y), min(max(x, y), z))
		// a[lo:lt] < p, a[lt:i] == p, a[gt:hi] > p.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := a[i]; {
			case v < p:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case v > p:
				gt--
				a[gt], a[i] = a[i], a[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return p
		}
	}
	// Insertion sort of the short rest.
	for i := lo + 1; i < hi; i++ {
		for j := i; j > lo && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
	return a[k]
}
