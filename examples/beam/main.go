package main

import (
	"context"
	"flag"
	"log"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

func main() {
	var cfg Config
	var end, cal, unit string
	flag.StringVar(&cfg.Input, "input", "../../testdata/transactions.csv", "transaction files (glob; .gz read transparently)")
	flag.StringVar(&cfg.Output, "output", "out", "output directory (forecast-*-of-*.csv, model.json)")
	flag.StringVar(&cfg.Delim, "delim", ",", `field delimiter: "," or "space"`)
	flag.BoolVar(&cfg.Header, "header", true, "each file starts with a header line")
	flag.IntVar(&cfg.ID, "id", 0, "customer id column (0-based)")
	flag.IntVar(&cfg.Date, "date", 1, "date column (0-based)")
	flag.IntVar(&cfg.Amount, "amount", 2, "amount column (0-based)")
	flag.StringVar(&end, "end", "2024-12-30", "end of observation, YYYY-MM-DD (required)")
	flag.StringVar(&cal, "calibration-end", "", "end of calibration, YYYY-MM-DD")
	flag.StringVar(&unit, "unit", "week", "time unit: day or week")
	flag.IntVar(&cfg.Months, "horizon", 12, "CLV horizon in months")
	flag.Float64Var(&cfg.Discount, "discount", 0.01, "discount rate per month")
	flag.Float64Var(&cfg.Margin, "margin", 1, "profit margin in (0, 1]")
	flag.IntVar(&cfg.Shards, "shards", 4, "number of forecast files")
	flag.Parse()
	beam.Init()
	var err error
	if cfg.End, err = time.Parse(time.DateOnly, end); err != nil {
		log.Fatalf("-end: %v", err)
	}
	if cal != "" {
		if cfg.CalibrationEnd, err = time.Parse(time.DateOnly, cal); err != nil {
			log.Fatalf("-calibration-end: %v", err)
		}
	}
	cfg.Unit = 7 * 24 * time.Hour
	if unit == "day" {
		cfg.Unit = 24 * time.Hour
	}
	// The runner and its options come from Beam's flags (-runner, ...).
	if err := run(context.Background(), cfg, func(ctx context.Context, p *beam.Pipeline) error {
		return beamx.Run(ctx, p)
	}); err != nil {
		log.Fatal(err)
	}
}
