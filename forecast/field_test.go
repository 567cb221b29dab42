package forecast

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAppendField checks appendField and appendCell against the rule they
// implement, written out: a field is quoted, its quotes doubled, iff it
// holds a comma, a quote, a CR or LF, or starts or ends with a space; a
// cell starting a formula gets a leading single quote first.
func TestAppendField(t *testing.T) {
	want := func(s string) string {
		if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
			return s
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	for _, s := range []string{"", "a", "C00052", " a", "a ", " ", "a,b", `a"b`, "a\rb", "a\nb", "a\tb", "'", "top 50%",
		"=1+2", "+1", "-1", "@x", "\tx", "\rx", "=a,b", `=a"b`, "=a ", "- ", "=", "-", "+ a", "@ ", "\r", "é,ü"} {
		if got := string(appendField([]byte("x"), s)); got != "x"+want(s) {
			t.Errorf("appendField(%q) = %q, want %q", s, got[1:], want(s))
		}
		if got, w := string(appendCell([]byte("x"), s)), want(cell(s)); got != "x"+w {
			t.Errorf("appendCell(%q) = %q, want %q", s, got[1:], w)
		}
	}
}

// failingWriter fails from its n-th write on.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errWrite
	}
	return len(p), nil
}

var errWrite = errors.New("write failed")

// TestWriteChunks: the chunks arrive in order, whatever order they are
// formatted in; a failing writer's error comes back and no more chunks
// are formatted than the window ahead of it.
func TestWriteChunks(t *testing.T) {
	var got strings.Builder
	const n = 1000
	if err := writeChunks(&got, n, func(b []byte, k int) []byte { return fmt.Appendf(b, "%d,", k) }); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for k := range n {
		fmt.Fprintf(&want, "%d,", k)
	}
	if got.String() != want.String() {
		t.Errorf("chunks out of order: %.80q...", got.String())
	}
	for _, fail := range []int{0, 1, 10, n - 1} {
		var formatted atomic.Int64
		err := writeChunks(&failingWriter{fail}, n, func(b []byte, k int) []byte { formatted.Add(1); return append(b, 'x') })
		if !errors.Is(err, errWrite) {
			t.Errorf("failing at write %d: error %v", fail, err)
		}
		if f := formatted.Load(); f > int64(fail+1+3*runtime.GOMAXPROCS(0)) {
			t.Errorf("failing at write %d: %d chunks formatted", fail, f)
		}
	}
}
