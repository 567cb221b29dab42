package campaign

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/nilmodel"
	"github.com/clvkit/clvkit/internal/parallel"
)

// Errors callers may branch on.
var (
	// ErrUnknownCustomer is wrapped by the error about contacted or
	// control ids that are not among the customers at the campaign date.
	ErrUnknownCustomer = errors.New("campaign: unknown customer")
	// ErrBadGroups is wrapped by errors about the contacted and control
	// groups themselves: empty, an id twice, an id in both.
	ErrBadGroups = errors.New("campaign: invalid groups")
	// ErrNoDistribution is returned for a purchase model that gives no
	// distribution of a customer's purchases (interval.ConditionalPMF),
	// whose variance the intervals need.
	ErrNoDistribution = errors.New("campaign: the purchase model gives no distribution of purchases")
)

// Outcome is what one customer actually bought in the window after the
// campaign date.
type Outcome struct {
	// Purchases is the number of purchases in the window, counted as the
	// customer summaries count them (a whole number ≥ 0).
	Purchases float64
	// Revenue is their total value (finite; negative with returns).
	Revenue float64
}

// Input is the campaign: the customers at its date, what they bought
// after it, and who was contacted.
type Input struct {
	// Customers are the summaries at the campaign date: T is measured to
	// it. They must include every contacted and control customer; others
	// are ignored. IDs must be distinct.
	Customers []clv.Customer
	// Outcomes is parallel to Customers.
	Outcomes []Outcome
	// Contacted are the ids of the customers contacted: at least one.
	Contacted []string
	// Control, if not empty, are the ids of customers who could have been
	// contacted and were not, best chosen at random with the contacted.
	Control []string
	// ContactedAt and ControlAt, instead of Contacted and Control, give
	// the groups by their indices into Customers: faster for many
	// customers (no lookup by id). Give the groups by ids or by indices,
	// not both.
	ContactedAt, ControlAt []int
	// Labels, if not nil, is parallel to Customers: each customer's group
	// (segment, tier) for Result.Groups; at most MaxLabels distinct among
	// the contacted and control customers.
	Labels []string
}

// Options configures Measure. Window is required.
type Options struct {
	// Window is the length t of the window (date, date+t] the campaign is
	// judged on, in the summaries' time unit: finite, > 0.
	Window float64
	// Level is the intervals' level, in (0, 1). Zero means 0.9.
	Level float64
	// Draws are purchase models under parameter draws (e.g. built from
	// the fitted model's SampleParams): the intervals then carry the
	// parameters' uncertainty besides the process noise. Nil leaves it
	// out; else at least 2 and at most interval.MaxDraws.
	Draws []clv.PurchaseModel
	// CostPerContact is the cost of contacting one customer, ≥ 0 (zero:
	// no profit net of cost, no ROI).
	CostPerContact float64
	// Margin is the share of revenue that is profit, in (0, 1]. Zero
	// means 1.
	Margin float64
}

// Estimate is an estimate with its interval [Low, High].
type Estimate struct {
	Value, Low, High float64
}

// Comparison compares one group's actual purchases or revenue in the
// window with the model's baseline.
type Comparison struct {
	// Actual is what the group bought.
	Actual float64
	// Expected is what the model expected without the campaign: Value is
	// E[B], Low and High the predictive interval of B.
	Expected Estimate
	// Incremental is Actual − Expected.Value, with the interval
	// [Actual − Expected.High, Actual − Expected.Low].
	Incremental Estimate
}

// Effect is the campaign's effect on one group of customers (all, or one
// label's). Estimates that need a control group, or a cost, are NaN
// without one.
type Effect struct {
	// Label is the customers' label ("" for Result.Total).
	Label string
	// Contacted and Control are the numbers of customers.
	Contacted, Control int
	// Purchases and Revenue compare the contacted customers' window with
	// the model's baseline; ControlPurchases and ControlRevenue the
	// control group's, where the expected effect is zero.
	Purchases, Revenue               Comparison
	ControlPurchases, ControlRevenue Comparison
	// Profit is Margin · Revenue.Incremental − CostPerContact · Contacted,
	// and ROI Profit / (CostPerContact · Contacted).
	Profit, ROI Estimate
	// DiDPurchases and DiDRevenue are the difference-in-differences
	// estimates, scaled to the contacted: (A − E[B]) − (n/m)(A_C − E[B_C]).
	DiDPurchases, DiDRevenue Estimate
	// DiffPurchases and DiffRevenue are the differences in means, scaled to
	// the contacted: A − (n/m) A_C, with no model.
	DiffPurchases, DiffRevenue Estimate
}

// Result is the result of Measure.
type Result struct {
	// Total is the effect on all contacted customers.
	Total Effect
	// Groups holds the effect per label, labels ascending; nil without
	// Input.Labels.
	Groups []Effect
	// Level is the intervals' level and Draws the number of parameter
	// draws they come from (0: process noise only).
	Level float64
	Draws int
	// MCError is the Monte-Carlo error the finite number of draws leaves
	// in Total's intervals: the largest, over the ends of the intervals
	// of the contacted customers' expected purchases and revenue, of the
	// end's standard error (by the delta method, from the draws) over the
	// interval's half-width; 0 without draws. It is at most about
	// f/√(2·Draws), f the share of the interval's variance that comes from
	// the parameters: more draws where it is too large.
	MCError float64
}

// MaxLabels bounds the distinct labels of the contacted and control
// customers: the draws' totals take 16 bytes per label and draw.
const MaxLabels = 4096

// maxNamed bounds the unknown ids an error names.
const maxNamed = 5

// Measure measures the campaign's effect (see the package documentation
// for the method): pm is the purchase model fitted on the log up to the
// campaign date, which must give the distribution of purchases
// (interval.ConditionalPMF: bgnbd, paretonbd); sm, if not nil, the spend
// model that values the expected purchases (without it revenue is
// expected to be zero and only purchases are compared). It runs on all
// cores and stops with ctx's error when ctx is done. Contacted or control
// ids not among the customers are an error wrapping ErrUnknownCustomer
// that counts and names them.
func Measure(ctx context.Context, pm clv.PurchaseModel, sm clv.SpendModel, in Input, opts Options) (*Result, error) {
	level := opts.Level
	if level == 0 {
		level = 0.9
	}
	margin := opts.Margin
	if margin == 0 {
		margin = 1
	}
	switch {
	case nilmodel.Is(pm):
		return nil, fmt.Errorf("campaign: Measure: %w", clv.ErrNilModel)
	case !(level > 0 && level < 1):
		return nil, fmt.Errorf("campaign: Measure: level %v, want a share in (0, 1)", opts.Level)
	case !(opts.Window > 0) || math.IsInf(opts.Window, 0):
		return nil, fmt.Errorf("campaign: Measure: window %v, want a finite length > 0", opts.Window)
	case !(opts.CostPerContact >= 0) || math.IsInf(opts.CostPerContact, 0):
		return nil, fmt.Errorf("campaign: Measure: cost per contact %v, want a finite number ≥ 0", opts.CostPerContact)
	case !(margin > 0 && margin <= 1):
		return nil, fmt.Errorf("campaign: Measure: margin %v, want a share in (0, 1]", opts.Margin)
	case opts.Draws != nil && (len(opts.Draws) < 2 || len(opts.Draws) > interval.MaxDraws):
		return nil, fmt.Errorf("campaign: Measure: %d draws, want none or 2 to %d", len(opts.Draws), interval.MaxDraws)
	case len(in.Outcomes) != len(in.Customers):
		return nil, fmt.Errorf("campaign: Measure: %d outcomes for %d customers", len(in.Outcomes), len(in.Customers))
	case in.Labels != nil && len(in.Labels) != len(in.Customers):
		return nil, fmt.Errorf("campaign: Measure: %d labels for %d customers", len(in.Labels), len(in.Customers))
	case (in.Contacted != nil || in.Control != nil) && (in.ContactedAt != nil || in.ControlAt != nil):
		return nil, fmt.Errorf("%w: the groups by ids and by indices: give one or the other", ErrBadGroups)
	case len(in.Contacted) == 0 && len(in.ContactedAt) == 0:
		return nil, fmt.Errorf("%w: no contacted customers", ErrBadGroups)
	}
	if _, ok := pm.(interval.ConditionalPMF); !ok {
		return nil, fmt.Errorf("%w: %T", ErrNoDistribution, pm)
	}
	for d, m := range opts.Draws {
		if nilmodel.Is(m) {
			return nil, fmt.Errorf("campaign: Measure: draw %d: %w", d, clv.ErrNilModel)
		}
	}
	if nilmodel.Is(sm) {
		sm = nil
	}
	sel, err := selectCustomers(in)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := baseline(ctx, pm, sm, opts.Draws, in, sel, opts.Window)
	if err != nil {
		return nil, err
	}
	w := effectWork{b: b, level: level, margin: margin, cost: opts.CostPerContact}
	res := &Result{Level: level, Draws: len(opts.Draws)}
	all := make([]int, len(sel.labels))
	for k := range all {
		all[k] = k
	}
	res.Total = w.effect("", all)
	res.MCError = w.mcError(all)
	if in.Labels != nil {
		res.Groups = make([]Effect, len(sel.labels))
		for k, l := range sel.labels {
			res.Groups[k] = w.effect(l, []int{k})
		}
	}
	return res, nil
}

// selection is the customers Measure looks at.
type selection struct {
	idx    []int32  // indices into Input.Customers of the contacted and control customers, ascending
	cell   []int32  // parallel to idx: label·2 + 0 (contacted) or 1 (control)
	labels []string // distinct labels, ascending ("" alone without labels)
}

// selectCustomers finds the contacted and control customers among
// in.Customers and validates them.
func selectCustomers(in Input) (*selection, error) {
	var roles []int32
	nT, nC := len(in.Contacted), len(in.Control)
	if in.ContactedAt != nil || in.ControlAt != nil {
		var err error
		if roles, err = rolesAt(in); err != nil {
			return nil, err
		}
		nT, nC = len(in.ContactedAt), len(in.ControlAt)
	} else {
		var err error
		if roles, err = rolesByID(in); err != nil {
			return nil, err
		}
	}
	foundT := make([]bool, nT)
	foundC := make([]bool, nC)
	s := &selection{idx: make([]int32, 0, nT+nC), cell: make([]int32, 0, nT+nC)}
	var labelOf map[string]int32
	if in.Labels != nil {
		labelOf = map[string]int32{}
	}
	for i, p := range roles {
		if p == noRole {
			continue
		}
		c := &in.Customers[i]
		found, k, ctl := foundT, p, int32(0)
		if p < 0 {
			found, k, ctl = foundC, -1-p, 1
		}
		if found[k] {
			return nil, fmt.Errorf("campaign: customers[%d]: id %q appears twice among the customers", i, c.ID)
		}
		found[k] = true
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("campaign: customers[%d]: %w", i, err)
		}
		o := in.Outcomes[i]
		if !(o.Purchases >= 0) || o.Purchases != math.Trunc(o.Purchases) || math.IsInf(o.Purchases, 0) || math.IsNaN(o.Revenue) || math.IsInf(o.Revenue, 0) {
			return nil, fmt.Errorf("campaign: outcomes[%d] (%q): purchases %v, revenue %v: want a whole number ≥ 0 and a finite revenue", i, c.ID, o.Purchases, o.Revenue)
		}
		lab := int32(0)
		if labelOf != nil {
			l, ok := labelOf[in.Labels[i]]
			if !ok {
				if len(labelOf) == MaxLabels {
					return nil, fmt.Errorf("campaign: customers[%d] (%q): label %q: more than %d distinct labels", i, c.ID, in.Labels[i], MaxLabels)
				}
				l = int32(len(labelOf))
				labelOf[in.Labels[i]] = l
			}
			lab = l
		}
		s.idx = append(s.idx, int32(i))
		s.cell = append(s.cell, 2*lab+ctl)
	}
	var unknown []string
	count := 0
	for _, g := range [...]struct {
		ids   []string
		found []bool
	}{{in.Contacted, foundT}, {in.Control, foundC}} {
		for k, f := range g.found {
			if !f {
				count++
				if len(unknown) < maxNamed {
					unknown = append(unknown, fmt.Sprintf("%q", g.ids[k]))
				}
			}
		}
	}
	if count > 0 {
		more := ""
		if count > len(unknown) {
			more = fmt.Sprintf(" and %d more", count-len(unknown))
		}
		return nil, fmt.Errorf("%w: %d contacted or control ids are not customers at the campaign date: %s%s", ErrUnknownCustomer, count, strings.Join(unknown, ", "), more)
	}
	if labelOf == nil {
		s.labels = []string{""}
		return s, nil
	}
	// Relabel in ascending order of the labels.
	s.labels = make([]string, len(labelOf))
	for l, k := range labelOf {
		s.labels[k] = l
	}
	order := make([]int32, len(s.labels))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(s.labels[a], s.labels[b]) })
	rank := make([]int32, len(order))
	sorted := make([]string, len(order))
	for r, k := range order {
		rank[k] = int32(r)
		sorted[r] = s.labels[k]
	}
	s.labels = sorted
	for j, c := range s.cell {
		s.cell[j] = 2*rank[c/2] + c%2
	}
	return s, nil
}

// noRole is the role of a customer neither contacted nor in the control
// group.
const noRole = math.MinInt32

// rolesByID returns each customer's role, found by id: its position in
// Contacted (≥ 0), −1−its position in Control, or noRole. An id given
// twice, or in both groups, is an error.
func rolesByID(in Input) ([]int32, error) {
	role := make(map[string]int32, len(in.Contacted)+len(in.Control))
	for k, id := range in.Contacted {
		if _, dup := role[id]; dup {
			return nil, fmt.Errorf("%w: contacted id %q given twice", ErrBadGroups, id)
		}
		role[id] = int32(k)
	}
	for k, id := range in.Control {
		if p, dup := role[id]; dup {
			if p >= 0 {
				return nil, fmt.Errorf("%w: id %q is both contacted and in the control group", ErrBadGroups, id)
			}
			return nil, fmt.Errorf("%w: control id %q given twice", ErrBadGroups, id)
		}
		role[id] = -1 - int32(k)
	}
	// The lookups, on all cores (the map is only read).
	roles := make([]int32, len(in.Customers))
	parallel.Map(len(roles), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p, ok := role[in.Customers[i].ID]
			if !ok {
				p = noRole
			}
			roles[i] = p
		}
	})
	return roles, nil
}

// rolesAt returns each customer's role from Input.ContactedAt and
// ControlAt, as rolesByID does from the ids.
func rolesAt(in Input) ([]int32, error) {
	roles := make([]int32, len(in.Customers))
	for i := range roles {
		roles[i] = noRole
	}
	for g, at := range [...][]int{in.ContactedAt, in.ControlAt} {
		name := [...]string{"contacted", "control"}[g]
		for k, i := range at {
			if i < 0 || i >= len(roles) {
				return nil, fmt.Errorf("%w: %s index %d: want an index into the %d customers", ErrBadGroups, name, i, len(roles))
			}
			switch p := roles[i]; {
			case p == noRole:
			case p >= 0 && g == 1:
				return nil, fmt.Errorf("%w: customers[%d] (%q) is both contacted and in the control group", ErrBadGroups, i, in.Customers[i].ID)
			default:
				return nil, fmt.Errorf("%w: %s index %d (%q) given twice", ErrBadGroups, name, i, in.Customers[i].ID)
			}
			roles[i] = int32(k)
			if g == 1 {
				roles[i] = -1 - int32(k)
			}
		}
	}
	return roles, nil
}
