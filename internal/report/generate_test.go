package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// writeRuns writes one analysis directory per run, as nipt analyze does:
// sex-blind views under the default profile, or, with aware, results
// analysed with fetal sex available (for reports that disclose it).
func writeRuns(t *testing.T, runs map[string][]string, aware bool) []string {
	t.Helper()
	root := t.TempDir()
	var dirs []string
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, run := range names {
		var rs []*result.Result
		for i, c := range runs[run] {
			rs = append(rs, disclosure.Fixture(disclosure.FixtureSpec{Sample: fmt.Sprintf("%s-S%d", run, i+1), Sex: []string{"male", "female"}[i%2],
				Condition: c, Seed: uint64(len(run)*10 + i), BinSize: 5_000_000, Reads: int64(6e6 + 1e6*float64(i)), SexAware: aware}))
		}
		dir := filepath.Join(root, run)
		err := WriteAnalysisViews(dir, disclosure.DefaultProfile(), disclosure.Request{}, rs...)
		if aware {
			err = WriteAnalysisDir(dir, rs...)
		}
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	// Given in reverse order: the batch report orders runs by id.
	dirs := writeRuns(t, map[string][]string{"run2": {"T21", "euploid"}, "run1": {"lowff"}}, false)
	dirs[0], dirs[1] = dirs[1], dirs[0]
	// run2's analysis has a batch QC table with a warning; run1's none.
	offsets := make([]analyze.BatchOffset, 22)
	for c := range offsets {
		offsets[c] = analyze.BatchOffset{Chrom: fmt.Sprintf("chr%d", c+1), Samples: 40, Median: 0.1, SE: 0.2, T: 0.5, Threshold: 3.506, Status: analyze.BatchPass}
	}
	offsets[3] = analyze.BatchOffset{Chrom: "chr4", Samples: 40, Median: -0.9, SE: 0.2, T: -4.5, Threshold: 3.506, Status: analyze.BatchWarn}
	if err := analyze.WriteBatch(filepath.Join(dirs[0], analyze.BatchFile), offsets); err != nil {
		t.Fatal(err)
	}
	out := [2]string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	var files [2][]string
	for i := range out {
		var err error
		files[i], err = Generate(context.Background(), Options{OutDir: out[i], Threads: 1 + i, ReportDate: "2025-03-01"}, dirs...)
		if err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for _, s := range []string{"run1-S1", "run2-S1", "run2-S2"} {
		h, p, f := SampleFileNames(s)
		want = append(want, filepath.Join(s, h), filepath.Join(s, p), filepath.Join(s, f))
	}
	want = append(want, BatchHTMLFile, MultiQCStatsFile, MultiQCPlotFile)
	sort.Strings(want)
	var got []string
	for _, f := range files[0] {
		rel, _ := filepath.Rel(out[0], f)
		got = append(got, rel)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("files\n%v\nwant\n%v", got, want)
	}
	// Same inputs, different thread counts: byte-identical outputs.
	for i, f := range files[0] {
		a, _ := os.ReadFile(f)
		b, _ := os.ReadFile(files[1][i])
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s not deterministic (%d bytes)", got[i], len(a))
		}
	}
	pdf, _ := os.ReadFile(filepath.Join(out[0], "run2-S1", "run2-S1.report.pdf"))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("D:20250301")) {
		t.Error("PDF header or report date missing")
	}
	batch, _ := os.ReadFile(filepath.Join(out[0], BatchHTMLFile))
	if i, j := bytes.Index(batch, []byte("Batch run1")), bytes.Index(batch, []byte("Batch run2")); i < 0 || j < i {
		t.Error("batches not in run-id order")
	}
	if !bytes.Contains(batch, []byte("run1-S1 (fail): fetal fraction 2.0% below")) {
		t.Error("batch report lacks the QC failure of run1-S1")
	}
	for _, want := range []string{"Batch QC: not available for this analysis.", "Batch QC: 1 of 22 autosomes read off across the batch:", "chr4 reads lower in this batch than the reference predicts (median z -0.90 over 40 samples, 4.5 standard errors)"} {
		if !bytes.Contains(batch, []byte(want)) {
			t.Errorf("batch report lacks %q", want)
		}
	}
	if !bytes.Contains(batch, []byte("reads and fetal fraction by sequencing run")) {
		t.Error("no trend plot for several batches")
	}
	html, _ := os.ReadFile(filepath.Join(out[0], "run2-S1", "run2-S1.report.html"))
	for _, s := range []string{"High risk", "Trisomy 21", "amniocentesis", "Reviewed by", "data:image/png;base64,"} {
		if !bytes.Contains(html, []byte(s)) {
			t.Errorf("HTML report lacks %q", s)
		}
	}
	for _, s := range []string{"http://", "https://", "<script"} {
		if bytes.Contains(html, []byte(s)) {
			t.Errorf("HTML report is not self-contained: contains %q", s)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	dirs := writeRuns(t, map[string][]string{"run1": {"euploid"}}, false)
	out := filepath.Join(t.TempDir(), "r")
	if _, err := Generate(context.Background(), Options{OutDir: out}, dirs[0], dirs[0]); err == nil || !strings.Contains(err.Error(), "appears in both") {
		t.Errorf("duplicate sample: %v", err)
	}
	if _, err := Generate(context.Background(), Options{OutDir: out, ReportDate: "1 March"}, dirs...); err == nil {
		t.Error("bad report date accepted")
	}
	if _, err := Generate(context.Background(), Options{}, dirs...); err == nil {
		t.Error("missing output directory accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Options{OutDir: out}, dirs...); err == nil {
		t.Error("cancelled context ignored")
	}
	// Disclosure without a requester fails before anything is written.
	p := euProfile(t)
	aware := writeRuns(t, map[string][]string{"run1": {"euploid"}}, true)
	if _, err := Generate(context.Background(), Options{OutDir: filepath.Join(t.TempDir(), "x"), Profile: p, Request: disclosure.Request{SexRequested: true}}, aware...); err == nil || !strings.Contains(err.Error(), "requester") {
		t.Errorf("disclosure without requester: %v", err)
	}
}

func TestGenerateAuditsDisclosure(t *testing.T) {
	t.Parallel()
	dirs := writeRuns(t, map[string][]string{"run1": {"euploid", "T21"}}, true)
	p := euProfile(t)
	log := p.Audit.(*disclosure.MemoryAuditLog)
	out := filepath.Join(t.TempDir(), "r")
	if _, err := Generate(context.Background(), Options{OutDir: out, Profile: p, Request: disclosure.Request{SexRequested: true, Requester: "dr.c"}}, dirs...); err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != 2 || log.Entries[0].Sample != "run1-S1" || log.Entries[1].Requester != "dr.c" {
		t.Errorf("audit entries %+v", log.Entries)
	}
	html, _ := os.ReadFile(filepath.Join(out, "run1-S1", "run1-S1.report.html"))
	if !bytes.Contains(html, []byte("Male (reported on request")) {
		t.Error("disclosed sex missing from the report")
	}
}

// TestGenerateFiles: the paths by role, samples in report order (runs by
// id, samples in summary order), and the same set Generate returns.
func TestGenerateFiles(t *testing.T) {
	t.Parallel()
	dirs := writeRuns(t, map[string][]string{"run2": {"euploid", "T21"}, "run1": {"euploid"}}, false)
	out := filepath.Join(t.TempDir(), "r")
	f, err := GenerateFiles(context.Background(), Options{OutDir: out}, dirs[1], dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range f.Samples {
		order = append(order, s.Sample)
		h, p, fh := SampleFileNames(s.Sample)
		if s.HTML != filepath.Join(out, s.Sample, h) || s.PDF != filepath.Join(out, s.Sample, p) || s.FHIR != filepath.Join(out, s.Sample, fh) {
			t.Errorf("sample %s paths %+v", s.Sample, s)
		}
	}
	if strings.Join(order, ",") != "run1-S1,run2-S1,run2-S2" {
		t.Errorf("sample order %v", order)
	}
	if f.BatchHTML != filepath.Join(out, BatchHTMLFile) || f.MultiQCStats != filepath.Join(out, MultiQCStatsFile) || f.MultiQCPlot != filepath.Join(out, MultiQCPlotFile) {
		t.Errorf("batch paths %+v", f)
	}
	all := f.All()
	if len(all) != 3*3+3 || !sort.StringsAreSorted(all) {
		t.Errorf("All: %v", all)
	}
	for _, p := range all {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", p, err)
		}
	}
}
