package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
)

// Config holds the command's settings; the flags set it.
type Config struct {
	Model, Addr string
	// State is the job's -state directory, whose state GET
	// /v1/customers/{id} looks customers up in; "" for none.
	State string
	// Covariates is the covariates file (the job's -covariates format)
	// whose rows GET /v1/customers/{id} scores a model with covariates
	// with; "" for none. It needs State.
	Covariates string
	// Months, Discount, Margin and Window are the job's -horizon,
	// -discount, -margin and -window: they override model.json's
	// recorded settings only when Given names them (flags set on the
	// command line); a model.json written before it recorded them is
	// scored with all four.
	Months           int
	Discount, Margin float64
	Window           int
	Given            map[string]bool // flag names: "horizon", "discount", "margin", "window"
	Poll             time.Duration   // 0: no polling, SIGHUP only
	MaxBody          int64           // bytes of a request's body
	MaxBatch         int             // customers in a request
	Concurrency      int             // requests read and scored at once
	Timeout          time.Duration   // per request
	Grace            time.Duration   // for requests in flight at shutdown
	// Answers puts the answer columns (forecast.csv's, after
	// discounted_purchases) in /v1/score's responses unless a request's
	// query says answers=false; false leaves them out unless it says
	// answers=true. They take about a third of the scoring's time.
	Answers bool
}

func defaultConfig() Config {
	return Config{Addr: "localhost:8080", Months: 12, Discount: 0.01, Margin: 1, Window: forecast.DefaultWindow, Poll: 2 * time.Second,
		MaxBody: 8 << 20, MaxBatch: 10_000, Concurrency: 4 * runtime.GOMAXPROCS(0), Timeout: 10 * time.Second, Grace: 10 * time.Second, Answers: true}
}

func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.Model, "model", c.Model, "model.json written by examples/forecast (required)")
	fs.StringVar(&c.State, "state", c.State, "the job's -state directory: GET /v1/customers/{id} answers from its "+stateFile+", reloaded as the model is")
	fs.StringVar(&c.Covariates, "covariates", c.Covariates, "with -state and a model with covariates: the customers' covariates (the job's -covariates file) that GET /v1/customers/{id} scores with, reloaded as the state is")
	fs.StringVar(&c.Addr, "addr", c.Addr, "host:port to listen on (port 0: any free port)")
	fs.IntVar(&c.Months, "horizon", c.Months, fmt.Sprintf("forecast horizon in months, 1 to %d: overrides model.json's (the job's -horizon)", forecast.MaxMonths))
	fs.Float64Var(&c.Discount, "discount", c.Discount, "discount rate per month: overrides model.json's (the job's -discount)")
	fs.Float64Var(&c.Margin, "margin", c.Margin, "profit margin in (0, 1]: overrides model.json's (the job's -margin)")
	fs.IntVar(&c.Window, "window", c.Window, fmt.Sprintf("days of the purchase and churn window, 1 to %d: overrides model.json's (the job's -window)", forecast.MaxWindow))
	fs.DurationVar(&c.Poll, "poll", c.Poll, "how often to check the model file for changes (0: only on SIGHUP)")
	fs.Int64Var(&c.MaxBody, "max-body", c.MaxBody, "largest request body in bytes (larger: 413)")
	fs.IntVar(&c.MaxBatch, "max-batch", c.MaxBatch, "most customers in one request (more: 413)")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "most requests read and scored at once; more wait, within -timeout (default: 4 per core)")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "time a request may take (over it: 503)")
	fs.DurationVar(&c.Grace, "grace", c.Grace, "time requests in flight may take to finish at shutdown")
	fs.BoolVar(&c.Answers, "answers", c.Answers, "put the answer columns (p_purchase_window ... model_days_between_orders) in /v1/score's responses; "+
		"a request's ?answers=true or ?answers=false overrides it (without them scoring is about a third faster)")
}

// check reports the first setting out of range as a usage error.
func (c *Config) check() error {
	switch {
	case c.Model == "":
		return cli.Usagef("no model: give -model out/model.json (examples/forecast writes it)")
	case c.Covariates != "" && c.State == "":
		return cli.Usagef("-covariates %s without -state: the covariates serve the lookups of -state's customers (a request to /v1/score carries its customers' covariates)", c.Covariates)
	case c.Months < 1 || c.Months > forecast.MaxMonths:
		return cli.Usagef("-horizon %d: want 1 to %d months", c.Months, forecast.MaxMonths)
	case !(c.Discount >= 0) || c.Discount > 1e6:
		return cli.Usagef("-discount %v: want a rate per month ≥ 0", c.Discount)
	case !(c.Margin > 0 && c.Margin <= 1):
		return cli.Usagef("-margin %v: want a share in (0, 1]", c.Margin)
	case c.Window < 1 || c.Window > forecast.MaxWindow:
		return cli.Usagef("-window %d: want 1 to %d days", c.Window, forecast.MaxWindow)
	case c.Poll < 0:
		return cli.Usagef("-poll %v: want a duration ≥ 0", c.Poll)
	case c.MaxBody < 64:
		return cli.Usagef("-max-body %d: want at least 64 bytes", c.MaxBody)
	case c.MaxBatch < 1:
		return cli.Usagef("-max-batch %d: want at least 1", c.MaxBatch)
	case c.Concurrency < 1:
		return cli.Usagef("-concurrency %d: want at least 1", c.Concurrency)
	case c.Timeout <= 0 || c.Grace < 0:
		return cli.Usagef("-timeout %v, -grace %v: want durations > 0 and ≥ 0", c.Timeout, c.Grace)
	}
	return nil
}

// run is the command: it parses args and serves until SIGINT or SIGTERM;
// SIGHUP reloads the model. The log goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return serve(ctx, c, hup, stderr, nil)
}

func parse(args []string, stderr io.Writer) (Config, error) {
	c := defaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: serve -model model.json [-state dir] [-addr host:port] [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args, stderr); err != nil {
		return c, err
	}
	if err := cli.NoArgs(fs); err != nil {
		return c, err
	}
	c.Given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.Given[f.Name] = true })
	return c, c.check()
}

// overrides returns the settings given on the command line (Given), which
// override model.json's recorded ones; all returns every setting, for a
// model.json that records none.
func (c *Config) overrides() forecast.ScorerOptions {
	var o forecast.ScorerOptions
	if c.Given["horizon"] {
		o.Months = c.Months
	}
	if c.Given["discount"] {
		o.Discount, o.NoDiscount = c.Discount, c.Discount == 0
	}
	if c.Given["margin"] {
		o.Margin = c.Margin
	}
	if c.Given["window"] {
		o.Window = c.Window
	}
	return o
}

func (c *Config) all() forecast.ScorerOptions {
	return forecast.ScorerOptions{Months: c.Months, Discount: c.Discount, Margin: c.Margin, Window: c.Window, NoDiscount: c.Discount == 0}
}

// serve listens on c.Addr and serves until ctx is done, then shuts down
// gracefully. A value on hup reloads the model. ready, if not nil, is
// called with the address listened on once the server accepts requests.
func serve(ctx context.Context, c Config, hup <-chan os.Signal, stderr io.Writer, ready func(net.Addr)) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	s := newServer(c, log)
	s.reload("start", true) // a model that does not load yet: not ready, reloaded when it changes
	s.reloadState("start", true)
	s.reloadCovariates("start", true)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: c.Timeout + 5*time.Second,
		WriteTimeout: c.Timeout + 5*time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "model", c.Model)
	if ready != nil {
		ready(ln.Addr())
	}
	var tick <-chan time.Time
	if c.Poll > 0 {
		t := time.NewTicker(c.Poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			log.Info("shutting down", "grace", c.Grace)
			sctx, cancel := context.WithTimeout(context.Background(), c.Grace)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				srv.Close()
				return fmt.Errorf("shutdown: %w", err)
			}
			if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			log.Info("stopped")
			return nil
		case err := <-errc:
			return err
		case <-hup:
			s.reload("SIGHUP", true)
			s.reloadState("SIGHUP", true)
			s.reloadCovariates("SIGHUP", true)
		case <-tick:
			s.reload("file changed", false)
			s.reloadState("file changed", false)
			s.reloadCovariates("file changed", false)
		}
	}
}
