package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
	"github.com/clvkit/clvkit/segment"
)

// ErrModelFile is wrapped by the errors of LoadModels about a model.json
// it cannot use: not JSON, a field missing or out of range, a model it
// does not know.
var ErrModelFile = errors.New("forecast: unusable model.json")

// MaxModelFile bounds the size of the model.json LoadModels reads: far
// above what the job writes (a few kilobytes).
const MaxModelFile = 16 << 20

// ScorerOptions override the job's settings that value customers and
// frame the answers. model.json records those of the run that wrote it
// (its "scoring" object: Config's Months, Discount, Margin and Window), and
// a zero field keeps the recorded value; for a model.json written before
// it recorded them, a zero field means what it means in Config: 12
// months, no discount, a margin of 1, a window of DefaultWindow days.
// A Discount of 0 cannot override a recorded discount: NoDiscount does
// (Discount must then be 0).
type ScorerOptions struct {
	Months     int
	Discount   float64
	Margin     float64
	Window     int
	NoDiscount bool
}

// Scorer scores customers as the job that wrote a model.json did: with
// the chosen purchase model, the spend model, the time unit, the end of
// observation and the horizon of that run. LoadModels returns one. A
// Scorer is immutable and safe for concurrent use.
type Scorer struct {
	// Name is the purchase model, one of ModelNames.
	Name string
	// Purchase is the chosen purchase model, fitted on the whole
	// observation; Spend the Gamma-Gamma spend model, nil for a run
	// without amounts (Config.NoAmounts), whose expected values and CLV
	// are 0.
	Purchase PurchaseModel
	Spend    *gammagamma.Model
	// Unit is the models' time unit; End the end of observation, from
	// which the horizon runs.
	Unit time.Duration
	End  time.Time
	// Months, Discount, Margin and Window are the settings scored with:
	// model.json's, or ScorerOptions' where given, or the defaults (see
	// ScorerOptions); Horizon is Result.Horizon: Months calendar months
	// after End, in Unit.
	Months           int
	Discount, Margin float64
	Window           int
	Horizon          float64
	// Recorded says model.json recorded the run's settings (its "scoring"
	// object); false for a file written before, whose settings are
	// ScorerOptions' or the defaults.
	Recorded bool
	// Covariates is, for a run whose chosen purchase model or spend model
	// has covariates, how the job encoded the covariates file (model.json's
	// "covariates"); nil otherwise. Such a Scorer scores with
	// ScoreCovariates and AnswersCovariates, each customer with the
	// covariate vector Covariates.Encode makes of the customer's values.
	Covariates *CovariateEncoding
	// CovPurchase is the chosen purchase model when it has covariates, a
	// *bgnbd.CovModel (bgnbd-cov, mbgnbd-cov), a *paretonbd.CovModel
	// (paretonbd-cov) or a *ggompertz.CovModel (ggompertz-cov); Purchase
	// is then nil. CovSpend is the spend model
	// with covariates (SpendModelName) when it values the purchases;
	// Spend is then the run's model without covariates, which does not.
	CovPurchase any
	CovSpend    *gammagamma.CovModel

	purchaseAt func(z []float64) (PurchaseModel, error) // CovPurchase's customer at z
}

// modelFile is the part of model.json LoadModels reads.
type modelFile struct {
	PurchaseModel  string                     `json:"purchase_model"`
	PurchaseModels map[string]json.RawMessage `json:"purchase_models"`
	Gammagamma     json.RawMessage            `json:"gammagamma"`
	Covariates     json.RawMessage            `json:"covariates"`
	Scoring        *struct {
		HorizonMonths *int     `json:"horizon_months"`
		Discount      *float64 `json:"discount"`
		Margin        *float64 `json:"margin"`
		WindowDays    *int     `json:"window_days"`
	} `json:"scoring"`
	Data struct {
		TimeUnitHours  *float64   `json:"time_unit_hours"`
		ObservationEnd *time.Time `json:"observation_end"`
	} `json:"data"`
}

// LoadModels reads a model.json written by Result.WriteModelJSON (at most
// MaxModelFile bytes) and returns the Scorer of its chosen purchase model
// ("purchase_model", decoded from "purchase_models" by its package), its
// spend model ("gammagamma", absent for a run without amounts), its time
// unit ("data.time_unit_hours") and end of observation
// ("data.observation_end"), and the run's horizon, discount, margin and
// window ("scoring"), each overridden by opts where given (see
// ScorerOptions). A purchase model with static covariates
// (CovariateModelNames), or a spend model with covariates that valued the
// run's purchases ("covariates.spend"), is loaded with the encoding of the
// covariates file ("covariates"; Scorer.Covariates), and scores with
// ScoreCovariates. The purchase model with time-varying covariates
// (DynamicModelName) is refused with an error wrapping ErrNeedsCovariates:
// it predicts a customer along the customer's covariate path from the
// first purchase over the horizon, not from one row. Errors wrap
// ErrModelFile, or ErrConfig for settings out of range (opts' or the
// file's).
func LoadModels(r io.Reader, opts ScorerOptions) (*Scorer, error) {
	if opts.NoDiscount && opts.Discount != 0 {
		return nil, &ConfigError{Field: "Discount", Value: fmt.Sprint(opts.Discount), Want: "0 with", With: "NoDiscount"}
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxModelFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxModelFile {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrModelFile, MaxModelFile)
	}
	var f modelFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelFile, err)
	}
	cfg := Config{}
	if sc := f.Scoring; sc != nil {
		if sc.HorizonMonths == nil || sc.Discount == nil || sc.Margin == nil || sc.WindowDays == nil {
			return nil, fmt.Errorf("%w: scoring: want horizon_months, discount, margin and window_days", ErrModelFile)
		}
		if *sc.HorizonMonths == 0 || *sc.Margin == 0 || *sc.WindowDays == 0 { // the job writes its settings with defaults filled in
			return nil, fmt.Errorf("%w: scoring: horizon_months %d, margin %v, window_days %d: want them > 0", ErrModelFile, *sc.HorizonMonths, *sc.Margin, *sc.WindowDays)
		}
		cfg = Config{Months: *sc.HorizonMonths, Discount: *sc.Discount, Margin: *sc.Margin, Window: *sc.WindowDays}
		if err := cfg.check(); err != nil {
			return nil, fmt.Errorf("%w: scoring: %w", ErrModelFile, err)
		}
	}
	if opts.Months != 0 {
		cfg.Months = opts.Months
	}
	if opts.Discount != 0 || opts.NoDiscount {
		cfg.Discount = opts.Discount
	}
	if opts.Margin != 0 {
		cfg.Margin = opts.Margin
	}
	if opts.Window != 0 {
		cfg.Window = opts.Window
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	s := &Scorer{Name: f.PurchaseModel, Months: cfg.Months, Discount: cfg.Discount, Margin: cfg.Margin, Window: cfg.Window,
		Recorded: f.Scoring != nil}
	raw, ok := f.PurchaseModels[f.PurchaseModel]
	switch {
	case f.PurchaseModel == "":
		return nil, fmt.Errorf("%w: no purchase_model", ErrModelFile)
	case !ok:
		return nil, fmt.Errorf("%w: purchase_model %q is not among purchase_models", ErrModelFile, f.PurchaseModel)
	}
	if !slices.Contains(CovariateModelNames, f.PurchaseModel) {
		if s.Purchase, err = decodePurchaseModel(f.PurchaseModel, raw); err != nil {
			return nil, fmt.Errorf("%w: purchase_models.%s: %w", ErrModelFile, f.PurchaseModel, err)
		}
	}
	if err := loadCovariates(s, f.PurchaseModel, raw, f.Covariates); err != nil {
		return nil, err
	}
	if len(f.Gammagamma) > 0 && !bytes.Equal(bytes.TrimSpace(f.Gammagamma), []byte("null")) {
		var gg gammagamma.Model
		if err := json.Unmarshal(f.Gammagamma, &gg); err != nil {
			return nil, fmt.Errorf("%w: gammagamma: %w", ErrModelFile, err)
		}
		if q := gg.Params().Q; !(q > 1) {
			// The job refuses such a spend model: the mean spend is infinite.
			return nil, fmt.Errorf("%w: gammagamma: q = %v ≤ 1", ErrModelFile, q)
		}
		s.Spend = &gg
	}
	d := f.Data
	if d.TimeUnitHours == nil || d.ObservationEnd == nil {
		return nil, fmt.Errorf("%w: no data.time_unit_hours or data.observation_end", ErrModelFile)
	}
	h := *d.TimeUnitHours
	if !(h*3600 >= 1 && h <= 1e6) {
		return nil, fmt.Errorf("%w: data.time_unit_hours %v: want a second to 10⁶ hours", ErrModelFile, h)
	}
	s.Unit = time.Duration(math.Round(h * float64(time.Hour)))
	s.End = *d.ObservationEnd
	if y := s.End.Year(); y < 1 || y > 9999-MaxMonths/12 {
		return nil, fmt.Errorf("%w: data.observation_end %v out of range", ErrModelFile, s.End)
	}
	j := job{cfg: Config{Months: s.Months, Unit: s.Unit}}
	s.Horizon = j.horizon(s.End)
	return s, nil
}

// ErrNeedsCovariates is wrapped (with ErrModelFile) by LoadModels' error
// for a model.json whose purchase model has time-varying covariates
// (DynamicModelName), which predicts a customer along the customer's
// covariate path, and by Score's and Answers' for a Scorer with static
// covariates (Scorer.Covariates), which scores with ScoreCovariates.
var ErrNeedsCovariates = errors.New("forecast: the model needs each customer's covariates")

// decodePurchaseModel decodes the JSON of the purchase model name, one
// without static covariates (those: loadCovariates).
func decodePurchaseModel(name string, raw json.RawMessage) (PurchaseModel, error) {
	switch name {
	case "bgnbd", "mbgnbd":
		var m bgnbd.Model
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if v := m.Variant().String(); v != name {
			return nil, fmt.Errorf("holds a %s model", v)
		}
		return &m, nil
	case "paretonbd":
		var m paretonbd.Model
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		return &m, nil
	case "ggompertz":
		var m ggompertz.Model
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		return &m, nil
	case DynamicModelName:
		return nil, fmt.Errorf("%w: %s predicts each customer along the customer's time-varying covariates (a path from the first purchase over the horizon), which a summary (frequency, recency, T) does not carry; score with the job (forecast -dynamic-covariates FILE) or paretonbd.DynModel", ErrNeedsCovariates, name)
	}
	return nil, fmt.Errorf("unknown purchase model %q: want one of %v", name, ModelNames)
}

// Score returns the forecasts of cs, the same numbers Run computes for
// customers with these summaries (in the models' time unit): P(alive) and
// the expected purchases over the horizon from the purchase model, the
// expected value per purchase from the spend model (the population mean
// for a customer whose repeat purchases are worth 0 or less), and the CLV
// over Months months discounted by the month with the margin; 0 for the
// last two without a spend model. It is an error (wrapping
// clv.ErrInvalidCustomer, naming the index) for an invalid customer.
func (s *Scorer) Score(ctx context.Context, cs []clv.Customer) ([]Forecast, error) {
	if s != nil && s.Covariates != nil {
		return nil, s.errNeedsCovariates()
	}
	if s == nil || s.Purchase == nil {
		return nil, fmt.Errorf("%w: nil Scorer", ErrModelFile)
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	var sm clv.SpendModel = noSpend{}
	if s.Spend != nil {
		sm = spend{s.Spend}
	}
	j := job{cfg: Config{Months: s.Months, Discount: s.Discount, Margin: s.Margin}, say: func(string, ...any) {}}
	return j.score(ctx, cs, nil, s.Purchase, sm, s.Horizon)
}

// Answers returns the answers of cs in calendar terms, the numbers the job
// writes in forecast.csv's answer columns (AnswerColumns; the first,
// discounted_purchases, is Score's Forecast.DiscountedPurchases) for
// customers with these summaries: purchase and churn within Window days
// after End, purchase within the horizon and P(alive) at its end, the
// next order's percentiles and date, the time between orders. A purchase
// model without a distribution of the next purchase gives NaN and
// NoteNoModel, as in the job. It is an error (wrapping
// clv.ErrInvalidCustomer, naming the index) for an invalid customer.
func (s *Scorer) Answers(ctx context.Context, cs []clv.Customer) ([]Answers, error) {
	if s != nil && s.Covariates != nil {
		return nil, s.errNeedsCovariates()
	}
	if s == nil || s.Purchase == nil {
		return nil, fmt.Errorf("%w: nil Scorer", ErrModelFile)
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	return s.answers(ctx, cs, s.Purchase)
}

// answers returns the answers of the valid customers cs from pm.
func (s *Scorer) answers(ctx context.Context, cs []clv.Customer, pm PurchaseModel) ([]Answers, error) {
	// The job's code: its outlook stage, and a Result holding what
	// Result.answers reads (the unit, the end, the outlooks).
	j := job{cfg: Config{Window: s.Window, Unit: s.Unit}, say: func(string, ...any) {}}
	o, err := j.outlook(cs, nil, pm, s.Horizon)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := Result{Config: j.cfg, Summary: &clv.Summary{End: s.End, Customers: cs}, Outlooks: o}
	out := make([]Answers, len(cs))
	for i := range out {
		out[i] = res.answers(i)
	}
	return out, nil
}

// ChurnTier returns the churn tier of a P(alive) as the job assigns it,
// under segment.TierOptions' default thresholds (segment.DefaultActive,
// segment.DefaultLost; segment.TierOptions.ChurnTier): segment.Active at
// 0.7 or more, segment.LikelyLost below 0.3, else segment.AtRisk; "" for
// NaN. The value tiers and the action rank a customer among all the run's
// customers, so a lone customer has none.
func ChurnTier(pAlive float64) string {
	return segment.TierOptions{}.ChurnTier(pAlive)
}
