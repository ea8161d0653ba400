package main

import (
	"os"
	"path/filepath"
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
