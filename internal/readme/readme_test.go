package readme

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCommands(t *testing.T) {
	md := "# x\n\nRun `go run ./a -in 'x y.csv'` or\n`cd sub && go run . -input\n  '../*.csv' -output /tmp/o`.\n\n```\ngo run ./b -q \\\n    -r \"s t\"\ngo test ./...\n```\nand `go build .`, `go run ./c`.\n"
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	cs, err := Commands(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Command{
		{Pkg: "./a", Args: []string{"-in", "x y.csv"}, Line: 3},
		{Dir: "sub", Pkg: ".", Args: []string{"-input", "../*.csv", "-output", "/tmp/o"}, Line: 4},
		{Pkg: "./b", Args: []string{"-q", "-r", "s t"}, Line: 8},
		{Pkg: "./c", Line: 12},
	}
	if len(cs) != len(want) {
		t.Fatalf("%d commands, want %d: %+v", len(cs), len(want), cs)
	}
	for i := range want {
		if cs[i].Dir != want[i].Dir || cs[i].Pkg != want[i].Pkg || !slices.Equal(cs[i].Args, want[i].Args) || cs[i].Line != want[i].Line {
			t.Errorf("command %d: %+v, want %+v", i, cs[i], want[i])
		}
	}
	if s := cs[1].String(); s != "cd sub && go run . -input '../*.csv' -output /tmp/o" {
		t.Errorf("String: %s", s)
	}
	if _, err := split(`a 'b`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestRedirect(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"-in", "x", "-out", "o"}, []string{"-in", "x", "-out", "/t"}},
		{[]string{"-in", "x"}, []string{"-in", "x", "-out", "/t"}},
		{[]string{"-out=o"}, []string{"-out=/t"}},
		{[]string{"--out", "o"}, []string{"--out", "/t"}},
	} {
		if got := Redirect(tc.in, "-out", "/t"); !slices.Equal(got, tc.want) {
			t.Errorf("Redirect(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
