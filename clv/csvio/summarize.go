package csvio

import (
	"io"
	"runtime"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/ingest"
)

// Summarize reads a transaction log and summarizes it in one pass, with
// memory O(customers). Each customer's transactions must be in time order
// (see clv.Summarizer); for other logs, use SummarizeAnyOrder. An error is
// a *clv.ParseError naming the line. With csvOpts.SkipInvalid, records
// that cannot be used (except those after opts.End, see
// clv.SummaryOptions.SkipAfterEnd, and those out of order) are skipped and
// counted in the Summary's Stats.
//
// Summarize parses in a second goroutine while it summarizes, so it uses
// two cores; with more (GOMAXPROCS above 2), it summarizes the customers
// in parts, split by a hash of their ids, on a core each, with the same
// result bit for bit. It has stopped reading r when it returns.
func Summarize(r io.Reader, csvOpts Options, opts clv.SummaryOptions) (*clv.Summary, error) {
	s, err := newSummarizer(opts)
	if err != nil {
		return nil, err
	}
	rd, err := NewReader(r, csvOpts)
	if err != nil {
		return nil, err
	}
	if partsCSV == 1 || partsCSV == 0 && runtime.GOMAXPROCS(0) > ingest.Parts {
		return s.summarizeParts(rd)
	}
	// One goroutine parses records into chunks while this one adds them
	// (see clv.Summarizer.AddBatch), chunk by chunk in the order read; a third
	// prepares the memory of new customers.
	stopBlocks := (*s.e).PrefaultBlocks()
	defer stopBlocks()
	var skipped clv.Stats
	chunks := parseChunks(rd)
	defer chunks.Stop()
	for {
		c := <-chunks.Full
		if err := s.addLines(rd, c.Recs, c.Lines, &skipped); err != nil {
			return nil, err
		}
		err := c.Err
		chunks.Free <- c
		if err == io.EOF {
			break
		}
		if err != nil {
			if !csvOpts.SkipInvalid || !isRecordError(err) {
				return nil, err
			}
			skipped.Skip(err)
		}
	}
	// The parser has stopped (it sent io.EOF): its counts are final.
	return s.finish(rd, skipped)
}

// summarizer is a clv.Summarizer with its engine, the engine's options and
// the function that counts its skips (ingest.EngineOf).
type summarizer struct {
	*clv.Summarizer
	opts  clv.SummaryOptions
	e     **ingest.Summarizer
	eopts ingest.SummaryOptions
	skip  func(error)
}

func newSummarizer(opts clv.SummaryOptions) (*summarizer, error) {
	cs, err := clv.NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	s := &summarizer{Summarizer: cs, opts: opts}
	s.e, s.eopts, s.skip = ingest.EngineOf(cs)
	return s, nil
}

// afterEnd returns err, an *ingest.AfterEndError as a *clv.AfterEndError.
func (s *summarizer) afterEnd(err error) error {
	if ae, ok := err.(*ingest.AfterEndError); ok {
		return &clv.AfterEndError{Time: ae.Time, End: s.opts.End, EndOfDay: s.opts.EndOfDay}
	}
	return err
}

// finish returns the summary, with the counts of rd, of the records
// skipped and of the summarizer's skips.
func (s *summarizer) finish(rd *Reader, skipped clv.Stats) (*clv.Summary, error) {
	sum, err := s.Summary()
	if err != nil {
		return nil, err
	}
	st := rd.Stats()
	st.Merge(skipped)
	own := sum.Stats // the summarizer's skips and merged records; rd counts the records
	own.Records = 0
	st.Merge(own)
	sum.Stats = st
	return sum, nil
}

// addLines adds recs, read by rd from lines, in order. An error names the
// line and column at fault; with SkipInvalid, a record the summarizer
// cannot use (except one after the end or out of order) is counted in
// skipped instead.
func (s *summarizer) addLines(rd *Reader, recs []clv.Transaction, lines []int, skipped *clv.Stats) error {
	for i := 0; i < len(recs); {
		n, err := s.AddBatch(recs[i:])
		if err == nil {
			return nil
		}
		i += n
		err, stop := rd.addErr(lines[i], err)
		if stop {
			return err
		}
		skipped.Skip(err)
		i++
	}
	return nil
}

// SummarizeAnyOrder is Summarize for a log in any order: it reads
// the whole log into memory (O(transactions), where Summarize needs
// O(customers)), puts it in time order (transactions at the same time in
// the order read) and summarizes it, with Summarize's errors naming the
// line and column. Use it when Summarize reports clv.ErrOutOfOrder and the
// log cannot be sorted beforehand.
func SummarizeAnyOrder(r io.Reader, csvOpts Options, opts clv.SummaryOptions) (*clv.Summary, error) {
	s, err := newSummarizer(opts)
	if err != nil {
		return nil, err
	}
	rd, err := NewReader(r, csvOpts)
	if err != nil {
		return nil, err
	}
	var txs []clv.Transaction
	var lines []int
	for {
		t, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		txs, lines = append(txs, t), append(lines, rd.recs.Line)
	}
	order := ingest.TimeOrder(txs) // nil: in order already
	var skipped clv.Stats
	buf, bl := make([]clv.Transaction, 0, min(len(txs), chunkSize)), make([]int, 0, min(len(txs), chunkSize))
	for start := 0; start < len(txs); start += chunkSize {
		buf, bl = buf[:0], bl[:0]
		for j := start; j < min(start+chunkSize, len(txs)); j++ {
			i := j
			if order != nil {
				i = order[j]
			}
			buf, bl = append(buf, txs[i]), append(bl, lines[i])
		}
		if err := s.addLines(rd, buf, bl, &skipped); err != nil {
			return nil, err
		}
	}
	return s.finish(rd, skipped)
}

// partsCSV chooses Summarize's path: 0 by the cores, 1 the parts (see
// summarizeParts), −1 the sequential path (one summarizing goroutine
// beside the parser). By default the parts serve when there is a core for
// each part beside the parser's: on two cores the sequential path already
// keeps both busy (parsing and summarizing take about the same time), and
// the parts, doing the same work, only add hand-offs between goroutines
// (measured slower on the shared 2-core machine, see the README).
var partsCSV = 0

// chunkSize is the number of records Summarize parses ahead at a time.
const chunkSize = 1024

// parseChunks starts a goroutine that reads rd's records into chunks (see
// ingest.Pipe). It stops after a chunk whose error ends reading (any but a
// record error under SkipInvalid), or when the pipe is stopped.
func parseChunks(rd *Reader) *ingest.Pipe[clv.Transaction] {
	return ingest.StartPipe(chunkSize, func(c *ingest.Chunk[clv.Transaction]) bool {
		return fillChunk(rd, c, chunkSize)
	})
}

// fillChunk reads up to size of rd's records into c and reports whether
// reading has ended: c.Err is an error that ends it (any but a record
// error under SkipInvalid), or io.EOF.
func fillChunk(rd *Reader, c *ingest.Chunk[clv.Transaction], size int) bool {
	for len(c.Recs) < size {
		id, t, amt, err := rd.readRaw()
		if err != nil {
			c.Err = err
			break
		}
		c.Recs = append(c.Recs, clv.Transaction{CustomerID: c.String(id), Time: t, Amount: amt})
		c.Lines = append(c.Lines, rd.recs.Line)
	}
	return c.Err != nil && (c.Err == io.EOF || !rd.opts.SkipInvalid || !isRecordError(c.Err))
}
