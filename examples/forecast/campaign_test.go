package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/internal/cli"
)

// TestCampaign: the campaign flags measure a campaign, writing
// campaign.csv and model.json's campaign; bad flags are usage errors
// naming the flag, bad ids errors naming the file's line.
func TestCampaign(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Customers of the synthetic log first seen in its first days: every
	// other one contacted.
	raw, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	var contacted, control []string
	seen := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n")[1:] {
		id, rest, _ := strings.Cut(l, ",")
		if !strings.HasPrefix(rest, "2024-01") || seen[id] {
			continue
		}
		seen[id] = true
		if len(seen)%2 == 0 {
			contacted = append(contacted, id)
		} else {
			control = append(control, id)
		}
	}
	ct := write("contacted.txt", "customer_id\n"+strings.Join(contacted, "\n")+"\n")
	cl := write("control.txt", strings.Join(control, "\n")+"\n")
	out := filepath.Join(dir, "out")
	args := []string{"-model", "bgnbd", "-margin", "0.3", "-out", out, "-campaign-date", "2024-09-30", "-campaign-contacted", ct,
		"-campaign-control", cl, "-campaign-cost", "0.5", "-campaign-window", "60"}
	if err := run(args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "campaign.csv"))
	if len(rows) < 3 || rows[1][0] != "all" || rows[1][1] != itoa(len(contacted)) || rows[1][2] != itoa(len(control)) {
		t.Errorf("campaign.csv: %v", rows[:min(len(rows), 2)])
	}
	var mj struct {
		Campaign struct {
			Date           string  `json:"date"`
			WindowEnd      string  `json:"window_end"`
			CostPerContact float64 `json:"cost_per_contact"`
			Margin         float64 `json:"margin"`
		} `json:"campaign"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "model.json"))
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	if c := mj.Campaign; c.Date != "2024-09-30" || c.WindowEnd != "2024-11-29" || c.CostPerContact != 0.5 || c.Margin != 0.3 {
		t.Errorf("model.json's campaign: %+v", c)
	}

	bad := write("bad.txt", contacted[0]+"\nnobody\n")
	for _, tc := range []struct {
		args  []string
		usage bool
		is    error
		want  string
	}{
		{[]string{"-campaign-contacted", ct}, true, nil, "-campaign-date: want the campaign's date"},
		{[]string{"-campaign-date", "2024-09-30"}, true, nil, "-campaign-contacted: want a file"},
		{[]string{"-campaign-date", "2024-13-01", "-campaign-contacted", ct}, true, nil, `-campaign-date "2024-13-01": want a date`},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", ct, "-campaign-window", "0"}, true, nil, "-campaign-window 0: want 1 to 3660 days"},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", ct, "-campaign-window", "200"}, true, nil,
			"-campaign-window 200: want at most 91 days: the window from 2024-09-30 would end on 2025-04-18, after the end of observation, 2024-12-30"},
		{[]string{"-campaign-date", "2025-01-30", "-campaign-contacted", ct}, true, nil, "-campaign-date 2025-01-30: want a date before the end of observation, 2024-12-30"},
		{[]string{"-campaign-date", "2023-01-30", "-campaign-contacted", ct}, true, nil, "-campaign-date 2023-01-30: want a date after the log's first transaction, 2024-01-01"},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", ct, "-campaign-cost", "-1"}, true, nil, "-campaign-cost -1: want a cost ≥ 0"},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", filepath.Join(dir, "missing.txt")}, false, os.ErrNotExist, "-campaign-contacted"},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", bad}, false, campaign.ErrUnknownCustomer, `bad.txt:2: "nobody"`},
		{[]string{"-campaign-date", "2024-09-30", "-campaign-contacted", ct, "-state", filepath.Join(dir, "state")}, true, nil, "not with -state"},
	} {
		err := run(append(tc.args, "-model", "bgnbd", "-out", out), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v: no error", tc.args)
			continue
		}
		if errors.Is(err, cli.ErrUsage) != tc.usage || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v (usage %v), want %q", tc.args, err, errors.Is(err, cli.ErrUsage), tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
