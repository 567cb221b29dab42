package forecast

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// maxProfileRows is the number of distinct covariate profiles up to which
// the value per profile lists each; with more, it lists each level of the
// categorical (and 0/1) columns, the other covariates at their mean.
const maxProfileRows = 12

// ProfileValue is the value of a new customer with one covariate profile:
// the figure to set against the cost of acquiring such a customer (by
// acquisition channel, say). A new customer is one who made a first
// purchase at the end of observation; the value counts the repeat
// purchases over the forecast's horizon, as the customers' CLV does, and
// leaves out the first purchase (whose value the spend model does not
// describe: Gamma-Gamma models repeat purchases).
type ProfileValue struct {
	// Label names the profile, e.g. "Channel = online, Gender = 1", or
	// "Channel = online (others at their mean)" for a level with the other
	// covariates at their mean over the customers.
	Label string
	Z     []float64 // the covariate vector, in the order of Covariates.Names
	// Customers counts the log's customers with the profile (with the
	// level, for a level's row).
	Customers int
	// Purchases is the expected number of repeat purchases of a new
	// customer with the profile over the horizon (the purchase model's
	// ExpectedPurchases at the profile); Discounted the same discounted
	// by the month at Config.Discount, as the CLV is.
	Purchases, Discounted float64
	// MeanSpend is the expected value of a purchase of a customer with
	// the profile about whom nothing else is known (the spend model's
	// population mean at the profile); NaN in a run without amounts.
	MeanSpend float64
	// Value is Discounted × MeanSpend × Config.Margin
	// (predict.NewCustomerValue at the profile's models); NaN without amounts.
	Value float64
	// Interval is the interval of Value (of Discounted without amounts)
	// at Config.Interval over the draws of the models' parameters (those
	// of the intervals of the forecasts); nil without Config.Interval, or
	// when the models have no draws.
	Interval *interval.Interval
}

// profileRow is a profile to value.
type profileRow struct {
	label string
	z     []float64
	n     int
}

// profileRows returns the profiles to value: the distinct profiles of
// the log's customers with a row if there are at most maxProfileRows,
// else each level of every categorical or 0/1 column with the other
// covariates at their mean; if there are none, the mean profile.
func (c *Covariates) profileRows(cs []clv.Customer) []profileRow {
	t := c.tab
	count := make([]int, len(t.profs))
	for _, cu := range cs {
		count[t.slotOf(cu.ID)]++
	}
	// first[i]: the first covariate of column i.
	first := make([]int, len(c.Columns))
	q := 0
	for i, col := range c.Columns {
		first[i] = q
		if col.Categorical {
			q += len(col.Levels) - 1
		} else {
			q++
		}
	}
	// level returns column i's value in z as text.
	level := func(i int, z []float64) string {
		col := c.Columns[i]
		if !col.Categorical {
			return strconv.FormatFloat(z[first[i]], 'g', 6, 64)
		}
		for k := range col.Levels[1:] {
			if z[first[i]+k] == 1 {
				return col.Levels[k+1]
			}
		}
		return col.Reference
	}
	var out []profileRow
	if n := len(t.profs) - 1; n <= maxProfileRows {
		for g, z := range t.profs[:n] {
			parts := make([]string, len(c.Columns))
			for i, col := range c.Columns {
				parts[i] = col.Name + " = " + level(i, z)
			}
			out = append(out, profileRow{label: strings.Join(parts, ", "), z: z, n: count[g]})
		}
		slices.SortFunc(out, func(a, b profileRow) int { return strings.Compare(a.label, b.label) })
		return out
	}
	for i, col := range c.Columns {
		var levels []string
		switch {
		case col.Categorical:
			levels = col.Levels
		case col.Binary:
			levels = []string{"0", "1"}
		default:
			continue
		}
		for k, l := range levels {
			z := slices.Clone(c.Mean)
			if col.Categorical {
				for m := range levels[1:] {
					z[first[i]+m] = 0
				}
				if k > 0 {
					z[first[i]+k-1] = 1
				}
			} else {
				z[first[i]] = float64(k)
			}
			n := 0
			for g, pz := range t.profs[:len(t.profs)-1] {
				if level(i, pz) == l {
					n += count[g]
				}
			}
			out = append(out, profileRow{label: col.Name + " = " + l + " (others at their mean)", z: z, n: n})
		}
	}
	if len(out) == 0 {
		out = append(out, profileRow{label: "every covariate at its mean", z: slices.Clone(c.Mean), n: len(cs)})
	}
	return out
}

// unitMean is a population spend of 1 per purchase.
type unitMean struct{}

func (unitMean) PopulationMean() float64 { return 1 }

// profileModels is how the value of a profile is computed: the purchase
// model at a profile, and the spend model at a profile (nil without
// amounts).
type profileModels struct {
	purchase func(z []float64) (clv.NewCustomerModel, error)
	spend    func(z []float64) (clv.PopulationSpend, error)
}

// value returns the discounted purchases and the value of a new customer
// with profile z, and its undiscounted purchases over the horizon.
func (pm profileModels) value(z []float64, horizon float64, o predict.ValueOptions) (purchases, disc, mean, value float64, err error) {
	m, err := pm.purchase(z)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	unit := o
	unit.Margin = 1
	if disc, err = predict.NewCustomerValue(m, unitMean{}, 0, unit); err != nil {
		return 0, 0, 0, 0, err
	}
	mean, value = math.NaN(), math.NaN()
	if pm.spend != nil {
		s, err := pm.spend(z)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		mean = s.PopulationMean()
		if value, err = predict.NewCustomerValue(m, s, 0, o); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	return m.ExpectedPurchases(horizon), disc, mean, value, nil
}

// profileValues fills Covariates.Profiles, with their intervals under
// Config.Interval.
func (j *job) profileValues(ctx context.Context, res *Result) error {
	c, cfg := res.Covariates, j.cfg
	rows := c.profileRows(res.Summary.Customers)
	// The purchase model: the chosen one if it has covariates, else the
	// model of the effects, else the chosen model for every profile.
	cp, _ := res.Choice.Model.(*covPurchase)
	if cp == nil {
		cp = c.purchase
	}
	var est profileModels
	var drawPurchase func(n int) ([]func([]float64) (clv.NewCustomerModel, error), error)
	if cp != nil {
		c.ProfilesModel = cp.name
		est.purchase = func(z []float64) (clv.NewCustomerModel, error) { return cp.at(z) }
		if cp.sample != nil {
			drawPurchase = func(n int) ([]func([]float64) (clv.NewCustomerModel, error), error) {
				fs, err := cp.sample(rand.NewPCG(purchaseSeed, 1), n)
				out := make([]func([]float64) (clv.NewCustomerModel, error), len(fs))
				for d, f := range fs {
					out[d] = func(z []float64) (clv.NewCustomerModel, error) { return f(z) }
				}
				return out, err
			}
		}
	} else {
		c.ProfilesModel = res.Choice.Name
		pm := res.Choice.Model
		est.purchase = func([]float64) (clv.NewCustomerModel, error) { return pm, nil }
		drawPurchase = func(n int) ([]func([]float64) (clv.NewCustomerModel, error), error) {
			pms, err := purchaseDraws(res.Choice.Name, pm, rand.NewPCG(purchaseSeed, 1), n)
			out := make([]func([]float64) (clv.NewCustomerModel, error), len(pms))
			for d, m := range pms {
				nm, ok := m.(clv.NewCustomerModel)
				if !ok {
					return nil, fmt.Errorf("draw %d of %v has no ExpectedPurchases", d, pm)
				}
				out[d] = func([]float64) (clv.NewCustomerModel, error) { return nm, nil }
			}
			return out, err
		}
	}
	if res.Spend != nil {
		est.spend = spendAt(c.Spend, res.Spend)
	}
	month := res.Horizon / float64(cfg.Months)
	o := predict.ValueOptions{Periods: cfg.Months, PeriodLength: month, DiscountRate: cfg.Discount, Margin: cfg.Margin}
	c.Profiles = make([]ProfileValue, len(rows))
	for i, r := range rows {
		p, d, mean, v, err := est.value(r.z, res.Horizon, o)
		if err != nil {
			return fmt.Errorf("the value of a new customer with %s: %w", r.label, err)
		}
		c.Profiles[i] = ProfileValue{Label: r.label, Z: r.z, Customers: r.n, Purchases: p, Discounted: d, MeanSpend: mean, Value: v}
	}
	if cfg.Interval <= 0 {
		return ctx.Err()
	}
	if err := j.profileIntervals(res, rows, drawPurchase, o); err != nil {
		j.say("  new-customer values per profile without intervals: %v", err)
	}
	return ctx.Err()
}

// profileIntervals fills the profiles' intervals from IntervalDraws draws
// of the purchase and spend models' parameters.
func (j *job) profileIntervals(res *Result, rows []profileRow, drawPurchase func(int) ([]func([]float64) (clv.NewCustomerModel, error), error), o predict.ValueOptions) error {
	c, cfg := res.Covariates, j.cfg
	n := cfg.IntervalDraws
	if drawPurchase == nil {
		return fmt.Errorf("%v has no parameter draws", ModelTitle(c.ProfilesModel))
	}
	pds, err := drawPurchase(n)
	if err != nil {
		return err
	}
	var sds []func([]float64) (clv.PopulationSpend, error)
	if res.Spend != nil {
		if c.Spend != nil {
			sps, err := c.Spend.SampleParams(rand.NewPCG(spendSeed, 1), n)
			if err != nil {
				return err
			}
			for _, p := range sps {
				dm, err := gammagamma.NewCovariates(p)
				if err != nil {
					return err
				}
				sds = append(sds, spendAt(dm, nil))
			}
		} else {
			sps, err := spendDraws(res.Spend, rand.NewPCG(spendSeed, 1), n)
			if err != nil {
				return err
			}
			for _, p := range sps {
				sm, err := gammagamma.New(p)
				if err != nil {
					return err
				}
				sds = append(sds, spendAt(nil, sm))
			}
		}
	}
	vals := make([]float64, n)
	for i, r := range rows {
		for d := range n {
			pm := profileModels{purchase: pds[d]}
			if sds != nil {
				pm.spend = sds[d]
			}
			_, disc, _, v, err := pm.value(r.z, res.Horizon, o)
			if err != nil {
				return fmt.Errorf("draw %d, %s: %w", d, r.label, err)
			}
			if sds == nil {
				v = disc
			}
			vals[d] = v
		}
		iv := interval.FromDraws(vals, cfg.Interval)
		c.Profiles[i].Interval = &iv
	}
	return nil
}

// spendAt returns the population spend at a profile: of the model with
// covariates m if not nil, else of plain for every profile.
func spendAt(m *gammagamma.CovModel, plain *gammagamma.Model) func([]float64) (clv.PopulationSpend, error) {
	if m == nil {
		return func([]float64) (clv.PopulationSpend, error) { return plain, nil }
	}
	return func(z []float64) (clv.PopulationSpend, error) { return m.Customer(z) }
}

// WriteProfilesCSV writes profiles.csv: the value of a new customer per
// covariate profile (Covariates.Profiles), one row per profile: profile,
// customers, expected_purchases, discounted_purchases,
// mean_spend_per_purchase and value (empty without amounts), value_low
// and value_high (with intervals; of the discounted purchases without
// amounts), then the profile's covariate vector by name.
func (res *Result) WriteProfilesCSV(w io.Writer) error {
	c := res.Covariates
	if c == nil {
		return fmt.Errorf("forecast: no covariates")
	}
	head := []string{"profile", "customers", "expected_purchases", "discounted_purchases", "mean_spend_per_purchase", "value", "value_low", "value_high"}
	for _, n := range c.Names {
		head = append(head, cell(n))
	}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return ff(v)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range c.Profiles {
		row := []string{cell(p.Label), strconv.Itoa(p.Customers), ff(p.Purchases), ff(p.Discounted), num(p.MeanSpend), num(p.Value), "", ""}
		if p.Interval != nil {
			row[6], row[7] = num(p.Interval.Low), num(p.Interval.High)
		}
		for _, v := range p.Z {
			row = append(row, ff(v))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
