// Package sharedtest finds the shared real-genome data (../shared/data/hg38,
// next to the project checkout) for tests, and skips a test with a clear
// message when it is absent. The data is never copied into the project.
package sharedtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// HG38Dir returns the directory holding the real hg38 GC/mappability tables,
// or skips t. NIPT_SHARED_DATA overrides the location.
func HG38Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("NIPT_SHARED_DATA"); d != "" {
		if st, err := os.Stat(filepath.Join(d, "hg38")); err == nil && st.IsDir() {
			return filepath.Join(d, "hg38")
		}
	}
	_, file, _, _ := runtime.Caller(0)
	// file is <root>/internal/sharedtest/sharedtest.go; the data sits in <root>/../shared/data/hg38.
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	d := filepath.Join(root, "..", "shared", "data", "hg38")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	t.Skipf("real hg38 tables not found at %s (set NIPT_SHARED_DATA to the folder holding hg38/): skipping", d)
	return ""
}
