package clv_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// decodeLog turns fuzz bytes into a transaction log: three bytes per
// transaction give the customer (one of 23, so customers repeat within and
// across AddBatch's groups; ids short and long), a time step (mostly forward, sometimes back, so
// that some transactions are out of order) and an amount (sometimes
// negative).
func decodeLog(data []byte) []clv.Transaction {
	start := date(2020, 1, 1)
	var ts []clv.Transaction
	at := 0
	for i := 0; i+2 < len(data); i += 3 {
		at += int(int8(data[i+1])) + 40
		id := fmt.Sprintf("c%d", data[i]%23)
		if data[i]%2 == 1 {
			id += "-a-longer-id"
		}
		ts = append(ts, clv.Transaction{
			CustomerID: id,
			Time:       start.Add(time.Duration(at) * time.Hour),
			Amount:     float64(int8(data[i+2])) / 4,
		})
	}
	return ts
}

// addOneByOne adds ts with Add and returns how many were added and the
// first error.
func addOneByOne(s *clv.Summarizer, ts []clv.Transaction) (int, error) {
	for i, t := range ts {
		if err := s.Add(t); err != nil {
			return i, err
		}
	}
	return len(ts), nil
}

// checkBatchEqualsAdd checks that AddBatch stops at the same transaction
// with the same error as Add one by one, and leaves the same state.
func checkBatchEqualsAdd(t *testing.T, ts []clv.Transaction, opts clv.SummaryOptions) {
	t.Helper()
	one, err := clv.NewSummarizer(opts)
	if err != nil {
		t.Fatal(err)
	}
	batch, _ := clv.NewSummarizer(opts)
	n1, err1 := addOneByOne(one, ts)
	n2, err2 := batch.AddBatch(ts)
	if n1 != n2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
		t.Fatalf("Add stops at %d (%v), AddBatch at %d (%v)", n1, err1, n2, err2)
	}
	s1, err1 := one.Summary()
	s2, err2 := batch.Summary()
	if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(s1, s2) {
		t.Fatalf("summaries differ after %d transactions:\nAdd      %+v (%v)\nAddBatch %+v (%v)", n1, s1, err1, s2, err2)
	}
}

func batchOptions() []clv.SummaryOptions {
	end := date(2021, 12, 31)
	return []clv.SummaryOptions{
		{End: end},
		{End: end, Calendar: true, Period: clv.Week, CalibrationEnd: date(2021, 6, 30), AllowNegative: true, SkipAfterEnd: true},
	}
}

// FuzzAddBatch checks that AddBatch is Add one by one: same stopping
// point, same error, same summaries, whatever the order and the errors.
func FuzzAddBatch(f *testing.F) {
	f.Add([]byte("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"))
	f.Add([]byte{0, 0, 1, 0, 200, 1, 1, 10, 1, 1, 10, 200})
	f.Add([]byte(strings.Repeat("\x05\x30\x10\x06\x30\x10", 40)))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts := decodeLog(data)
		for _, opts := range batchOptions() {
			checkBatchEqualsAdd(t, ts, opts)
		}
	})
}

// TestAddBatchLarge compares AddBatch with Add on a log of many groups,
// whose customers repeat inside groups, across groups and after runs of
// the same customer, and checks that a failed AddBatch can resume.
func TestAddBatchLarge(t *testing.T) {
	ts := synthLog(20_000) // 2,000 customers
	for i := 100; i < len(ts); i += 97 {
		ts[i].CustomerID = ts[i-1].CustomerID // runs of one customer
	}
	for _, opts := range batchOptions() {
		checkBatchEqualsAdd(t, ts, opts)
	}

	// A bad transaction in the middle: AddBatch stops there, names it,
	// and the rest can be added after it.
	bad := 12_345
	ts[bad].Amount = nan()
	s, _ := clv.NewSummarizer(clv.SummaryOptions{End: date(2021, 12, 31)})
	n, err := s.AddBatch(ts)
	if n != bad || !errors.Is(err, clv.ErrNonFinite) {
		t.Fatalf("AddBatch = %d, %v; want %d, ErrNonFinite", n, err, bad)
	}
	if m, err := s.AddBatch(ts[bad+1:]); err != nil || m != len(ts)-bad-1 {
		t.Fatalf("resumed AddBatch = %d, %v", m, err)
	}
	sum, err := s.Summary()
	if err != nil {
		t.Fatal(err)
	}
	want, err := clv.Summarize(append(ts[:bad:bad], ts[bad+1:]...), clv.SummaryOptions{End: date(2021, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Records != len(ts) || !reflect.DeepEqual(sum.Customers, want.Customers) {
		t.Fatalf("after resuming: %d records, summaries equal %v", sum.Stats.Records, reflect.DeepEqual(sum.Customers, want.Customers))
	}
}

func TestLongID(t *testing.T) {
	long := strings.Repeat("x", 1<<16)
	s, _ := clv.NewSummarizer(clv.SummaryOptions{End: date(2021, 1, 1)})
	if err := s.Add(clv.Transaction{CustomerID: long, Time: date(2020, 1, 1)}); !errors.Is(err, clv.ErrLongID) {
		t.Fatalf("Add with a 65,536-byte id: %v, want ErrLongID", err)
	}
	if err := s.Add(clv.Transaction{CustomerID: long[1:], Time: date(2020, 1, 1)}); err != nil {
		t.Fatalf("Add with a 65,535-byte id: %v", err)
	}
	in := "customer_id,date\na,2020-01-01\n" + long + ",2020-01-02\n"
	_, err := csvio.Summarize(strings.NewReader(in), csvio.Options{}, clv.SummaryOptions{End: date(2021, 1, 1)})
	var pe *clv.ParseError
	if !errors.As(err, &pe) || !errors.Is(err, clv.ErrLongID) || pe.Line != 3 || pe.Column != 1 {
		t.Fatalf("csvio.Summarize with a long id: %v, want ErrLongID at line 3, column 1", err)
	}
}

// blockingReader returns head in one Read, then blocks in the next until
// release is closed, then reports io.EOF.
type blockingReader struct {
	head     []byte
	release  chan struct{}
	released atomic.Bool
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if len(r.head) > 0 {
		n := copy(p, r.head)
		r.head = r.head[n:]
		return n, nil
	}
	<-r.release
	r.released.Store(true)
	return 0, io.EOF
}

// TestSummarizeCSVStopsReading checks that csvio.Summarize, which parses in a
// goroutine of its own, waits for it before returning an error, so that
// the input is not read after csvio.Summarize returns. The parser is made to
// block in a Read while the error is being returned.
func TestSummarizeCSVStopsReading(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date\na,2020-01-02\na,2020-01-01\n") // line 3 is out of order
	for range 2000 {                                                // more than a chunk
		b.WriteString("b,2020-01-03\n")
	}
	in := &blockingReader{head: []byte(b.String()), release: make(chan struct{})}
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(in.release)
	}()
	_, err := csvio.Summarize(in, csvio.Options{}, clv.SummaryOptions{End: date(2021, 1, 1)})
	var pe *clv.ParseError
	if !errors.As(err, &pe) || !errors.Is(err, clv.ErrOutOfOrder) || pe.Line != 3 {
		t.Fatalf("err = %v, want ErrOutOfOrder at line 3", err)
	}
	if !in.released.Load() {
		t.Error("csvio.Summarize returned while its parser was still reading the input")
	}
}
