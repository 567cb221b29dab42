// Package formula holds the simple, model-free CLV arithmetic that
// businesses use every day: average order value × frequency × lifetime,
// its profit, the retention-based value of a subscriber, the expected
// lifetime from a churn rate, and CLV against acquisition cost. They
// assume every customer is average; the models of clvkit give
// per-customer forecasts. Errors wrap predict.ErrBadValueOptions.
package formula

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv/predict"
)

// The simple formulas below are the historic, model-free CLV arithmetic that
// businesses use every day. They assume every customer is average and stays
// for a fixed or geometrically distributed lifetime; use them for a quick
// estimate, and the models for per-customer forecasts.

func checkNonNeg(name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%w: %s = %v, want a finite number ≥ 0", predict.ErrBadValueOptions, name, v)
	}
	return nil
}

func checkRate(name string, v float64) error {
	if !(v >= 0 && v <= 1) {
		return fmt.Errorf("%w: %s = %v, want a rate in [0, 1]", predict.ErrBadValueOptions, name, v)
	}
	return nil
}

// SimpleValue returns average order value × purchases per year × years of
// lifetime: the revenue of an average customer, undiscounted. It assumes a
// constant order value and frequency over a known lifetime.
//
// A customer who spends 30 € four times a year for 3 years is worth
// 30 × 4 × 3 = 360 €; one who spends 50 € five times a year for 10 years,
// 50 × 5 × 10 = 2,500 €.
func SimpleValue(orderValue, purchasesPerYear, years float64) (float64, error) {
	for _, v := range []struct {
		n string
		v float64
	}{{"order value", orderValue}, {"purchases per year", purchasesPerYear}, {"years", years}} {
		if err := checkNonNeg(v.n, v.v); err != nil {
			return 0, err
		}
	}
	return orderValue * purchasesPerYear * years, nil
}

// SimpleProfit returns SimpleValue × margin: the gross profit of an average
// customer, with margin in [0, 1]. At a 20% margin the 360 € customer of
// SimpleValue is worth 72 €.
func SimpleProfit(orderValue, purchasesPerYear, years, margin float64) (float64, error) {
	if err := checkRate("margin", margin); err != nil {
		return 0, err
	}
	v, err := SimpleValue(orderValue, purchasesPerYear, years)
	return v * margin, err
}

// RetentionValue returns the discounted value of a customer who brings
// margin m per period while retained, retained from one period to the next
// with probability r, with discount rate d per period:
//
//	CLV = Σ_{t=1..n} m·r^t/(1+d)^t.
//
// The first margin is counted at the end of the first period, after one
// retention. With periods n = 0 the sum runs forever and has the closed form
// m·r/(1+d−r), which requires r < 1+d. For m = 100, r = 0.8, d = 0.1 the
// infinite sum is 100·0.8/0.3 = 266.67, and over 3 periods
// 72.73 + 52.89 + 38.47 = 164.09.
func RetentionValue(margin, retention, discount float64, periods int) (float64, error) {
	if err := checkNonNeg("margin", margin); err != nil {
		return 0, err
	}
	if err := checkRate("retention", retention); err != nil {
		return 0, err
	}
	if err := checkNonNeg("discount rate", discount); err != nil {
		return 0, err
	}
	if periods < 0 {
		return 0, fmt.Errorf("%w: periods %d < 0", predict.ErrBadValueOptions, periods)
	}
	if periods == 0 {
		if retention >= 1+discount {
			return 0, fmt.Errorf("%w: retention %v ≥ 1 + discount rate %v: the infinite sum diverges", predict.ErrBadValueOptions, retention, discount)
		}
		return margin * retention / (1 + discount - retention), nil
	}
	k := retention / (1 + discount)
	sum, f := 0.0, 1.0
	for range periods {
		f *= k
		sum += f
	}
	return margin * sum, nil
}

// LifetimeFromChurn returns the expected lifetime in periods, 1/churn, of a
// customer who leaves with probability churn in (0, 1] each period
// (geometric lifetime). A 20% yearly churn gives a 5-year lifetime.
func LifetimeFromChurn(churn float64) (float64, error) {
	if !(churn > 0 && churn <= 1) {
		return 0, fmt.Errorf("%w: churn %v, want a rate in (0, 1]", predict.ErrBadValueOptions, churn)
	}
	return 1 / churn, nil
}

// Acquisition compares a customer's value with the cost of acquiring the
// customer.
type Acquisition struct {
	// Ratio is CLV/CAC; practitioners aim for 3 or more.
	Ratio float64
	// PaybackPeriods is CAC / margin per period: the periods until the
	// acquisition cost is earned back (+Inf if the margin is zero).
	PaybackPeriods float64
}

// CompareAcquisition returns the CLV/CAC ratio of a customer worth value and the payback period. A
// customer worth 360 € acquired for 120 € has a ratio of 3; at 10 € of
// margin a month, the 120 € are earned back in 12 months.
func CompareAcquisition(value, cac, marginPerPeriod float64) (Acquisition, error) {
	if err := checkNonNeg("CLV", value); err != nil {
		return Acquisition{}, err
	}
	if !(cac > 0) || math.IsInf(cac, 0) {
		return Acquisition{}, fmt.Errorf("%w: acquisition cost %v, want > 0", predict.ErrBadValueOptions, cac)
	}
	if err := checkNonNeg("margin per period", marginPerPeriod); err != nil {
		return Acquisition{}, err
	}
	a := Acquisition{Ratio: value / cac, PaybackPeriods: math.Inf(1)}
	if marginPerPeriod > 0 {
		a.PaybackPeriods = cac / marginPerPeriod
	}
	return a, nil
}
