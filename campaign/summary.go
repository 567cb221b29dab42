package campaign

import (
	"errors"

	"github.com/clvkit/clvkit/clv"
)

// FromSummary returns the customers and their outcomes from a log
// summarized with the campaign date as its calibration end and the end of
// the window as its end (clv.SummaryOptions{CalibrationEnd: date, End:
// date + window}): the customers' summaries at the date (s.Customers),
// their purchases in the window (s.Holdout[i].Frequency) and revenue
// (Frequency × MonetaryValue, the window's total in continuous time; in
// the Calendar convention MonetaryValue is the mean over transactions,
// so this is approximate), and the window's length in the summaries'
// unit. Customers whose first purchase falls in the window are not
// customers at the date and are left out, as s leaves them out.
func FromSummary(s *clv.Summary) (cs []clv.Customer, outcomes []Outcome, window float64, err error) {
	if s == nil || len(s.Customers) == 0 {
		return nil, nil, 0, clv.ErrNoCustomers
	}
	if len(s.Holdout) != len(s.Customers) {
		return nil, nil, 0, errors.New("campaign: FromSummary: the summary has no holdout period: summarize with the campaign date as CalibrationEnd")
	}
	outcomes = make([]Outcome, len(s.Customers))
	for i, h := range s.Holdout {
		outcomes[i] = Outcome{Purchases: h.Frequency, Revenue: h.Frequency * h.MonetaryValue}
	}
	return s.Customers, outcomes, s.Holdout[0].Duration, nil
}
