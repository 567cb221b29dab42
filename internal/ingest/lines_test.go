package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestLines: lines with either ending; a line over the limit is reported
// and skipped, also the last one; an over-long line of NUL bytes says so.
func TestLines(t *testing.T) {
	long := strings.Repeat("y", 200_000)
	in := "a\r\nbb\n" + long + "\ncc\n" + long + "x\r\nd\n" + strings.Repeat("\x00", 100_000) + "\ne\n" + long
	l, err := NewLines(strings.NewReader(in), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for !l.EOF() {
		line, err := l.Next()
		var le LongLineError
		switch {
		case errors.As(err, &le):
			if le.N <= 10_000 || le.N > 200_000 || le.Endless {
				t.Errorf("long line: %+v", le)
			}
			tag := "LONG"
			if le.Binary {
				tag = "NUL"
			}
			got = append(got, tag)
		case err != nil && err != io.EOF:
			t.Fatal(err)
		case err == io.EOF && len(line) == 0: // the input ended with a line ending
		default:
			got = append(got, string(line))
		}
	}
	if want := "a bb LONG cc LONG d NUL e LONG"; strings.Join(got, " ") != want {
		t.Errorf("lines %q, want %q", strings.Join(got, " "), want)
	}
	// A line longer than SkipLimit times the limit (and the reader's 64 KiB
	// buffer) is not skipped.
	l, _ = NewLines(strings.NewReader(strings.Repeat("z", 300*1000)+"\nok\n"), 1000)
	if _, err := l.Next(); !errors.As(err, new(LongLineError)) {
		t.Fatalf("first: %v", err)
	}
	var le LongLineError
	if _, err := l.Next(); !errors.As(err, &le) || !le.Endless {
		t.Errorf("skipping 300 times the limit: %v", err)
	}
	if _, err := l.Next(); !errors.As(err, &le) || !le.Endless {
		t.Errorf("after an endless line: %v", err)
	}
}

// TestLimitLines: lines up to the limit pass unchanged; a longer run
// without a line feed is an error, also on an endless stream.
func TestLimitLines(t *testing.T) {
	in := "ab\r\n" + strings.Repeat("x", 1000) + "\ncd\n"
	b, err := io.ReadAll(LimitLines(strings.NewReader(in), 1000))
	if err != nil || string(b) != in {
		t.Errorf("within the limit: %v", err)
	}
	var le LongLineError
	b, err = io.ReadAll(LimitLines(strings.NewReader("ab\n"+strings.Repeat("x", 1002)), 1000))
	if !errors.As(err, &le) || le.N != 1002 || len(b) != 3+1001 {
		t.Errorf("over the limit: %v, %d bytes passed", err, len(b))
	}
	zero := io.LimitReader(zeros{}, 1<<40)
	if _, err := io.ReadAll(LimitLines(zero, 1<<20)); !errors.As(err, &le) || !le.Binary || !strings.Contains(err.Error(), "not a text file") {
		t.Errorf("endless zeros: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
