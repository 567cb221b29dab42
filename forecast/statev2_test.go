package forecast

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// saveV1 writes s in version 1 of the format, as Save did before version
// 2: the customers' MarshalBinary, each after its length.
func (s *State) saveV1(w io.Writer) error {
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	b := append([]byte(stateMagic), 1)
	for _, t := range []time.Time{s.End, s.First, s.Last} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(s.Records))
	b = binary.LittleEndian.AppendUint64(b, s.LogHash)
	b = appendString(b, s.Model)
	b = appendBool(b, s.sawTime)
	names := make([]string, 0, len(s.purchase))
	for n := range s.purchase {
		names = append(names, n)
	}
	slices.Sort(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendString(b, n)
		b = appendFloats(b, s.purchase[n])
	}
	b = appendBool(b, s.spend != nil)
	if s.spend != nil {
		b = appendFloats(b, []float64{s.spend.P, s.spend.Q, s.spend.Gamma})
	}
	b = binary.AppendUvarint(b, uint64(len(s.customers)))
	for i := range s.customers {
		m, err := s.customers[i].MarshalBinary()
		if err != nil {
			return err
		}
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	bw.Write(b)
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// sameState reports how a and b differ, "" if they do not: their
// fields, and every customer's MarshalBinary encoding.
func sameState(a, b *State) string {
	if !a.End.Equal(b.End) || !a.First.Equal(b.First) || !a.Last.Equal(b.Last) || a.Records != b.Records || a.LogHash != b.LogHash ||
		a.Model != b.Model || a.sawTime != b.sawTime || len(a.customers) != len(b.customers) || fmt.Sprint(a.purchase) != fmt.Sprint(b.purchase) ||
		fmt.Sprint(a.spend) != fmt.Sprint(b.spend) {
		return fmt.Sprintf("%+v\n%+v", a, b)
	}
	for i := range a.customers {
		x, _ := a.customers[i].MarshalBinary()
		y, _ := b.customers[i].MarshalBinary()
		if !bytes.Equal(x, y) {
			return fmt.Sprintf("customer %d (%q): %x, want %x", i, a.customers[i].ID, y, x)
		}
	}
	return ""
}

// TestStateV2: the state of a run on the shipped log saves in version 2
// and loads back the same, every customer bit for bit, in under half the
// bytes of version 1 (measured: 23.7 against 98.8 bytes a customer); its
// version 1 file loads to the same state too.
func TestStateV2(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := &State{}
	if _, err := RunIncremental(context.Background(), st, f, Config{}); err != nil {
		t.Fatal(err)
	}
	var v1, v2 bytes.Buffer
	if err := st.saveV1(&v1); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(&v2); err != nil {
		t.Fatal(err)
	}
	for _, file := range []*bytes.Buffer{&v1, &v2} {
		got, err := LoadState(bytes.NewReader(file.Bytes()))
		if err != nil {
			t.Fatalf("version %d: %v", file.Bytes()[len(stateMagic)], err)
		}
		if d := sameState(st, got); d != "" {
			t.Fatalf("version %d: %s", file.Bytes()[len(stateMagic)], d)
		}
	}
	n := float64(st.Customers())
	t.Logf("%d customers: version 1 %.1f, version 2 %.1f bytes a customer", st.Customers(), float64(v1.Len())/n, float64(v2.Len())/n)
	if v2.Len()*2 > v1.Len() {
		t.Errorf("version 2 %d bytes, version 1 %d: not half", v2.Len(), v1.Len())
	}
}

// TestStateV2Values: customers whose numbers take each branch of the
// encoding (times of day, fractions of seconds, before 1970, the calendar
// convention, holdout periods, amounts not in cents, returns, −0, huge
// and tiny amounts, inexact sums) come back bit for bit.
func TestStateV2Values(t *testing.T) {
	st := &State{Records: 1}
	st.End = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(id string, opts clv.SummaryOptions, times []time.Time, amounts ...float64) {
		var c clv.CustomerState
		for i, at := range times {
			if err := c.Add(clv.Transaction{CustomerID: id, Time: at, Amount: amounts[i%len(amounts)]}, opts); err != nil {
				t.Fatal(err)
			}
		}
		st.customers = append(st.customers, c)
		st.Records += len(times)
	}
	d := func(y, m, day, h, min, s, ns int) time.Time {
		return time.Date(y, time.Month(m), day, h, min, s, ns, time.UTC)
	}
	days := []time.Time{d(2024, 1, 1, 0, 0, 0, 0), d(2024, 1, 5, 0, 0, 0, 0), d(2024, 1, 5, 0, 0, 0, 0), d(2024, 2, 1, 0, 0, 0, 0)}
	add("days", clv.SummaryOptions{}, days, 12.34, 0.1, 0.2)
	add("clock", clv.SummaryOptions{}, []time.Time{d(2024, 1, 1, 13, 5, 7, 0), d(2024, 1, 1, 9, 0, 0, 0), d(2024, 2, 9, 23, 59, 59, 0)}, 5)
	add("nanos", clv.SummaryOptions{}, []time.Time{d(2024, 1, 1, 1, 2, 3, 456789), d(2024, 1, 3, 0, 0, 0, 1)}, math.Pi, 1e300)
	add("old", clv.SummaryOptions{}, []time.Time{d(1969, 12, 31, 23, 0, 0, 0), d(1900, 1, 1, 0, 0, 0, 0), d(1, 1, 1, 0, 0, 0, 0)}, 3)
	add("calendar", clv.SummaryOptions{Calendar: true, Period: clv.Month}, days, 1.5)
	add("weeks", clv.SummaryOptions{Period: clv.Week}, days, 7)
	add("holdout", clv.SummaryOptions{CalibrationEnd: d(2024, 1, 10, 0, 0, 0, 0)}, days, 2)
	add("returns", clv.SummaryOptions{AllowNegative: true}, days, -5.25, math.Copysign(0, -1), 1e-300, 0.3, 1e15+0.5)
	add("", clv.SummaryOptions{}, days[:1], 0)
	add("minus zero", clv.SummaryOptions{}, days[:2], math.Copysign(0, -1)) // periods whose sum is −0
	add("é\x00\"", clv.SummaryOptions{}, days[2:], 4e-7)
	var b bytes.Buffer
	if err := st.Save(&b); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameState(st, got); d != "" {
		t.Fatal(d)
	}
	// A flipped bit anywhere is refused (the checksum), never a panic.
	for i := range b.Len() {
		bad := bytes.Clone(b.Bytes())
		bad[i] ^= 0x10
		if _, err := LoadState(bytes.NewReader(bad)); !errors.Is(err, ErrStateCorrupt) && !errors.Is(err, ErrStateVersion) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
}

// BenchmarkStateFormats loads the state of the shipped log in versions 1
// and 2, and saves it in version 2 (saveV1 is not the old Save's speed:
// it allocates each customer's encoding).
func BenchmarkStateFormats(b *testing.B) {
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st := &State{}
	if _, err := RunIncremental(context.Background(), st, f, Config{}); err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name string
		save func(io.Writer) error
	}{{"v1", st.saveV1}, {"v2", st.Save}} {
		var buf bytes.Buffer
		v.save(&buf)
		b.Run(v.name+"/save", func(b *testing.B) {
			if v.name == "v1" {
				b.Skip("saveV1 is a test's writer")
			}
			for b.Loop() {
				var w bytes.Buffer
				v.save(&w)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(st.Customers()), "ns/customer")
		})
		b.Run(v.name+"/load", func(b *testing.B) {
			for b.Loop() {
				LoadState(bytes.NewReader(buf.Bytes()))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(st.Customers()), "ns/customer")
		})
	}
}
