package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
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

// ScorerOptions are the job's settings that value customers and that
// model.json does not record: give the values of the run that wrote it
// (its Config's Months, Discount and Margin, or the flags -horizon,
// -discount and -margin of examples/forecast). Zero fields mean what they
// mean in Config: 12 months, no discount, a margin of 1.
type ScorerOptions struct {
	Months   int
	Discount float64
	Margin   float64
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
	// Months, Discount and Margin are as in ScorerOptions, defaults
	// filled in; Horizon is Result.Horizon: Months calendar months after
	// End, in Unit.
	Months           int
	Discount, Margin float64
	Horizon          float64
}

// modelFile is the part of model.json LoadModels reads.
type modelFile struct {
	PurchaseModel  string                     `json:"purchase_model"`
	PurchaseModels map[string]json.RawMessage `json:"purchase_models"`
	Gammagamma     json.RawMessage            `json:"gammagamma"`
	Data           struct {
		TimeUnitHours  *float64   `json:"time_unit_hours"`
		ObservationEnd *time.Time `json:"observation_end"`
	} `json:"data"`
}

// LoadModels reads a model.json written by Result.WriteModelJSON (at most
// MaxModelFile bytes) and returns the Scorer of its chosen purchase model
// ("purchase_model", decoded from "purchase_models" by its package), its
// spend model ("gammagamma", absent for a run without amounts), its time
// unit ("data.time_unit_hours") and end of observation
// ("data.observation_end"), with the settings opts gives. A purchase
// model with covariates is refused: it scores a customer from its
// covariates too. Errors wrap ErrModelFile, or ErrConfig for opts out of
// range.
func LoadModels(r io.Reader, opts ScorerOptions) (*Scorer, error) {
	cfg := Config{Months: opts.Months, Discount: opts.Discount, Margin: opts.Margin}
	if err := cfg.check(); err != nil {
		return nil, err
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
	s := &Scorer{Name: f.PurchaseModel, Months: cfg.Months, Discount: cfg.Discount, Margin: cfg.Margin}
	raw, ok := f.PurchaseModels[f.PurchaseModel]
	switch {
	case f.PurchaseModel == "":
		return nil, fmt.Errorf("%w: no purchase_model", ErrModelFile)
	case !ok:
		return nil, fmt.Errorf("%w: purchase_model %q is not among purchase_models", ErrModelFile, f.PurchaseModel)
	}
	if s.Purchase, err = decodePurchaseModel(f.PurchaseModel, raw); err != nil {
		return nil, fmt.Errorf("%w: purchase_models.%s: %w", ErrModelFile, f.PurchaseModel, err)
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

// decodePurchaseModel decodes the JSON of the purchase model name.
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
	return j.score(ctx, cs, s.Purchase, sm, s.Horizon)
}

// ChurnTier returns the churn tier of a P(alive) as the job assigns it
// (segment.TierOptions' default thresholds): segment.Active at 0.7 or
// more, segment.LikelyLost below 0.3, else segment.AtRisk; "" for NaN.
// The value tiers and the action rank a customer among all the run's
// customers, so a lone customer has none.
func ChurnTier(pAlive float64) string {
	switch {
	case math.IsNaN(pAlive):
		return ""
	case pAlive >= 0.7:
		return segment.Active
	case pAlive < 0.3:
		return segment.LikelyLost
	}
	return segment.AtRisk
}
