package cohort_test

import (
	"math"
	"testing"
	"time"

	"github.com/clvkit/clvkit/cohort"
)

// TestThrough: a log whose last order is in 2025-05, extended through
// 2025-09: four zero months for the cohort and the KPIs, the cumulative
// figures carried, retention 0 twelve months after an active month;
// months not after the last leave the table as it is.
func TestThrough(t *testing.T) {
	a := cohort.New()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tx := range []struct {
		c   int
		t   time.Time
		amt float64
	}{{0, day(2024, 9, 3), 5}, {0, day(2025, 1, 1), 10}, {1, day(2025, 2, 1), 12}, {0, day(2025, 5, 1), 9}} {
		if err := a.Add(tx.c, tx.t, tx.amt); err != nil {
			t.Fatal(err)
		}
	}
	tab := a.Table()
	end := cohort.MonthOf(day(2025, 9, 30))
	if got := tab.Through(cohort.MonthOf(day(2025, 5, 31))); len(got.KPIs) != len(tab.KPIs) {
		t.Errorf("through the last month: %d KPIs, want %d", len(got.KPIs), len(tab.KPIs))
	}
	ext := tab.Through(end)
	if n, want := len(ext.KPIs), len(tab.KPIs)+4; n != want || ext.KPIs[n-1].Month != end {
		t.Fatalf("%d KPIs to %v, want %d to %v", n, ext.KPIs[n-1].Month, want, end)
	}
	last := tab.KPIs[len(tab.KPIs)-1]
	for _, k := range ext.KPIs[len(tab.KPIs):] {
		if k.Active != 0 || k.Orders != 0 || k.Revenue != 0 || k.New != 0 || !math.IsNaN(k.AverageOrderValue) ||
			k.Customers != last.Customers || k.Repeat != last.Repeat || k.RepeatPurchaseRate != last.RepeatPurchaseRate {
			t.Errorf("added month %v: %+v, want zeros and the cumulative figures of %+v", k.Month, k, last)
		}
	}
	// 2025-09 is twelve months after 2024-09, when the first customer was active.
	if k := ext.KPIs[len(ext.KPIs)-1]; k.Retention12 != 0 {
		t.Errorf("%v: retention %v, want 0", k.Month, k.Retention12)
	}
	if k := ext.KPIs[len(ext.KPIs)-2]; !math.IsNaN(k.Retention12) {
		t.Errorf("%v: retention %v, want NaN (no active customer twelve months before)", k.Month, k.Retention12)
	}
	for i, c := range ext.Cohorts {
		if n, want := len(c.Months), len(tab.Cohorts[i].Months)+4; n != want {
			t.Errorf("cohort %v: %d months, want %d", c.Month, n, want)
		}
		for _, cell := range c.Months[len(tab.Cohorts[i].Months):] {
			if cell != (cohort.Cell{}) {
				t.Errorf("cohort %v: added month %+v, want zero", c.Month, cell)
			}
		}
		if len(tab.Cohorts[i].Months) == len(c.Months) {
			t.Errorf("cohort %v: the original table changed", c.Month)
		}
	}
}
