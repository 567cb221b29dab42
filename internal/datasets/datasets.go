// Package datasets locates the public data sets and reference values that
// tests and examples read from outside the repository.
//
// The data directory is $CLVKIT_DATA if set, else ../shared/data beside the
// module root; the reference directory is $CLVKIT_REFERENCE if set, else
// ../shared/reference. Tests that need a file call Data or Reference, which
// skip the test with a clear message when the file is absent.
package datasets

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// DataDir returns the directory of the public data sets; it may not exist.
func DataDir() string { return dir("CLVKIT_DATA", "data") }

// ReferenceDir returns the directory of the reference values; it may not
// exist.
func ReferenceDir() string { return dir("CLVKIT_REFERENCE", "reference") }

func dir(env, sub string) string {
	if d := os.Getenv(env); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", sub)
	}
	// The module root's sibling shared/; a nested module (examples/beam)
	// looks further up, to the repository's root.
	first := ""
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(d, "..", "shared", sub)
			if _, err := os.Stat(c); err == nil {
				return c
			}
			if first == "" {
				first = c
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			if first != "" {
				return first
			}
			return filepath.Join("..", "shared", sub)
		}
		d = parent
	}
}

// Data returns the path of a public data file, skipping tb if it is absent.
func Data(tb testing.TB, name string) string {
	tb.Helper()
	return find(tb, DataDir(), name, "CLVKIT_DATA")
}

// Records reads the whole CSV file at path, header included, failing tb
// on any error.
func Records(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		tb.Fatalf("%s: no header", path)
	}
	return recs
}

// Reference returns the path of a reference file, skipping tb if it is
// absent.
func Reference(tb testing.TB, name string) string {
	tb.Helper()
	return find(tb, ReferenceDir(), name, "CLVKIT_REFERENCE")
}

func find(tb testing.TB, d, name, env string) string {
	tb.Helper()
	p := filepath.Join(d, name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skipping: %s not found (set %s to the directory holding it): %v", name, env, err)
	}
	return p
}
