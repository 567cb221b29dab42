package forecast

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/segment"
)

// ForecastColumns are the columns of forecast.csv: the summary, the
// forecast, the RFM scores and tiers, then AnswerColumns.
var ForecastColumns = append([]string{"customer_id", "frequency", "recency", "T", "monetary_value", "p_alive",
	"expected_purchases", "expected_avg_value", "clv", "r_score", "f_score", "m_score", "rfm_score",
	"segment", "churn_tier", "value_tier", "action"}, AnswerColumns...)

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// formulaStart are the characters that start a formula in a spreadsheet.
const formulaStart = "=+-@\t\r"

// cell neutralizes a text cell that a spreadsheet would read as a formula
// (starting with =, +, -, @, a tab or a carriage return) by prefixing a
// single quote, as OWASP recommends for CSV exports.
func cell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteForecastCSV writes one row per customer (ForecastColumns), in the
// order of Summary.Customers: the fields of Result.Customer. Without
// amounts (Config.NoAmounts), the cells of values (expected_avg_value,
// clv and its interval) are empty. Numbers have up to 10 significant digits;
// ids are quoted as RFC 4180 requires and neutralized against formula
// injection (see cell).
func (res *Result) WriteForecastCSV(w io.Writer) error {
	b := make([]byte, 0, 512)
	b = append(b, strings.Join(ForecastColumns, ",")...)
	if res.Intervals != nil {
		b = append(b, ",p_alive_low,p_alive_high,expected_purchases_low,expected_purchases_high,clv_low,clv_high"...)
	}
	if res.Purchases != nil {
		b = append(b, ",purchases_low,purchases_high"...)
	}
	if res.Intervals != nil && res.Config.AnswerIntervals {
		b = append(b, ","+strings.Join(AnswerIntervalColumns, ",")...)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return err
	}
	cs := res.Summary.Customers
	ac := res.cells()
	ac.tiers = res.tierCells()
	return writeChunks(w, parallel.Chunks(len(cs)), func(b []byte, k int) []byte {
		lo, hi := parallel.Bounds(k, len(cs))
		if b == nil {
			b = make([]byte, 0, (hi-lo)*320)
		}
		return res.appendForecastRows(b, &ac, lo, hi)
	})
}

// writeChunks writes chunks 0, 1, ..., n−1 to w in order, each formatted
// by format(buf[:0], k) into a buffer it may grow and return (nil the
// first time). The chunks are formatted on all cores while the calling
// goroutine writes those done: a window of a few chunks per core is
// formatted ahead of the writes, which bounds memory. It returns the first
// error of w, after which it formats no more chunks.
func writeChunks(w io.Writer, n int, format func(buf []byte, k int) []byte) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	window := 3 * workers
	// Chunk k goes through slot k % window: at most window chunks are
	// claimed and not yet written, so their slots differ.
	slots := make([]chan []byte, window)
	for i := range slots {
		slots[i] = make(chan []byte, 1)
	}
	tokens := make(chan struct{}, window) // one per chunk claimed, not yet written
	free := make(chan []byte, window)     // buffers written, to reuse
	quit := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case tokens <- struct{}{}:
				case <-quit:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				slots[k%window] <- format(buf[:0], k)
			}
		})
	}
	var err error
	for k := range n {
		buf := <-slots[k%window]
		if _, err = w.Write(buf); err != nil {
			break
		}
		free <- buf
		<-tokens
	}
	close(quit)
	wg.Wait()
	return err
}

// tierCells returns, for each kind of tiers (Tiers.Kinds), its cells of
// churn_tier, value_tier and action, each preceded by a comma: formatted
// once, not once per customer.
func (res *Result) tierCells() [][]byte {
	cells := make([][]byte, len(res.Tiers.Kinds))
	for k, t := range res.Tiers.Kinds {
		var b []byte
		for _, s := range [...]string{t.Churn, t.Value, t.Action} {
			b = appendField(append(b, ','), s)
		}
		cells[k] = b
	}
	return cells
}

// segmentQuotes remembers, by RFM scores, the last segment name seen with
// them and whether it needs quotes in a CSV field (needsQuotes): the
// names come from a table, one string per scores, so that the check is a
// string comparison with the name remembered instead of needsQuotes' scan
// of every byte.
type segmentQuotes [6 * 6 * 6]struct {
	name   string
	quoted bool
	ok     bool
}

// appendSegment appends rfm's segment name as a CSV field.
func (q *segmentQuotes) appendSegment(b []byte, rfm *segment.RFM) []byte {
	k := (int(rfm.R)*6+int(rfm.F))*6 + int(rfm.M)
	if rfm.R < 0 || rfm.R > 5 || rfm.F < 0 || rfm.F > 5 || rfm.M < 0 || rfm.M > 5 {
		return appendField(b, rfm.Segment)
	}
	e := &q[k]
	if !e.ok || e.name != rfm.Segment {
		e.name, e.quoted, e.ok = rfm.Segment, needsQuotes(rfm.Segment), true
	}
	if e.quoted {
		return appendQuoted(b, "", rfm.Segment)
	}
	return append(b, rfm.Segment...)
}

// appendForecastRows appends the forecast.csv rows of customers [lo, hi).
func (res *Result) appendForecastRows(b []byte, ac *answerCells, lo, hi int) []byte {
	num := func(b []byte, v float64) []byte {
		b = appendG10(b, v)
		return append(b, ',')
	}
	valued := res.Spend != nil
	// The records of the customers' rows, scattered over the cells, are
	// looked up a block of customers at a time, so that their memory
	// loads overlap (records) instead of each waiting in turn.
	var recs [recordBlock][]byte
	var oks [recordBlock]bool
	var segs segmentQuotes
	for i := lo; i < hi; i++ {
		if k := (i - lo) % recordBlock; k == 0 {
			res.records(ac, i, min(i+recordBlock, hi), &recs, &oks)
		}
		c := &res.Summary.Customers[i]
		f, rfm, tier := &res.Forecasts[i], &res.RFM[i], &res.Tiers.Kinds[res.Tiers.Of[i]]
		rec, ok := recs[(i-lo)%recordBlock], oks[(i-lo)%recordBlock]
		b = appendCell(b, c.ID)
		b = append(b, ',')
		if ok { // "frequency,recency,T,"
			b = append(b, rec[2:2+rec[0]]...)
		} else {
			b = num(b, c.Frequency)
			b = num(b, c.Recency)
			b = num(b, c.T)
		}
		if valued {
			b = num(b, c.MonetaryValue)
		} else { // no amounts: no monetary value
			b = append(b, ',')
		}
		if ok { // "p_alive,expected_purchases,"
			b = append(b, rec[2+rec[0]:2+rec[0]+rec[1]]...)
		} else {
			b = num(b, f.PAlive)
			b = num(b, f.ExpectedPurchases)
		}
		if valued {
			b = num(b, f.ExpectedValue)
			b = num(b, f.CLV)
		} else { // no amounts: no values
			b = append(b, ',', ',')
		}
		rs, fs, ms := byte('0'+rfm.R), byte('0'+rfm.F), byte('0'+rfm.M) // rfm.Code() is rs, fs, ms
		if valued {
			b = append(b, rs, ',', fs, ',', ms, ',', rs, fs, ms)
		} else { // no amounts: no m_score, and rfm_score is R and F
			b = append(b, rs, ',', fs, ',', ',', rs, fs)
		}
		b = append(b, ',')
		b = segs.appendSegment(b, rfm)
		if ac.tiers != nil {
			b = append(b, ac.tiers[res.Tiers.Of[i]]...)
		} else {
			for _, s := range [...]string{tier.Churn, tier.Value, tier.Action} {
				b = append(b, ',')
				b = appendField(b, s)
			}
		}
		if ok { // discounted_purchases and AnswerColumns
			b = append(b, rec[2+rec[0]+rec[1]:]...)
		} else {
			b = append(b, ',')
			b = appendG10(b, f.DiscountedPurchases)
			b = appendAnswers(b, res.answers(i))
		}
		if res.Intervals != nil {
			iv := &res.Intervals[i]
			for k, v := range [...]float64{iv.PAlive.Low, iv.PAlive.High, iv.ExpectedPurchases.Low, iv.ExpectedPurchases.High, iv.CLV.Low, iv.CLV.High} {
				b = append(b, ',')
				if valued || k < 4 {
					b = appendG10(b, v)
				}
			}
		}
		if res.Purchases != nil {
			p := res.Purchases[i]
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(p.Low), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(p.High), 10)
		}
		if res.Intervals != nil && res.Config.AnswerIntervals {
			b = res.appendAnswerIntervalRow(b, ac, i)
		}
		b = append(b, '\n')
	}
	return b
}

// appendField appends s as a CSV field, quoted if it holds a comma, a
// quote, a line break or leading or trailing space.
func appendField(b []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	return appendQuoted(b, "", s)
}

// appendCell appends appendField(b, cell(s)) without building cell(s).
func appendCell(b []byte, s string) []byte {
	if s == "" || !strings.ContainsRune(formulaStart, rune(s[0])) {
		return appendField(b, s)
	}
	// "'" + s needs quotes as s does (s[0] is no space).
	if !needsQuotes(s) {
		return append(append(b, '\''), s...)
	}
	return appendQuoted(b, "'", s)
}

// needsQuotes says whether s as a CSV field must be quoted: it holds a
// comma, a quote or a line break, or starts or ends with a space.
func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		if quoted[s[i]] {
			return true
		}
	}
	return false
}

// quoted marks the bytes that make a CSV field need quotes anywhere in it.
var quoted = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// appendQuoted appends prefix+s quoted, its quotes doubled (prefix has
// none).
func appendQuoted(b []byte, prefix, s string) []byte {
	b = append(b, '"')
	b = append(b, prefix...)
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// WriteSegmentsCSV writes one row per RFM segment: customers, share, mean
// recency, frequency and monetary value, total and mean CLV, mean P(alive);
// without amounts (Config.NoAmounts), the monetary value and CLV cells are
// empty.
func (res *Result) WriteSegmentsCSV(w io.Writer) error {
	rows := [][]string{{"segment", "customers", "share", "mean_recency", "mean_frequency", "mean_monetary_value",
		"total_clv", "mean_clv", "mean_p_alive"}}
	money := ff
	if res.Spend == nil { // no amounts: no spend, no CLV
		money = func(float64) string { return "" }
	}
	for _, g := range res.Segments {
		rows = append(rows, []string{g.Key, strconv.Itoa(g.Customers), ff(g.Share), ff(g.MeanRecency), ff(g.MeanFrequency),
			money(g.MeanMonetary), money(g.TotalCLV), money(g.MeanCLV), ff(g.MeanPAlive)})
	}
	return csv.NewWriter(w).WriteAll(rows)
}

// WritePeriodsCSV writes the forecast by calendar month: the month
// (YYYY-MM), the period's first and last day (the first and the last month
// cut at the horizon's ends), the purchases and the revenue expected in it,
// and their running totals; without amounts (Config.NoAmounts), the
// revenue cells are empty.
func (res *Result) WritePeriodsCSV(w io.Writer) error {
	rows := [][]string{{"month", "from", "to", "expected_purchases", "expected_revenue", "cumulative_purchases", "cumulative_revenue"}}
	if res.Intervals != nil {
		rows[0] = append(rows[0], "expected_purchases_low", "expected_purchases_high", "expected_revenue_low", "expected_revenue_high")
	}
	var cp, cr float64
	money := ff
	if res.Spend == nil { // no amounts: no revenue
		money = func(float64) string { return "" }
	}
	for _, p := range res.Periods {
		cp += p.Purchases
		cr += p.Revenue
		row := []string{p.Start.Format("2006-01"), p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly),
			ff(p.Purchases), money(p.Revenue), ff(cp), money(cr)}
		if iv := p.Interval; iv != nil {
			row = append(row, ff(iv.Purchases.Low), ff(iv.Purchases.High), money(iv.Revenue.Low), money(iv.Revenue.High))
		}
		rows = append(rows, row)
	}
	return csv.NewWriter(w).WriteAll(rows)
}

// WritePeriodsByCustomerCSV writes each customer's expected purchases in
// each calendar month of the horizon (columns customer_id and the months,
// YYYY-MM). It computes them a chunk of customers at a time.
func (res *Result) WritePeriodsByCustomerCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	b := []byte("customer_id")
	for _, p := range res.Periods {
		b = append(b, ',')
		b = append(b, p.Start.Format("2006-01")...)
	}
	b = append(b, '\n')
	ts := res.monthEdges()
	k := len(ts)
	var werr error
	err := curves(context.Background(), res.Choice.Model, res.Summary.Customers, res.wholeRows, ts, func(lo, hi int, out []float64) {
		for i := lo; i < hi && werr == nil; i++ {
			b = appendField(b, cell(res.Summary.Customers[i].ID))
			prev := 0.0
			for j := range k {
				v := max(out[(i-lo)*k+j], prev) // never falls (see periods)
				b = append(b, ',')
				b = appendG10(b, v-prev)
				prev = v
			}
			b = append(b, '\n')
			if len(b) > 32<<10 {
				_, werr = bw.Write(b)
				b = b[:0]
			}
		}
	})
	if err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteHoldoutCSV writes the holdout table: mean holdout purchases, actual
// and predicted, by calibration frequency (the last row: that many or
// more). It writes nothing without a holdout period.
func (res *Result) WriteHoldoutCSV(w io.Writer) error {
	if res.Holdout == nil {
		return nil
	}
	rows := [][]string{{"calibration_frequency", "customers", "actual_mean", "predicted_mean"}}
	for i, g := range res.Holdout.Groups {
		label := strconv.Itoa(g.Frequency)
		if i == len(res.Holdout.Groups)-1 {
			label += "+"
		}
		rows = append(rows, []string{label, strconv.Itoa(g.Customers), ff(g.Actual), ff(g.Predicted)})
	}
	return csv.NewWriter(w).WriteAll(rows)
}

// WriteModelJSON writes the fitted models, the model choice, a data
// summary and the settings that score ("scoring": horizon_months,
// discount, margin, window_days, which LoadModels reads) as indented
// JSON. Each model decodes with its package.
func (res *Result) WriteModelJSON(w io.Writer) error {
	sum := res.Summary
	data := map[string]any{
		"input": res.Config.Name, "customers": len(sum.Customers),
		"records_read": sum.Stats.Records, "records_skipped": sum.Stats.Skipped, "skipped_by_reason": sum.Stats.Reasons,
		"records_merged": sum.Stats.Merged, "holdout_only_customers": sum.HoldoutOnly, "time_unit_hours": res.Config.Unit.Hours(),
		"first_transaction": sum.First, "last_transaction": sum.Last, "observation_end": sum.End,
		"non_positive_spend_customers": res.NonPositiveSpend,
	}
	if !res.Config.CalibrationEnd.IsZero() {
		data["calibration_end"] = res.Config.CalibrationEnd
	}
	if o := sum.Stats.Amounts.Outliers(); o.Amounts > 0 {
		// Always written (count 0 says none): amounts about 1000 times the
		// median or more are typos, test orders, or wholesale buyers that
		// the spend model should not average in.
		data["amount_outliers"] = map[string]any{"amounts": o.Amounts, "median": o.Median, "threshold": o.Threshold,
			"count": o.Count, "largest": o.Worst, "largest_line": o.WorstLine}
	}
	if f := res.fewCustomersJSON(); f != nil {
		data["few_customers"] = f // fewcustomers.go
	}
	ch := res.Choice
	out := map[string]any{"purchase_model": ch.Name, "purchase_models": ch.Fitted, "data": data,
		// The run's settings that value customers and frame the answers:
		// LoadModels scores with them.
		"scoring": map[string]any{"horizon_months": res.Config.Months, "discount": res.Config.Discount,
			"margin": res.Config.Margin, "window_days": res.Config.Window}}
	if res.Spend != nil {
		out["gammagamma"] = res.Spend
	}
	if res.Calibration != nil {
		// The models that score are fitted on the whole observation; those
		// compared and checked on the holdout on the calibration period.
		data["calibration_customers"] = len(res.Calibration.Customers)
		out["purchase_models"] = map[string]PurchaseModel{ch.Name: ch.Model}
		out["calibration_models"] = ch.Fitted
	}
	if cmp := ch.Comparison; cmp != nil {
		var scores []map[string]any
		for _, s := range cmp.Scores {
			row := map[string]any{"model": s.Name, "log_likelihood": s.LogLikelihood, "n_params": s.NumParams, "aic": s.AIC, "bic": s.BIC}
			if s.Holdout != nil {
				row["holdout_mae"], row["holdout_rmse"], row["holdout_total_error"] = s.Holdout.Model.MAE, s.Holdout.Model.RMSE, s.TotalError
			}
			scores = append(scores, row)
		}
		choice := map[string]any{"criterion": cmp.Criterion, "chosen": ch.Name, "reason": cmp.Reason, "scores": scores}
		if ch.Fallback != "" {
			// The comparison's choice could not be refitted on the whole
			// observation: "chosen" is the model used.
			choice["fallback"] = ch.Fallback
		}
		out["model_choice"] = choice
	}
	if len(ch.Failed) > 0 {
		out["failed_fits"] = ch.Failed
	}
	if len(ch.NotFitted) > 0 {
		out["not_fitted"] = ch.NotFitted // models auto's screen left unfitted (ggompertz.go)
	}
	if res.Independence != nil {
		out["frequency_value_correlation"] = res.Independence
	}
	if res.Covariates != nil {
		out["covariates"] = res.covariatesJSON()
	}
	if res.Dynamic != nil {
		out["dynamic_covariates"] = res.dynamicJSON()
	}
	if res.CrossSell != nil {
		out["cross_sell"] = res.crossSellJSON()
	}
	if res.Campaign != nil {
		out["campaign"] = res.campaignJSON()
	}
	if res.Intervals != nil {
		out["intervals"] = map[string]any{"level": res.Config.Interval, "draws": res.Config.IntervalDraws,
			"method":                   "quantiles over draws of the parameters from the fits' Laplace approximation (log scale)",
			"total_expected_purchases": []float64{res.TotalPurchases.Low, res.TotalPurchases.High},
			"total_clv":                []float64{res.TotalCLV.Low, res.TotalCLV.High}}
		if im := res.IntervalMethod; im != nil {
			// Which draws made them and why (intervalmethod.go).
			iv := out["intervals"].(map[string]any)
			iv["draws_method"] = im
			if im.Method == interval.MethodMixture {
				iv["method"] = "quantiles at (1+level)/2 over draws of the parameters, half from the fit's Laplace approximation (log scale), half from its limit model's: the union of their intervals"
			}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteFiles writes every output into dir (created if needed):
// forecast.csv, model.json, segments.csv, periods.csv, cohorts.csv and
// kpis.csv (from a log), holdout.csv (with a holdout period),
// cross_sell.csv (with Config.ProductColumn), campaign.csv (with
// Config.Campaign), report.html
// and its PNG plots. It returns the names written.
func (res *Result) WriteFiles(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	write := func(name string, f func(io.Writer) error) error {
		fh, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := f(fh); err != nil {
			fh.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
		names = append(names, name)
		return fh.Close()
	}
	outs := []struct {
		name string
		f    func(io.Writer) error
	}{{"forecast.csv", res.WriteForecastCSV}, {"model.json", res.WriteModelJSON}, {"segments.csv", res.WriteSegmentsCSV},
		{"periods.csv", res.WritePeriodsCSV}}
	if res.Cohorts != nil {
		outs = append(outs, []struct {
			name string
			f    func(io.Writer) error
		}{{"cohorts.csv", res.WriteCohortsCSV}, {"kpis.csv", res.WriteKPIsCSV}}...)
	}
	if res.Config.PeriodsByCustomer {
		outs = append(outs, struct {
			name string
			f    func(io.Writer) error
		}{"periods_by_customer.csv", res.WritePeriodsByCustomerCSV})
	}
	if res.CrossSell != nil {
		outs = append(outs, struct {
			name string
			f    func(io.Writer) error
		}{"cross_sell.csv", res.WriteCrossSellCSV})
	}
	if res.Covariates != nil && len(res.Covariates.Profiles) > 0 {
		outs = append(outs, struct {
			name string
			f    func(io.Writer) error
		}{"profiles.csv", res.WriteProfilesCSV})
	}
	if res.Campaign != nil {
		outs = append(outs, struct {
			name string
			f    func(io.Writer) error
		}{"campaign.csv", res.WriteCampaignCSV})
	}
	if res.Holdout != nil {
		outs = append(outs, struct {
			name string
			f    func(io.Writer) error
		}{"holdout.csv", res.WriteHoldoutCSV})
	}
	// The tables are written while the plots render.
	var figs []Figure
	var figErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		figs, figErr = res.Figures()
	}()
	for _, o := range outs {
		if err := write(o.name, o.f); err != nil {
			<-done
			return names, err
		}
	}
	<-done
	if figErr != nil {
		return names, figErr
	}
	for _, f := range figs {
		if err := os.WriteFile(filepath.Join(dir, f.File), f.PNG, 0o644); err != nil {
			return names, err
		}
		names = append(names, f.File)
	}
	if err := write("report.html", func(w io.Writer) error { return res.WriteReport(w, figs) }); err != nil {
		return names, err
	}
	return names, nil
}
