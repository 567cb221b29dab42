package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/cli"
)

// writeCovariates writes a covariates file for the synthetic log's
// customers (a region by the id's last digit, ';'-separated with a
// decimal comma in a numeric column) and returns its path; bad, if not
// empty, replaces the row of customer C00052.
func writeCovariates(t *testing.T, dir, bad string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var b strings.Builder
	b.WriteString("customer_id;region;score\n")
	sc := bufio.NewScanner(f)
	sc.Scan()
	for sc.Scan() {
		id, _, _ := strings.Cut(sc.Text(), ",")
		if seen[id] {
			continue
		}
		seen[id] = true
		if id == "C00052" && bad != "" {
			b.WriteString(bad + "\n")
			continue
		}
		d := int(id[len(id)-1] - '0')
		fmt.Fprintf(&b, "%s;%s;%d,%d\n", id, []string{"north", "south", "south", "east"}[d%4], d%3, d)
	}
	path := filepath.Join(dir, "covs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCovariatesFlag: -covariates fits the covariate models (with -model
// one of them), model.json and the report carry the effects, and a bad
// file is an error naming its line and column in the command's terms.
func TestCovariatesFlag(t *testing.T) {
	dir := t.TempDir()
	covs := writeCovariates(t, dir, "")
	out := filepath.Join(dir, "out")
	err := run([]string{"-covariates", covs, "-delim", ";", "-decimal-comma", "-model", "mbgnbd-cov", "-out", out,
		"-in", writeSemicolonLog(t, dir)}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		PurchaseModel string `json:"purchase_model"`
		Covariates    struct {
			Covariates []string `json:"covariates"`
			Effects    struct {
				Model     string   `json:"model"`
				Sentences []string `json:"sentences"`
			} `json:"effects"`
		} `json:"covariates"`
	}
	if err := json.Unmarshal(raw, &mj); err != nil {
		t.Fatal(err)
	}
	if mj.PurchaseModel != "mbgnbd-cov" || strings.Join(mj.Covariates.Covariates, " ") != "region=east region=north score" ||
		mj.Covariates.Effects.Model != "mbgnbd-cov" || len(mj.Covariates.Effects.Sentences) != 3 {
		t.Errorf("model.json: %+v", mj)
	}
	if s := mj.Covariates.Effects.Sentences[0]; !strings.HasPrefix(s, "Customers with region = east (rather than south) buy ") ||
		!strings.Contains(s, "as concentrated around the same mean") {
		t.Errorf("sentence %q: want BG/NBD's wording of a dropout effect", s)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "it is not a dropout rate") {
		t.Error("the report does not say what a BG/NBD dropout effect is")
	}

	for _, tc := range []struct {
		bad, want string
		usage     bool
	}{
		{"C00052;;1,5", `covs.csv: line 2, column "region": empty value`, false},
		{"C00052;north", "covs.csv: line 2: 2 fields, the header has 3", false},
		{"C99999;north;1,5", `1 of the log's customers have no usable row, e.g. customer "C00052" (with -skip-invalid they are fitted and scored with the mean profile)`, false},
	} {
		covs := writeCovariates(t, dir, tc.bad)
		err := run([]string{"-covariates", covs, "-delim", ";", "-decimal-comma", "-model", "paretonbd-cov", "-out", out,
			"-in", writeSemicolonLog(t, dir)}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: error %v, want one with %q", tc.bad, err, tc.want)
		}
	}
	err = run([]string{"-model", "paretonbd-cov", "-out", out}, io.Discard, io.Discard)
	if want := `-model paretonbd-cov: want a file of covariates with -covariates`; err == nil || err.Error() != want || !errors.Is(err, cli.ErrUsage) {
		t.Errorf("-model paretonbd-cov without -covariates: %v, want the usage error %q", err, want)
	}
}

// writeSemicolonLog writes the synthetic log with ';' as the delimiter
// and decimal commas.
func writeSemicolonLog(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "log.csv")
	if err := os.WriteFile(path, []byte(strings.NewReplacer(",", ";", ".", ",").Replace(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
