package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runNipt runs the command line in-process and returns its exit code and
// standard output.
func runNipt(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newApp()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{"--quiet"}, args...))
	return exitCode(root.Execute()), out.String()
}

func TestEvaluateCommand(t *testing.T) {
	td := filepath.Join("..", "..", "internal", "evaluate", "testdata")
	truth, summary := filepath.Join(td, "truth.tsv"), filepath.Join(td, "summary.tsv")
	// The test data contains a maternal CNV called as T18: the safety
	// check fails, so the command exits 1 after printing and writing.
	out := filepath.Join(t.TempDir(), "eval")
	code, stdout := runNipt(t, "evaluate", "--truth", truth, "--summary", summary, "-o", out)
	if code != 1 || !strings.Contains(stdout, "Screening performance") || !strings.Contains(stdout, "FAIL") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
	for _, f := range []string{"evaluation.json", "roc.png", "ff_scatter.png", "z21_vs_ff.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	// Without the offending call the check passes: exit 0.
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var fixed []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "N4\t") {
			l = strings.Replace(l, "\tlow_risk\thigh_risk\tlow_risk\t", "\tlow_risk\tlow_risk\tlow_risk\t", 1)
		}
		fixed = append(fixed, l)
	}
	pass := filepath.Join(t.TempDir(), "summary.tsv")
	if err := os.WriteFile(pass, []byte(strings.Join(fixed, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(t.TempDir(), "eval2")
	if code, stdout := runNipt(t, "evaluate", "--truth", truth, "--summary", pass, "-o", out2, "--ci", "wilson", "--no-plots"); code != 0 || !strings.Contains(stdout, "Wilson") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(out2, "roc.png")); err == nil {
		t.Error("--no-plots wrote roc.png")
	}

	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"evaluate", "--truth", truth}, 2},
		{[]string{"evaluate", "--truth", truth, "--summary", summary, "--ci", "bayes"}, 2},
		{[]string{"evaluate", "--truth", truth, "--summary", summary, "--ff-bins", "a,b"}, 2},
		{[]string{"evaluate", "--truth", truth, "--summary", summary, "extra"}, 2},
		{[]string{"evaluate", "--truth", filepath.Join(td, "nope.tsv"), "--summary", summary}, 1},
		{[]string{"evaluate", "--truth", summary, "--summary", summary}, 1},
	} {
		if code, _ := runNipt(t, tc.args...); code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}
