package clv

import (
	"errors"
	"io"
	"unsafe"

	"github.com/clvkit/clvkit/internal/ingest"
)

// SummarizeCSV reads a transaction log and summarizes it in one pass, with
// memory O(customers). Each customer's transactions must be in time order
// (see Summarizer); for other logs, use Reader.ReadAll and Summarize. An
// error is a *ParseError naming the line. With csvOpts.SkipInvalid, records
// that cannot be used (except those after End, see SkipAfterEnd, and those
// out of order) are skipped and counted in Summary.Stats.
//
// SummarizeCSV parses in a second goroutine while it summarizes, so it uses
// two cores; it has stopped reading r when it returns.
func SummarizeCSV(r io.Reader, csvOpts CSVOptions, opts SummaryOptions) (*Summary, error) {
	s, err := NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	rd, err := NewReader(r, csvOpts)
	if err != nil {
		return nil, err
	}
	// One goroutine parses records into chunks while this one adds them
	// (see Summarizer.AddBatch), chunk by chunk in the order read; a third
	// prepares the memory of new customers.
	stopBlocks := s.prefaultBlocks()
	defer stopBlocks()
	var skipped Stats
	chunks := parseChunks(rd)
	defer chunks.Stop()
	for {
		c := <-chunks.Full
		for i := 0; i < len(c.Recs); {
			n, err := s.addBatch(c.Recs[i:])
			if err == nil {
				break
			}
			i += n
			switch {
			case errors.Is(err, ErrAfterEnd) || errors.Is(err, ErrOutOfOrder):
				return nil, rd.fieldErrAt(c.Lines[i], rd.timeCol, err)
			case errors.Is(err, ErrLongID):
				err = rd.fieldErrAt(c.Lines[i], rd.idCol, err)
			default:
				err = rd.fieldErrAt(c.Lines[i], rd.amtCol, err)
			}
			if !csvOpts.SkipInvalid {
				return nil, err
			}
			skipped.skip(err)
			i++
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
			skipped.skip(err)
		}
	}
	sum, err := s.Summary()
	if err != nil {
		return nil, err
	}
	// The parser has stopped (it sent io.EOF): its counts are final.
	st := Stats{Records: rd.stats.Records, Amounts: rd.stats.Amounts}
	st.merge(skipped)
	st.merge(s.stats)
	st.Records = rd.stats.Records
	sum.Stats = st
	return sum, nil
}

// chunkSize is the number of records SummarizeCSV parses ahead at a time.
const chunkSize = 1024

// parseChunks starts a goroutine that reads rd's records into chunks (see
// ingest.Pipe). It stops after a chunk whose error ends reading (any but a
// record error under SkipInvalid), or when the pipe is stopped.
func parseChunks(rd *Reader) *ingest.Pipe[Transaction] {
	return ingest.StartPipe(chunkSize, func(c *ingest.Chunk[Transaction]) bool {
		for len(c.Recs) < chunkSize {
			id, t, amt, err := rd.readRaw()
			if err != nil {
				c.Err = err
				break
			}
			var sid string
			if len(id) > 0 { // readRaw reports empty ids
				start := len(c.Arena)
				c.Arena = append(c.Arena, id...)
				// The string aliases the arena, which append may move:
				// the old array lives on while a string points into it.
				sid = unsafe.String(&c.Arena[start], len(id))
			}
			c.Recs = append(c.Recs, Transaction{CustomerID: sid, Time: t, Amount: amt})
			c.Lines = append(c.Lines, rd.line)
		}
		return c.Err != nil && (c.Err == io.EOF || !rd.opts.SkipInvalid || !isRecordError(c.Err))
	})
}
