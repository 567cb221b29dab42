package forecast

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/segment"
)

// DefaultCampaignWindow is the window, in days after the campaign date, a
// campaign is judged on when CampaignConfig.Window is zero: a quarter.
const DefaultCampaignWindow = 91

// DefaultCampaignDraws is the number of the purchase model's parameter
// draws the campaign's intervals start from when CampaignConfig.Draws is
// zero. The Monte-Carlo error the draws leave in the intervals' ends
// (campaign.Result.MCError, as a share of the interval's half-width) is
// about √(f/(z²D) + f²/(2D)) for D draws, f the share of the interval's
// variance that comes from the parameters and z the level's normal
// quantile: with 40 draws at 90%, 6% at f = 0.3, 15% at f = 1. Where it
// exceeds CampaignMCTolerance the job measures again with as many more
// draws as bring it there, up to MaxCampaignAutoDraws.
const DefaultCampaignDraws = 40

// CampaignMCTolerance is the Monte-Carlo error (campaign.Result.MCError)
// the job accepts in the campaign's intervals when it chooses the number
// of draws (CampaignConfig.Draws zero), and MaxCampaignAutoDraws the most
// draws it then takes.
const (
	CampaignMCTolerance  = 0.05
	MaxCampaignAutoDraws = 400
)

// maxCampaignIDs bounds the ids read from each file of ids.
const maxCampaignIDs = 50_000_000

// CampaignConfig configures the measure of a campaign's effect
// (Config.Campaign; package campaign has the method): the customers
// contacted on Date (and, optionally, a control group not contacted), whose
// purchases in the Window days after it are compared with what the
// purchase model, fitted on the log up to and including Date, expected of
// them. The job summarizes the log at Date in the same read as its own
// summaries.
type CampaignConfig struct {
	// Contacted is a file of the contacted customers' ids, one a line
	// (surrounding blanks trimmed, blank lines skipped, a first line equal
	// to the log's id column name skipped as a header); required.
	// ContactedName names it in errors ("contacted.txt:12: ...").
	Contacted     io.Reader
	ContactedName string
	// Control, if not nil, is a file of the control group's ids, read as
	// Contacted: customers who could have been contacted and were not,
	// best chosen at random with the contacted.
	Control     io.Reader
	ControlName string
	// Date is the campaign date: with Config.EndOfDay its whole day is
	// before the campaign (the model is fitted on the log up to and
	// including it). It must be after the log's first transaction and
	// before the end of observation.
	Date time.Time
	// Window is the number of days after Date the campaign is judged on,
	// 1 to MaxCampaignWindow; zero means DefaultCampaignWindow. The window
	// must end by the end of observation.
	Window int
	// CostPerContact is the cost of contacting one customer (≥ 0; zero:
	// no ROI). The profit takes Config.Margin.
	CostPerContact float64
	// Draws is the number of parameter draws of the intervals, 2 to
	// interval.MaxDraws, or −1 for none (process noise only); zero lets
	// the job choose: DefaultCampaignDraws, more where their Monte-Carlo
	// error exceeds CampaignMCTolerance. The intervals' level is
	// Config.Interval, or 0.9 without it.
	Draws int
}

// MaxCampaignWindow bounds CampaignConfig.Window: ten years of days.
const MaxCampaignWindow = 3660

// Campaign is a campaign's measured effect (Config.Campaign).
type Campaign struct {
	// Date is the campaign date and WindowEnd the end of its window.
	Date, WindowEnd time.Time
	// Window is the window's length in the models' time unit.
	Window float64
	// Customers counts the customers at the date (a purchase up to it).
	Customers int
	// Model names the purchase model (the job's choice, without its
	// covariates), Fitted is it fitted on the log up to the date, and
	// Spend the Gamma-Gamma model fitted up to the date (nil without
	// amounts: revenue is then not compared).
	Model  string
	Fitted PurchaseModel
	Spend  *gammagamma.Model
	// CostPerContact and Margin are what the profit takes.
	CostPerContact, Margin float64
	// Effect is campaign.Measure's result: the effect on all the contacted,
	// and per RFM segment at the date (Effect.Groups).
	Effect *campaign.Result
	// DrawsNote says why the intervals have no parameter draws, when they
	// have none although asked for (a fit at a boundary of the model).
	DrawsNote string
}

// checkCampaign checks Config.Campaign, filling in its defaults.
func (c *Config) checkCampaign() error {
	if c.Campaign == nil {
		return nil
	}
	cp := *c.Campaign // the defaults filled in on the job's copy
	cc := &cp
	c.Campaign = cc
	if cc.Window == 0 {
		cc.Window = DefaultCampaignWindow
	}
	day := cc.Date.Format(time.DateOnly)
	switch {
	case c.Summaries:
		return &ConfigError{Field: "Campaign.Date", Value: day, Want: "a transaction log (summaries have no dates to split at), not", With: "Summaries"}
	case cc.Contacted == nil:
		return &ConfigError{Field: "Campaign.Contacted", Want: "a file of the contacted customers' ids with", With: "Campaign.Date"}
	case cc.Date.IsZero():
		return &ConfigError{Field: "Campaign.Date", Want: "the campaign's date with", With: "Campaign.Contacted"}
	case cc.Window < 1 || cc.Window > MaxCampaignWindow:
		return &ConfigError{Field: "Campaign.Window", Value: strconv.Itoa(cc.Window), Want: fmt.Sprintf("1 to %d days", MaxCampaignWindow)}
	case !(cc.CostPerContact >= 0) || math.IsInf(cc.CostPerContact, 0):
		return &ConfigError{Field: "Campaign.CostPerContact", Value: fmt.Sprint(cc.CostPerContact), Want: "a cost ≥ 0"}
	case cc.Draws != -1 && cc.Draws != 0 && (cc.Draws < 2 || cc.Draws > interval.MaxDraws):
		return &ConfigError{Field: "Campaign.Draws", Value: strconv.Itoa(cc.Draws), Want: fmt.Sprintf("2 to %d, or -1 for none", interval.MaxDraws)}
	case !c.End.IsZero() && !cc.Date.Before(c.End):
		return &ConfigError{Field: "Campaign.Date", Value: day, Want: "a date before", With: "End"}
	}
	return nil
}

// campaignRead summarizes the log at the campaign date during the job's
// one read of it: an Observer of the job's summarizer (passing every group
// on to the one it replaces, the cohorts') that adds each transaction to a
// second summarizer, with the campaign date as its calibration end and the
// window's end as its end.
type campaignRead struct {
	s    *clv.Summarizer
	next clv.Observer
	buf  []clv.Transaction
	err  error
}

// observeCampaign installs a campaignRead as opts' Observer; nil without
// Config.Campaign.
func (j *job) observeCampaign(opts *clv.SummaryOptions) *campaignRead {
	cc := j.cfg.Campaign
	if cc == nil {
		return nil
	}
	s, err := clv.NewSummarizer(clv.SummaryOptions{CalibrationEnd: cc.Date, End: cc.Date.AddDate(0, 0, cc.Window),
		Unit: opts.Unit, EndOfDay: opts.EndOfDay, AllowNegative: opts.AllowNegative, SkipAfterEnd: true})
	cr := &campaignRead{s: s, next: opts.Observer, err: err}
	opts.Observer = cr
	return cr
}

// Observe implements clv.Observer.
func (cr *campaignRead) Observe(ks []int32, ts []clv.Transaction) {
	if cr.next != nil {
		cr.next.Observe(ks, ts)
	}
	if cr.err != nil {
		return
	}
	cr.buf = cr.buf[:0]
	for i, t := range ts {
		if ks[i] >= 0 {
			cr.buf = append(cr.buf, t)
		}
	}
	if _, err := cr.s.AddBatch(cr.buf); err != nil {
		cr.err = err
	}
}

// campaignSpend values a customer's purchases as the job's spend does
// (the population's for customers whose mean repeat value is ≤ 0), with
// the values' second moments (clv.ValueMoments) to match.
type campaignSpend struct{ m *gammagamma.Model }

// ConditionalExpectedValue implements clv.SpendModel.
func (s campaignSpend) ConditionalExpectedValue(c clv.Customer) float64 {
	return s.m.ConditionalExpectedValue(s.valued(c))
}

// ConditionalValueMoments implements clv.ValueMoments.
func (s campaignSpend) ConditionalValueMoments(c clv.Customer) (cross, square float64) {
	return s.m.ConditionalValueMoments(s.valued(c))
}

// valued returns c, as a customer of whom nothing is known when its mean
// repeat value is ≤ 0.
func (campaignSpend) valued(c clv.Customer) clv.Customer {
	if c.Frequency > 0 && c.MonetaryValue <= 0 {
		return clv.Customer{ID: c.ID, T: c.T}
	}
	return c
}

// measureCampaign measures the campaign of Config.Campaign on the log's
// summaries at its date (cr), after the job's choice of model.
func (j *job) measureCampaign(ctx context.Context, res *Result, cr *campaignRead) (*Campaign, error) {
	cfg, cc := j.cfg, j.cfg.Campaign
	day := cc.Date.Format(time.DateOnly)
	if cr.err != nil {
		return nil, fmt.Errorf("campaign: summarizing the log at %s: %w", day, cr.err)
	}
	sum, err := cr.s.Summary()
	if errors.Is(err, clv.ErrEmptyLog) {
		return nil, &ConfigError{Field: "Campaign.Date", Value: day, Want: "a date after the log's first transaction, " + res.Summary.First.Format(time.DateOnly)}
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: summarizing the log at %s: %w", day, err)
	}
	end := res.Summary.End
	windowEnd := cc.Date.AddDate(0, 0, cc.Window)
	endDay, lastDay := end, windowEnd
	if cfg.EndOfDay {
		endDay, lastDay = end.Truncate(24*time.Hour), windowEnd.Truncate(24*time.Hour)
	}
	switch {
	case !cc.Date.Before(endDay):
		return nil, &ConfigError{Field: "Campaign.Date", Value: day, Want: "a date before the end of observation, " + clockOf(end)}
	case lastDay.After(endDay):
		days := int(endDay.Sub(cc.Date.Truncate(24*time.Hour)).Hours() / 24)
		return nil, &ConfigError{Field: "Campaign.Window", Value: strconv.Itoa(cc.Window),
			Want: fmt.Sprintf("at most %d days: the window from %s would end on %s, after the end of observation, %s", days, day, windowEnd.Format(time.DateOnly), clockOf(end))}
	}
	cs, outcomes, window, err := campaign.FromSummary(sum)
	if err != nil {
		return nil, err
	}
	in := campaign.Input{Customers: cs, Outcomes: outcomes}
	if in.ContactedAt, in.ControlAt, err = readCampaignIDs(cfg, cs); err != nil {
		return nil, err
	}
	out := &Campaign{Date: cc.Date, WindowEnd: windowEnd, Window: window, Customers: len(cs),
		Model: strings.TrimSuffix(res.Choice.Name, "-cov"), CostPerContact: cc.CostPerContact, Margin: cfg.Margin}
	j.say("campaign of %s: %d contacted, %d in the control group, among %d customers at the date; fitting %s on the log up to it",
		day, len(in.ContactedAt), len(in.ControlAt), len(cs), ModelTitle(out.Model))
	fits := j.fits
	fits.start = nil
	if out.Fitted, err = fits.fit(ctx, out.Model, cs, nil); err != nil {
		return nil, fmt.Errorf("campaign: %s on the log up to %s: %w", ModelTitle(out.Model), day, err)
	}
	j.say("  %v", out.Fitted)
	nDraws := cc.Draws
	if nDraws == 0 {
		nDraws = DefaultCampaignDraws
	}
	draws, err := out.draws(nDraws)
	if err != nil {
		return nil, err
	}
	if out.DrawsNote != "" {
		j.say("  the intervals carry the process noise only: %s", out.DrawsNote)
	}
	var sm clv.SpendModel
	if !cfg.NoAmounts {
		if out.Spend, err = fitSpendModel(ctx, cs, cfg.Penalizer, nil); err != nil {
			return nil, fmt.Errorf("campaign: the spend model on the log up to %s: %w", day, err)
		}
		j.say("  %v", out.Spend)
		sm = campaignSpend{out.Spend}
	}
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	in.Labels = make([]string, len(cs))
	for i, r := range rfm {
		in.Labels[i] = r.Segment
	}
	level := cfg.Interval
	if level == 0 {
		level = 0.9
	}
	opts := campaign.Options{Window: window, Level: level, Draws: draws, CostPerContact: cc.CostPerContact, Margin: cfg.Margin}
	if out.Effect, err = campaign.Measure(ctx, out.Fitted, sm, in, opts); err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	if mc := out.Effect.MCError; cc.Draws == 0 && mc > CampaignMCTolerance && len(draws) < MaxCampaignAutoDraws {
		// The error falls as 1/√D: as many draws as bring it to the tolerance.
		n := min(MaxCampaignAutoDraws, int(math.Ceil(float64(len(draws))*(mc/CampaignMCTolerance)*(mc/CampaignMCTolerance))))
		j.say("  Monte-Carlo error %.1f%% of the intervals' half-width from %d draws: measuring again with %d", 100*mc, len(draws), n)
		if opts.Draws, err = out.draws(n); err != nil {
			return nil, err
		}
		if out.Effect, err = campaign.Measure(ctx, out.Fitted, sm, in, opts); err != nil {
			return nil, fmt.Errorf("campaign: %w", err)
		}
	}
	t := out.Effect.Total
	j.say("  incremental purchases %.1f [%.1f, %.1f] (model)", t.Purchases.Incremental.Value, t.Purchases.Incremental.Low, t.Purchases.Incremental.High)
	if t.Control > 0 {
		j.say("  incremental purchases %.1f [%.1f, %.1f] (difference in differences)", t.DiDPurchases.Value, t.DiDPurchases.Low, t.DiDPurchases.High)
	}
	return out, nil
}

// draws returns n models of the fitted model's kind with parameters drawn
// from its fit's approximate sampling distribution; none for n < 0, and
// none, saying why in DrawsNote, for a fit at a boundary of the model.
func (x *Campaign) draws(n int) ([]clv.PurchaseModel, error) {
	if n < 0 {
		return nil, nil
	}
	draws, err := purchaseDraws(x.Model, x.Fitted, rand.NewPCG(purchaseSeed, 0xca), n)
	if errors.Is(err, ErrNoIntervals) {
		x.DrawsNote = err.Error()
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	return draws, nil
}

// clockOf formats t as a date, with the time of day if it is not midnight.
func clockOf(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// maxUnknownNamed bounds the lines an error about unknown ids names.
const maxUnknownNamed = 5

// readCampaignIDs reads the contacted and control ids and returns their
// customers' indices into cs, the customers at the date: an id twice, in
// both files, or not a customer at the date is an error naming the file's
// line.
func readCampaignIDs(cfg Config, cs []clv.Customer) (contacted, control []int, err error) {
	cc := cfg.Campaign
	known := make(map[string]int, len(cs))
	for i, c := range cs {
		known[c.ID] = i
	}
	header := cfg.CSV.ID
	if header == "" {
		header = "customer_id"
	}
	seen := map[string]string{} // id → "file:line"
	read := func(r io.Reader, name string) ([]int, error) {
		if name == "" {
			name = "ids"
		}
		var ids []int
		var unknown []string
		nUnknown := 0
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			id := strings.TrimSpace(sc.Text())
			if id == "" || (line == 1 && id == header) {
				continue
			}
			at := fmt.Sprintf("%s:%d", name, line)
			if prev, dup := seen[id]; dup {
				return nil, fmt.Errorf("%w: %s: id %q given before, on %s", campaign.ErrBadGroups, at, id, prev)
			}
			seen[id] = at
			i, ok := known[id]
			if !ok {
				if nUnknown++; len(unknown) < maxUnknownNamed {
					unknown = append(unknown, fmt.Sprintf("%s: %q", at, id))
				}
				continue
			}
			if len(ids) == maxCampaignIDs {
				return nil, fmt.Errorf("%s: more than %d ids", at, maxCampaignIDs)
			}
			ids = append(ids, i)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if nUnknown > 0 {
			more := ""
			if nUnknown > len(unknown) {
				more = fmt.Sprintf(" and %d more", nUnknown-len(unknown))
			}
			return nil, fmt.Errorf("%w: %d ids of %s are not customers with a purchase up to the campaign date %s: %s%s",
				campaign.ErrUnknownCustomer, nUnknown, name, cc.Date.Format(time.DateOnly), strings.Join(unknown, ", "), more)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("%w: %s has no ids", campaign.ErrBadGroups, name)
		}
		return ids, nil
	}
	if contacted, err = read(cc.Contacted, cc.ContactedName); err != nil {
		return nil, nil, err
	}
	if cc.Control != nil {
		if control, err = read(cc.Control, cc.ControlName); err != nil {
			return nil, nil, err
		}
	}
	return contacted, control, nil
}

// CampaignColumns are the columns of campaign.csv: per group of the
// contacted and control customers (all of them, then each RFM segment at
// the campaign date), the purchases and revenue bought in the window, what
// the model expected (value, interval), the incremental (actual −
// expected, interval), with a control group the difference in differences
// and the difference in means (value, interval), and the profit and ROI.
var CampaignColumns = func() []string {
	cols := []string{"group", "contacted", "control"}
	for _, q := range []string{"purchases", "revenue"} {
		cols = append(cols, q+"_actual")
		for _, e := range []string{"expected", "incremental", "control_incremental", "did", "diff"} {
			cols = append(cols, q+"_"+e, q+"_"+e+"_low", q+"_"+e+"_high")
		}
	}
	return append(cols, "profit", "profit_low", "profit_high", "roi", "roi_low", "roi_high")
}()

// WriteCampaignCSV writes campaign.csv (CampaignColumns): the group "all",
// then each RFM segment with contacted or control customers. Numbers that
// need a control group, a cost or amounts are empty without them.
func (res *Result) WriteCampaignCSV(w io.Writer) error {
	x := res.Campaign
	if x == nil {
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CampaignColumns); err != nil {
		return err
	}
	num := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return ff(v)
	}
	row := func(label string, e campaign.Effect) []string {
		r := []string{label, strconv.Itoa(e.Contacted), strconv.Itoa(e.Control)}
		est := func(v campaign.Estimate) { r = append(r, num(v.Value), num(v.Low), num(v.High)) }
		for k, cmp := range []campaign.Comparison{e.Purchases, e.Revenue} {
			ctl, did, diff := e.ControlPurchases, e.DiDPurchases, e.DiffPurchases
			if k == 1 {
				ctl, did, diff = e.ControlRevenue, e.DiDRevenue, e.DiffRevenue
			}
			if k == 1 && x.Spend == nil {
				r = append(r, make([]string, 16)...)
				continue
			}
			r = append(r, num(cmp.Actual))
			est(cmp.Expected)
			est(cmp.Incremental)
			est(ctl.Incremental)
			est(did)
			est(diff)
		}
		if x.Spend == nil {
			return append(r, make([]string, 6)...)
		}
		est(e.Profit)
		est(e.ROI)
		return r
	}
	if err := cw.Write(row("all", x.Effect.Total)); err != nil {
		return err
	}
	for _, g := range x.Effect.Groups {
		if g.Contacted+g.Control == 0 {
			continue
		}
		if err := cw.Write(row(g.Label, g)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// campaignJSON is model.json's "campaign": the totals, each estimate as
// [value, low, high] (null where it needs what the run lacks).
func (res *Result) campaignJSON() map[string]any {
	x := res.Campaign
	t := x.Effect.Total
	est := func(e campaign.Estimate) any {
		if math.IsNaN(e.Value) || math.IsNaN(e.Low) || math.IsNaN(e.High) {
			return nil
		}
		return []float64{e.Value, e.Low, e.High}
	}
	cmp := func(c campaign.Comparison, ctl campaign.Comparison, did, diff campaign.Estimate) map[string]any {
		return map[string]any{"actual": c.Actual, "expected": est(c.Expected), "incremental": est(c.Incremental),
			"control_incremental": est(ctl.Incremental), "difference_in_differences": est(did), "difference_in_means": est(diff)}
	}
	out := map[string]any{"date": x.Date.Format(time.DateOnly), "window_end": x.WindowEnd.Format(time.DateOnly), "window": x.Window,
		"customers": x.Customers, "contacted": t.Contacted, "control": t.Control, "model": x.Model, "fitted": x.Fitted,
		"level": x.Effect.Level, "draws": x.Effect.Draws, "mc_error": x.Effect.MCError, "cost_per_contact": x.CostPerContact, "margin": x.Margin,
		"purchases": cmp(t.Purchases, t.ControlPurchases, t.DiDPurchases, t.DiffPurchases),
		"groups":    len(x.Effect.Groups)}
	if x.Spend != nil {
		out["spend"] = x.Spend
		out["revenue"] = cmp(t.Revenue, t.ControlRevenue, t.DiDRevenue, t.DiffRevenue)
		out["profit"], out["roi"] = est(t.Profit), est(t.ROI)
	}
	if x.DrawsNote != "" {
		out["draws_note"] = x.DrawsNote
	}
	return out
}

// campaignReport is the data of the report's campaign section, nil
// without Config.Campaign.
func (res *Result) campaignReport() map[string]any {
	x := res.Campaign
	if x == nil {
		return nil
	}
	var groups []campaign.Effect
	for _, g := range x.Effect.Groups {
		if g.Contacted+g.Control > 0 {
			groups = append(groups, g)
		}
	}
	return map[string]any{"X": x, "T": x.Effect.Total, "Groups": groups, "Title": ModelTitle(x.Model),
		"Level": fmt.Sprintf("%g", 100*x.Effect.Level), "Date": x.Date.Format(time.DateOnly), "End": x.WindowEnd.Format(time.DateOnly),
		"Days": int(x.WindowEnd.Sub(x.Date).Hours()/24 + 0.5), "Valued": x.Spend != nil, "Cost": x.CostPerContact > 0, "MC": 100 * x.Effect.MCError}
}

// campaignHTML is the report's campaign section, a template of page's.
var campaignHTML = template.Must(page.New("campaign").Funcs(template.FuncMap{
	"iv": func(e campaign.Estimate, prec int) string {
		if math.IsNaN(e.Value) {
			return "—"
		}
		return fmt.Sprintf("%.*f [%.*f, %.*f]", prec, e.Value, prec, e.Low, prec, e.High)
	},
}).Parse(`{{with .}}<h2>Campaign effect</h2>
<p>The {{.T.Contacted}} customers contacted on {{.Date}}{{if .T.Control}} and the {{.T.Control}} of the control group{{end}}: what they bought in the {{.Days}} days to {{.End}},
against what the {{.Title}} model fitted on the log up to the campaign date ({{.X.Customers}} customers) expected of them without the campaign
({{.Level}}% intervals: the purchases' process noise{{if .X.Effect.Draws}} and {{.X.Effect.Draws}} draws of the parameters, whose Monte-Carlo error is {{printf "%.1f" .MC}}% of the intervals' half-width{{end}}{{if .Valued}}; revenue valued by the Gamma-Gamma model fitted up to the date{{end}}).
The incremental purchases are actual − expected; {{if .T.Control}}the difference in differences subtracts the model's error on the control group (actual − expected where
nothing happened), and the difference in means uses no model. {{end}}Profit is margin × incremental revenue − cost per contact × contacted, ROI profit / cost.</p>
<table><tr><th></th><th>purchases</th>{{if .Valued}}<th>revenue</th>{{end}}</tr>
<tr><td style="text-align:left">contacted: bought</td><td>{{printf "%.0f" .T.Purchases.Actual}}</td>{{if .Valued}}<td>{{printf "%.0f" .T.Revenue.Actual}}</td>{{end}}</tr>
<tr><td style="text-align:left">expected without the campaign</td><td>{{iv .T.Purchases.Expected 1}}</td>{{if .Valued}}<td>{{iv .T.Revenue.Expected 0}}</td>{{end}}</tr>
<tr><td style="text-align:left">incremental, model</td><td>{{iv .T.Purchases.Incremental 1}}</td>{{if .Valued}}<td>{{iv .T.Revenue.Incremental 0}}</td>{{end}}</tr>
{{if .T.Control}}<tr><td style="text-align:left">control: bought − expected</td><td>{{iv .T.ControlPurchases.Incremental 1}}</td>{{if .Valued}}<td>{{iv .T.ControlRevenue.Incremental 0}}</td>{{end}}</tr>
<tr><td style="text-align:left">incremental, difference in differences</td><td>{{iv .T.DiDPurchases 1}}</td>{{if .Valued}}<td>{{iv .T.DiDRevenue 0}}</td>{{end}}</tr>
<tr><td style="text-align:left">incremental, difference in means</td><td>{{iv .T.DiffPurchases 1}}</td>{{if .Valued}}<td>{{iv .T.DiffRevenue 0}}</td>{{end}}</tr>{{end}}
{{if .Valued}}<tr><td style="text-align:left">profit (margin {{.X.Margin}}, cost {{.X.CostPerContact}} per contact)</td><td></td><td>{{iv .T.Profit 0}}</td></tr>
{{if .Cost}}<tr><td style="text-align:left">ROI</td><td></td><td>{{iv .T.ROI 2}}</td></tr>{{end}}{{end}}</table>
<p>On a log of dates the summaries count the campaign date's own purchases but measure T to its start, so the model's baseline for young one-time
buyers (first seen a few weeks before the date) runs 2–4% high and the model's estimate low; the control group's bought − expected shows such a bias,
and the difference in differences, which subtracts it, is unbiased{{if not .T.Control}} (give a control group to see it){{end}}.
When the model's estimate and the difference in differences disagree beyond their intervals, the model's baseline is not fair to these customers.</p>
{{if .X.DrawsNote}}<p>The intervals carry the process noise only: {{.X.DrawsNote}}.</p>{{end}}
<table><tr><th>RFM segment at the date</th><th>contacted</th><th>control</th><th>incremental purchases, model</th>{{if .T.Control}}<th>difference in differences</th>{{end}}{{if .Valued}}<th>incremental revenue, model</th>{{end}}</tr>
{{range .Groups}}<tr><td style="text-align:left">{{.Label}}</td><td>{{.Contacted}}</td><td>{{.Control}}</td><td>{{iv .Purchases.Incremental 1}}</td>{{if $.T.Control}}<td>{{iv .DiDPurchases 1}}</td>{{end}}{{if $.Valued}}<td>{{iv .Revenue.Incremental 0}}</td>{{end}}</tr>
{{end}}</table>
<p>Per group in campaign.csv.</p>{{end}}`))
