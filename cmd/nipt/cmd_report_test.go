package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
)

func runReportCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newReportCommand())
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{"--quiet"}, args...))
	return exitCode(root.Execute()), out.String()
}

func TestReportCommand(t *testing.T) {
	// A profile that discloses on request, with its audit log in a temp dir.
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "lab-profile-eu.toml"))
	if err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "lab.toml")
	if err := os.WriteFile(profile, src, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := disclosure.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	// run1: analysed sex-blind under the profile (nipt analyze --profile);
	// run2: analysed with fetal sex available, for a request that asks for it.
	run := filepath.Join(t.TempDir(), "run1")
	spec := disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "T21", Seed: 1, BinSize: 5_000_000}
	if err := report.WriteAnalysisViews(run, p, disclosure.Request{}, disclosure.Fixture(spec)); err != nil {
		t.Fatal(err)
	}
	run2 := filepath.Join(t.TempDir(), "run2")
	spec.SexAware = true
	if err := report.WriteAnalysisDir(run2, disclosure.Fixture(spec)); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "reports")
	code, stdout := runReportCmd(t, "report", "--profile", profile, run, "-o", out)
	if code != 0 || !strings.Contains(stdout, "6 report files written") {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	html, _ := os.ReadFile(filepath.Join(out, "S1", "S1.report.html"))
	if !bytes.Contains(html, []byte("Example Genetics Laboratory")) || bytes.Contains(html, []byte("Female")) {
		t.Error("report without a sex request must carry the lab name and no sex")
	}
	if _, err := os.Stat(filepath.Join(dir, "fetal-sex-audit.jsonl")); err == nil {
		t.Error("audit log written without a disclosure")
	}

	out2 := filepath.Join(t.TempDir(), "reports2")
	if code, _ := runReportCmd(t, "report", "--profile", profile, run2, "-o", filepath.Join(t.TempDir(), "refused")); code != 1 {
		t.Errorf("exit %d for a sex-aware analysis without a sex request, want 1", code)
	}
	if code, _ := runReportCmd(t, "report", "--profile", profile, "--sex-requested", "--requester", "dr.q", "--date", "2025-04-01", run2, "-o", out2); code != 0 {
		t.Fatalf("exit %d with --sex-requested", code)
	}
	html, _ = os.ReadFile(filepath.Join(out2, "S1", "S1.report.html"))
	audit, _ := os.ReadFile(filepath.Join(dir, "fetal-sex-audit.jsonl"))
	if !bytes.Contains(html, []byte("Female (reported on request")) || !bytes.Contains(audit, []byte(`"requester":"dr.q","sample":"S1"`)) {
		t.Errorf("disclosure not reported or not audited: %s", audit)
	}

	// The sample sheet's sex_requested replaces --sex-requested per sample:
	// "no" for S1 refuses the sex-aware analysis as without the flag, "yes"
	// reports it.
	sheet := filepath.Join(dir, "samples.tsv")
	for _, tc := range []struct {
		ask  string
		code int
	}{{"no", 1}, {"yes", 0}} {
		os.WriteFile(sheet, []byte("sample\tsex_requested\nS1\t"+tc.ask+"\n"), 0o644)
		if code, _ := runReportCmd(t, "report", "--profile", profile, "--sex-requested", "--requester", "dr.q", "--sample-sheet", sheet, run2, "-o", filepath.Join(t.TempDir(), "sheet")); code != tc.code {
			t.Errorf("sheet sex_requested=%s over --sex-requested: exit %d, want %d", tc.ask, code, tc.code)
		}
	}
	if code, _ := runReportCmd(t, "report", "--profile", profile, "--sample-sheet", filepath.Join(dir, "none.tsv"), run, "-o", out); code != 1 {
		t.Errorf("missing sample sheet: exit %d, want 1", code)
	}

	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"report", run}, 2},                                      // no -o
		{[]string{"report", "-o", out}, 2},                                // no directory
		{[]string{"report", "--date", "April", run, "-o", out}, 2},        // bad date
		{[]string{"report", "--profile", "none.toml", run, "-o", out}, 1}, // missing profile
		{[]string{"report", filepath.Join(dir, "nothing"), "-o", out}, 1}, // missing analysis
	} {
		if code, _ := runReportCmd(t, tc.args...); code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}
