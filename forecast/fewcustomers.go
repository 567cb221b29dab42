package forecast

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
)

// FewCustomers is the number of customers below which the job notes that
// its log is too small to forecast from (progress, report and
// model.json's data.few_customers); it still runs, on any number, since
// users try it on small files.
//
// Every model of the job is a population model: it describes how
// customers differ (a gamma distribution of purchase rates, a beta or
// gamma distribution of dropout, a gamma distribution of mean spend) and
// estimates that distribution's shape from the spread across customers.
// A handful of customers cannot show a spread: on 1 to 3 customers the
// BG/NBD is not identified (bgnbd's TestHandfulNotIdentified), and the
// Pareto/NBD is fitted at both its limits (every customer the same
// Poisson rate, none ever dropping out), so that it gives P(alive) = 1
// for everyone. Measured on the shipped log (testdata/transactions.csv),
// Pareto/NBD on its first 10 customers: both heterogeneities at their
// limits; on its first 30: the dropout heterogeneity at its limit, r =
// 0.47 with a standard error of 0.23; on its first 100 it converges (r =
// 0.32 ± 0.08). Thirty customers is a floor below which the numbers are
// not to be relied on, not a size above which they are: the fits' status
// and standard errors tell that.
const FewCustomers = 30

// fewCustomers is the note on a run whose purchase models are fitted on
// fewer than FewCustomers customers: the whole observation's (whole), or,
// with a calibration period (cal, nil without one), the calibration
// period's, on which the models are compared and checked. It returns the
// number of customers, which set they are ("whole" or "calibration") and
// the note, or a zero count and "" if there are enough.
func fewCustomers(whole, cal *clv.Summary) (n int, period, note string) {
	if n = len(whole.Customers); n < FewCustomers {
		return n, "whole", fmt.Sprintf("the log has only %s: a model of how customers differ cannot be estimated from fewer than %d; "+
			"the fits sit at limits of their models or are very uncertain, and P(alive), the expected purchases and the values "+
			"are not to be relied on: forecast from a log of more customers", customers(n), FewCustomers)
	}
	if cal == nil {
		return 0, "", ""
	}
	if n = len(cal.Customers); n < FewCustomers {
		return n, "calibration", fmt.Sprintf("the calibration period has only %s: the comparison of the purchase models "+
			"and the holdout check, fitted on fewer than %d customers, are not to be relied on: end the calibration later",
			customers(n), FewCustomers)
	}
	return 0, "", ""
}

// fewCustomersJSON is model.json's data.few_customers, or nil if the run
// has enough customers.
func (r *Result) fewCustomersJSON() map[string]any {
	n, period, note := fewCustomers(r.Summary, r.Calibration)
	if note == "" {
		return nil
	}
	return map[string]any{"customers": n, "minimum": FewCustomers, "period": period, "note": note}
}
