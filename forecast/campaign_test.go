package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// campaignDate is the campaign date of the tests on the synthetic log
// (2024, 3,000 customers): a quarter before its end.
var campaignDate = time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)

// campaignLog reads testdata/transactions.csv and its summaries at the
// campaign date with the window's outcomes, read on their own (the job
// reads them beside its own summaries).
func campaignLog(t *testing.T, window int) ([]byte, *clv.Summary) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := csvio.Summarize(bytes.NewReader(raw), csvio.Options{Amount: "amount"}, clv.SummaryOptions{
		CalibrationEnd: campaignDate, End: campaignDate.AddDate(0, 0, window), Unit: 7 * 24 * time.Hour, EndOfDay: true, SkipAfterEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	return raw, s
}

// placebo splits the one-time buyers at the date first seen at least 30
// days before it at random: contacted and control, a campaign whose true
// effect is zero.
func placebo(s *clv.Summary) (contacted, control []string) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range s.Customers {
		if c.Frequency != 0 || c.T*7 < 30 {
			continue
		}
		if rng.IntN(2) == 0 {
			contacted = append(contacted, c.ID)
		} else {
			control = append(control, c.ID)
		}
	}
	return contacted, control
}

func lines(ids []string) *strings.Reader {
	return strings.NewReader("customer_id\n" + strings.Join(ids, "\n") + "\n")
}

// TestCampaignJob: the job measures a placebo campaign (a random split of
// the one-time buyers) on the summaries at the date read beside its own,
// which equal the summaries read on their own; the intervals of the
// model's estimate and the DiD cover the true effect, zero; campaign.csv,
// model.json and the report carry them.
func TestCampaignJob(t *testing.T) {
	raw, s := campaignLog(t, forecast.DefaultCampaignWindow)
	contacted, control := placebo(s)
	cfg := forecast.Config{Model: "paretonbd", Margin: 0.3, EndOfDay: true, Campaign: &forecast.CampaignConfig{
		Contacted: lines(contacted), ContactedName: "contacted.txt", Control: lines(control), ControlName: "control.txt",
		Date: campaignDate, CostPerContact: 0.2}}
	res, err := forecast.Run(context.Background(), bytes.NewReader(raw), cfg)
	if err != nil {
		t.Fatal(err)
	}
	x := res.Campaign
	if x == nil {
		t.Fatal("no campaign")
	}
	tot := x.Effect.Total
	// What the job read beside its summaries is what a read of its own gives.
	var actual, revenue float64
	in := map[string]bool{}
	for _, id := range contacted {
		in[id] = true
	}
	for i, c := range s.Customers {
		if in[c.ID] {
			actual += s.Holdout[i].Frequency
			revenue += s.Holdout[i].Frequency * s.Holdout[i].MonetaryValue
		}
	}
	if x.Customers != len(s.Customers) || tot.Contacted != len(contacted) || tot.Control != len(control) ||
		tot.Purchases.Actual != actual || math.Abs(tot.Revenue.Actual-revenue) > 1e-9*revenue {
		t.Errorf("campaign of %d customers, %d contacted, %d control, bought %v (revenue %v); want %d, %d, %d, %v (%v)",
			x.Customers, tot.Contacted, tot.Control, tot.Purchases.Actual, tot.Revenue.Actual, len(s.Customers), len(contacted), len(control), actual, revenue)
	}
	if want := float64(forecast.DefaultCampaignWindow) / 7; math.Abs(x.Window-want) > 1e-12 || x.Model != "paretonbd" ||
		x.Effect.Draws != forecast.DefaultCampaignDraws || x.Effect.Level != 0.9 || x.Spend == nil ||
		!(x.Effect.MCError > 0 && x.Effect.MCError <= forecast.CampaignMCTolerance) {
		t.Errorf("window %v (want %v), model %s, %d draws (Monte-Carlo error %v), level %v, spend %v", x.Window, want, x.Model, x.Effect.Draws,
			x.Effect.MCError, x.Effect.Level, x.Spend)
	}
	// The fit to the date is not the job's fit to the end.
	if x.Fitted.String() == res.Choice.Model.String() {
		t.Errorf("the campaign's model is the job's: %v", x.Fitted)
	}
	t.Logf("placebo: %d contacted bought %v, expected %+v; model %+v, DiD %+v, diff %+v",
		tot.Contacted, tot.Purchases.Actual, tot.Purchases.Expected, tot.Purchases.Incremental, tot.DiDPurchases, tot.DiffPurchases)
	// One split is one draw of the error: the 90% intervals cover 0 nine
	// times out of ten (this split's contacted happen to buy more than
	// the control group, 2.6 standard errors above the model's baseline);
	// twice as wide, at z = 3.29, 999 times out of 1,000.
	for name, e := range map[string]campaign.Estimate{"model": tot.Purchases.Incremental, "DiD": tot.DiDPurchases, "diff": tot.DiffPurchases} {
		if h := (e.High - e.Low) / 2; !(h > 0) || math.Abs(e.Value) > 2*h || math.Abs(e.Value-(e.Low+e.High)/2) > 0.2*h {
			t.Errorf("%s: the estimate %+v is more than 3.29 standard errors from the true effect 0", name, e)
		}
	}
	if cost := 0.2 * float64(tot.Contacted); math.Abs(tot.Profit.Value-(0.3*tot.Revenue.Incremental.Value-cost)) > 1e-9*cost ||
		math.Abs(tot.ROI.Value-tot.Profit.Value/cost) > 1e-12 {
		t.Errorf("profit %+v, ROI %+v for revenue %+v", tot.Profit, tot.ROI, tot.Revenue.Incremental)
	}
	if len(x.Effect.Groups) < 2 {
		t.Errorf("%d RFM groups", len(x.Effect.Groups))
	}

	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "campaign.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for k, c := range recs[0] {
		col[c] = k
	}
	if len(recs[0]) != len(forecast.CampaignColumns) || len(recs) != 2+len(x.Effect.Groups) || recs[1][0] != "all" {
		t.Fatalf("campaign.csv: %d columns, %d rows, first %q", len(recs[0]), len(recs), recs[1][0])
	}
	num := func(r []string, c string) float64 {
		v, err := strconv.ParseFloat(r[col[c]], 64)
		if err != nil {
			t.Fatalf("campaign.csv %s: %v", c, err)
		}
		return v
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) } // ten significant digits
	if !near(num(recs[1], "purchases_did_low"), tot.DiDPurchases.Low) || !near(num(recs[1], "roi"), tot.ROI.Value) ||
		num(recs[1], "purchases_actual") != actual {
		t.Errorf("campaign.csv's all: %v", recs[1])
	}
	n := 0.0
	for _, r := range recs[2:] {
		n += num(r, "contacted")
	}
	if n != float64(tot.Contacted) {
		t.Errorf("the groups' contacted add up to %v, want %d", n, tot.Contacted)
	}
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Campaign struct {
			Date      string
			Contacted int
			Purchases struct {
				Incremental             []float64
				DifferenceInDifferences []float64 `json:"difference_in_differences"`
				DifferenceInMeans       []float64 `json:"difference_in_means"`
			}
			ROI []float64
		}
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	if c := mj.Campaign; c.Date != "2024-09-30" || c.Contacted != tot.Contacted || len(c.Purchases.DifferenceInDifferences) != 3 ||
		c.Purchases.Incremental[1] != tot.Purchases.Incremental.Low || len(c.ROI) != 3 {
		t.Errorf("model.json's campaign: %+v", c)
	}
	rep, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2>Campaign effect</h2>", "difference in differences", "runs 2–4% high", "RFM segment at the date"} {
		if !bytes.Contains(rep, []byte(want)) {
			t.Errorf("the report has no %q", want)
		}
	}
}

// TestCampaignNoControl: without a control group and without amounts the
// job measures purchases only; the estimates that need them are NaN, and
// the outputs leave them empty.
func TestCampaignNoControl(t *testing.T) {
	raw, s := campaignLog(t, 60)
	contacted, _ := placebo(s)
	cfg := forecast.Config{Model: "bgnbd", NoAmounts: true, EndOfDay: true, Campaign: &forecast.CampaignConfig{
		Contacted: lines(contacted), Date: campaignDate, Window: 60, Draws: -1}}
	res, err := forecast.Run(context.Background(), bytes.NewReader(raw), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tot := res.Campaign.Effect.Total
	if tot.Control != 0 || !math.IsNaN(tot.DiDPurchases.Value) || !math.IsNaN(tot.ROI.Value) || res.Campaign.Spend != nil ||
		res.Campaign.Effect.Draws != 0 || !(tot.Purchases.Incremental.Low < tot.Purchases.Incremental.High) {
		t.Errorf("%+v", tot)
	}
	var b bytes.Buffer
	if err := res.WriteCampaignCSV(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "NaN") {
		t.Errorf("campaign.csv has NaN:\n%s", b.String())
	}
	if err := res.WriteModelJSON(&b); err != nil {
		t.Fatal(err)
	}
}

// TestCampaignErrors: bad settings are ConfigErrors naming the field;
// bad ids errors naming the file's line.
func TestCampaignErrors(t *testing.T) {
	raw, s := campaignLog(t, 30)
	one := s.Customers[0].ID
	two := s.Customers[1].ID
	for _, tc := range []struct {
		name  string
		cc    forecast.CampaignConfig
		cfg   func(*forecast.Config)
		field string
		is    error
		says  string
	}{
		{"no contacted", forecast.CampaignConfig{Date: campaignDate}, nil, "Campaign.Contacted", nil, ""},
		{"no date", forecast.CampaignConfig{Contacted: lines([]string{one})}, nil, "Campaign.Date", nil, ""},
		{"window", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate, Window: -1}, nil, "Campaign.Window", nil, ""},
		{"cost", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate, CostPerContact: math.NaN()}, nil, "Campaign.CostPerContact", nil, ""},
		{"draws", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate, Draws: 1}, nil, "Campaign.Draws", nil, ""},
		{"summaries", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate},
			func(c *forecast.Config) { c.Summaries, c.End = true, campaignDate.AddDate(0, 3, 0) }, "Campaign.Date", nil, "Summaries"},
		{"after end", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate},
			func(c *forecast.Config) { c.End = campaignDate }, "Campaign.Date", nil, "End"},
		{"before the log", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)}, nil,
			"Campaign.Date", nil, "first transaction, 2024-01-01"},
		{"after the log", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}, nil,
			"Campaign.Date", nil, "before the end of observation"},
		{"past the end", forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate, Window: 120}, nil,
			"Campaign.Window", nil, "at most 91 days: the window from 2024-09-30 would end on 2025-01-28"},
		{"unknown", forecast.CampaignConfig{Contacted: strings.NewReader(one + "\n\nnobody\n"), ContactedName: "c.txt", Date: campaignDate}, nil,
			"", campaign.ErrUnknownCustomer, `c.txt:3: "nobody"`},
		{"twice", forecast.CampaignConfig{Contacted: strings.NewReader(one + "\n" + two + "\n" + one + "\n"), ContactedName: "c.txt", Date: campaignDate}, nil,
			"", campaign.ErrBadGroups, `c.txt:3: id "` + one + `" given before, on c.txt:1`},
		{"both", forecast.CampaignConfig{Contacted: strings.NewReader(one + "\n"), ContactedName: "c.txt", Control: strings.NewReader(two + "\n" + one + "\n"), ControlName: "k.txt", Date: campaignDate}, nil,
			"", campaign.ErrBadGroups, `k.txt:2`},
		{"empty", forecast.CampaignConfig{Contacted: strings.NewReader("customer_id\n\n"), ContactedName: "c.txt", Date: campaignDate}, nil,
			"", campaign.ErrBadGroups, `c.txt has no ids`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := tc.cc
			cfg := forecast.Config{Model: "bgnbd", EndOfDay: true, Campaign: &cc}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, err := forecast.Run(context.Background(), bytes.NewReader(raw), cfg)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *forecast.ConfigError
			if tc.field != "" && (!errors.As(err, &ce) || ce.Field != tc.field) {
				t.Errorf("%v: want a ConfigError of %s", err, tc.field)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%v does not wrap %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%v does not say %q", err, tc.says)
			}
		})
	}
	_, err := forecast.RunIncremental(context.Background(), &forecast.State{}, bytes.NewReader(raw), forecast.Config{
		Campaign: &forecast.CampaignConfig{Contacted: lines([]string{one}), Date: campaignDate}})
	var ce *forecast.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Campaign.Date" {
		t.Errorf("incremental run with a campaign: %v", err)
	}
}
