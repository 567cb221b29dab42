package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
)

// campaignFlags are the flags of a campaign's effect (forecast.CampaignConfig).
type campaignFlags struct {
	Date, Contacted, Control string
	Window                   int
	Cost                     float64
}

func (f *campaignFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.Date, "campaign-date", f.Date, "date of a campaign, YYYY-MM-DD, to measure its effect (campaign.csv, a section of the report): "+
		"the model is fitted on the log up to and including it; needs -campaign-contacted")
	fs.StringVar(&f.Contacted, "campaign-contacted", f.Contacted, "with -campaign-date: file of the contacted customers' ids, one a line")
	fs.StringVar(&f.Control, "campaign-control", f.Control, "with -campaign-date: file of a control group's ids (not contacted), one a line: adds the difference in differences")
	fs.IntVar(&f.Window, "campaign-window", f.Window, fmt.Sprintf("with -campaign-date: days after the date the campaign is judged on, 1 to %d; the log must cover them", forecast.MaxCampaignWindow))
	fs.Float64Var(&f.Cost, "campaign-cost", f.Cost, "with -campaign-date: cost per contacted customer, for the profit (with -margin) and the ROI")
}

// campaignOptions returns the campaign's configuration without its files
// (openCampaign opens them), nil when no campaign flag is given.
func (c Config) campaignOptions() (*forecast.CampaignConfig, error) {
	f := c.Campaign
	given := false
	for _, name := range []string{"campaign-date", "campaign-contacted", "campaign-control", "campaign-window", "campaign-cost"} {
		if _, ok := c.set[name]; ok {
			given = true
		}
	}
	if !given {
		return nil, nil
	}
	switch {
	case f.Date == "":
		return nil, cli.Usagef("-campaign-date: want the campaign's date, YYYY-MM-DD, with the other -campaign flags")
	case f.Contacted == "":
		return nil, cli.Usagef("-campaign-contacted: want a file of the contacted customers' ids with -campaign-date")
	case c.State != "":
		return nil, cli.Usagef("-campaign-date: not with -state (an incremental run keeps no transactions to summarize at the date)")
	}
	date, err := parseDay(f.Date)
	if err != nil {
		return nil, cli.Usagef("-campaign-date %q: want a date, YYYY-MM-DD", f.Date)
	}
	cc := &forecast.CampaignConfig{Date: date, Window: f.Window, CostPerContact: f.Cost, ContactedName: f.Contacted, ControlName: f.Control}
	if f.Window == 0 {
		cc.Window = -1 // refused, with the range (the Config reads 0 as its default)
	}
	return cc, nil
}

// openCampaign opens the files of ids into cc; the function returned
// closes them.
func openCampaign(cc *forecast.CampaignConfig, f campaignFlags) (func(), error) {
	fh, err := os.Open(f.Contacted)
	if err != nil {
		return nil, fmt.Errorf("-campaign-contacted: %w", err)
	}
	cc.Contacted = fh
	if f.Control == "" {
		return func() { fh.Close() }, nil
	}
	ctl, err := os.Open(f.Control)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("-campaign-control: %w", err)
	}
	cc.Control = ctl
	return func() { fh.Close(); ctl.Close() }, nil
}
