package rows_test

import (
	"fmt"

	"github.com/clvkit/clvkit/internal/rows"
)

// Customers grouped once by (x, t_x, T), then by (x, T) through Map, which
// hashes the three groups rather than the five customers.
func ExampleGroup() {
	type summary struct{ x, tx, T float64 }
	cs := []summary{{2, 5, 10}, {0, 0, 10}, {2, 3, 10}, {2, 5, 10}, {0, 0, 10}}
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		return rows.Key{A: cs[i].x, B: cs[i].tx, C: cs[i].T}, true
	})
	for j, k := range g.Keys {
		fmt.Printf("(x, t_x, T) = (%v, %v, %v): %d customers\n", k.A, k.B, k.C, g.Count[j])
	}
	fmt.Println("customers' groups:", g.Of)
	xt, up := rows.Map(g, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C} })
	fmt.Println("(x, T) groups:", len(xt.Keys), "counts", xt.Count, "of each (x, t_x, T) group:", up)
	// Output:
	// (x, t_x, T) = (0, 0, 10): 2 customers
	// (x, t_x, T) = (2, 3, 10): 1 customers
	// (x, t_x, T) = (2, 5, 10): 2 customers
	// customers' groups: [2 0 1 2 0]
	// (x, T) groups: 2 counts [2 3] of each (x, t_x, T) group: [0 1 1]
}
