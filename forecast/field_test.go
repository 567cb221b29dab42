package forecast

import (
	"strings"
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
