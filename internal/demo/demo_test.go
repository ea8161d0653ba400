package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/store"
)

// TestDemo runs the whole system end to end on the built-in data and checks
// the calls that the simulated design makes unambiguous (trisomies and the
// SCA at fetal fractions of 10–13%, the 2% sample), that every analysis and
// report output and the printed summary are free of fetal-sex words under
// the default profile (the truth and the evaluation against it hold the
// simulated sex by design), and that a second run
// with another thread count gives byte-identical analysis output.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo skipped in -short mode")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	var out bytes.Buffer
	p, err := Run(context.Background(), Options{Dir: dir, Seed: 1, Threads: 2, Version: "test", Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readTSV(p.Summary)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10 {
		t.Fatalf("%d samples in summary, want 10", len(rows))
	}
	by := map[string]map[string]string{}
	for _, r := range rows {
		by[r["sample"]] = r
	}
	want := []struct{ sample, col, call string }{
		{"demo-02", "call21", "high_risk"},
		{"demo-03", "call18", "high_risk"},
		{"demo-04", "call13", "high_risk"},
		{"demo-05", "sca", "high_risk"},
		{"demo-01", "call21", "low_risk"},
		{"demo-08", "call21", "low_risk"},  // maternal duplication on chr21 is not a trisomy
		{"demo-07", "call21", "no_call"},   // FF 2%
		{"demo-09", "qc_status", "warn"},   // a maternal tumour's five changes on four autosomes
		{"demo-10", "call21", "high_risk"}, // T21 in one twin, called per fetus
		{"demo-10", "no_call_reason", "sca_twin"},
	}
	for _, w := range want {
		if got := by[w.sample][w.col]; got != w.call {
			t.Errorf("%s %s = %q, want %q", w.sample, w.col, got, w.call)
		}
	}
	// CNVs: the 12 Mb fetal 5p deletion at FF 15% (z ≈ −9) and the maternal
	// chr21 duplication (a ±50% maternal effect) are far above detection.
	if c := by["demo-06"]["cnvs"]; !strings.HasPrefix(c, "chr5:") || !strings.Contains(c, ":loss:fetal") {
		t.Errorf("demo-06 cnvs = %q, want the chr5 fetal loss", c)
	}
	if c := by["demo-08"]["cnvs"]; !strings.HasPrefix(c, "chr21:") || !strings.Contains(c, ":gain:maternal") {
		t.Errorf("demo-08 cnvs = %q, want the chr21 maternal gain", c)
	}
	if n := len(strings.Split(by["demo-09"]["aberrant_autosomes"], ";")); n < 3 {
		t.Errorf("demo-09 aberrant autosomes %q, want at least three", by["demo-09"]["aberrant_autosomes"])
	}
	if p.BatchReport == "" || len(p.SampleReports) < 10 {
		t.Errorf("reports missing: batch %q, %d sample reports", p.BatchReport, len(p.SampleReports))
	}
	// The batch waits for review in the application's database.
	st, err := store.Open(p.Review)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Batch(context.Background(), "demo")
	st.Close()
	if err != nil || b.Samples != 10 || b.Pending() != 10 || b.ImportedBy != "nipt-demo" {
		t.Errorf("review database: batch %+v, %v", b, err)
	}
	if !strings.Contains(out.String(), "Where to look") {
		t.Errorf("no closing summary printed:\n%s", out.String())
	}

	// No fetal-sex words in anything a clinician sees.
	sexWords := regexp.MustCompile(`(?i:\b(male|female|fetal[_ ]sex)\b)|\b(chrY|XY|XXY|XYY)\b`)
	// Embedded images; html/template writes '+' as "&#43;" in attributes,
	// so the run of base64 text goes on past it.
	base64 := regexp.MustCompile(`base64,(?:[A-Za-z0-9+/=]|&#43;)+`)
	for _, root := range []string{p.Analysis, p.Reports} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".png") || strings.HasSuffix(path, ".pdf") {
				return err
			}
			b, _ := os.ReadFile(path)
			b = base64.ReplaceAll(b, nil) // embedded images
			if m := sexWords.Find(b); m != nil {
				t.Errorf("%s contains %q", path, m)
			}
			return nil
		})
	}
	if out := sexWords.FindString(out.String()); out != "" {
		t.Errorf("printed summary contains %q", out)
	}

	// Determinism across thread counts.
	dir2 := filepath.Join(t.TempDir(), "demo")
	p2, err := Run(context.Background(), Options{Dir: dir2, Seed: 1, Threads: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"summary.tsv", "demo-02/result.json", "demo-06/bins.tsv"} {
		a, _ := os.ReadFile(filepath.Join(p.Analysis, rel))
		b, _ := os.ReadFile(filepath.Join(p2.Analysis, rel))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs with 2 and 1 threads", rel)
		}
	}
}

func TestPrepareDirRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("x"), 0o644)
	if err := prepareDir(dir); err == nil || !strings.Contains(err.Error(), "not written by nipt demo") {
		t.Fatalf("want refusal, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
		t.Fatal("foreign file removed")
	}
	// An earlier demo directory is cleared.
	demoDir := filepath.Join(t.TempDir(), "d")
	if err := prepareDir(demoDir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(demoDir, "stale.txt"), []byte("x"), 0o644)
	if err := prepareDir(demoDir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(demoDir, "stale.txt")); err == nil {
		t.Error("stale file survived")
	}
}
