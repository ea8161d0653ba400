package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --cpuprofile writes a profile of the command; an unwritable path is an
// error before the command runs.
func TestCPUProfileFlag(t *testing.T) {
	td := filepath.Join("..", "..", "internal", "evaluate", "testdata")
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	code, _ := runNipt(t, "--cpuprofile", prof, "evaluate", "--truth", filepath.Join(td, "truth.tsv"), "--summary", filepath.Join(td, "summary.tsv"))
	stopProfile()
	global.cpuProfile = ""
	if code == 2 {
		t.Fatalf("exit code %d", code)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Fatalf("no profile written: %v", err)
	}
	code, _ = runNipt(t, "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir", "cpu.prof"), "evaluate", "--truth", "x", "--summary", "y")
	stopProfile()
	global.cpuProfile = ""
	if code != 1 {
		t.Errorf("unwritable profile path: exit code %d, want 1", code)
	}
}

// A command run without its required flags names each one missing, with
// the usage exit code.
func TestNeedFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
		not  string
	}{
		{[]string{"analyze", "x.counts"}, []string{"--reference", "-o OUTDIR"}, ""},
		{[]string{"analyze", "x.counts", "-o", t.TempDir()}, []string{"--reference"}, "-o OUTDIR"},
		{[]string{"evaluate", "--truth", "t.tsv"}, []string{"--summary"}, "--truth"},
		{[]string{"reference", "build", "x.counts", "-o", "r.niptref"}, []string{"--annotation", "nipt annotate"}, ""},
	} {
		root := newApp()
		var errOut bytes.Buffer
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&errOut)
		root.SetArgs(append([]string{"--quiet"}, tc.args...))
		err := root.Execute()
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: error %v, want a usage error", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q does not name %q", tc.args, err, w)
			}
		}
		if tc.not != "" && strings.Contains(err.Error(), tc.not) {
			t.Errorf("%v: %q names %q, which was given", tc.args, err, tc.not)
		}
	}
}
