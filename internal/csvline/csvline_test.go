package csvline

import (
	"encoding/csv"
	"io"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	cr := csv.NewReader(strings.NewReader("a,b\n\"x\ny\",1\nc,\"d\"e\n"))
	cr.FieldsPerRecord = -1
	want := []struct {
		line int
		bad  bool
	}{{1, false}, {2, false}, {4, true}}
	for i, w := range want {
		_, line, perr, err := Read(cr)
		if line != w.line || (perr != nil) != w.bad || (err != nil) != w.bad {
			t.Fatalf("record %d: line %d, parse error %v, err %v; want line %d, bad %v", i, line, perr, err, w.line, w.bad)
		}
	}
	if _, line, perr, err := Read(cr); err != io.EOF || line != 0 || perr != nil {
		t.Fatalf("at the end: line %d, %v, %v", line, perr, err)
	}
}
