package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
)

// runEngine runs the reference and analyze commands in-process.
func runEngine(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newReferenceCommand(), newAnalyzeCommand())
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{"--quiet"}, args...))
	return exitCode(root.Execute()), out.String()
}

// writeSynthCohort writes into dir a synthetic genome's annotation at
// binSize and the counts of 26 euploid reference samples (2 M paired-end
// reads) followed by the given test samples, drawn with seeds derived from
// seed; it returns the annotation path and the counts paths in that order.
func writeSynthCohort(t *testing.T, dir string, binSize int, seed uint64, tests ...synth.Sample) (string, []string) {
	t.Helper()
	g, err := synth.NewGenome(binSize, seed)
	if err != nil {
		t.Fatal(err)
	}
	ann := filepath.Join(dir, "genome.bins")
	if err := annotation.WriteFile(ann, g.Ann); err != nil {
		t.Fatal(err)
	}
	m := synth.NewModel(g, seed+1)
	samples := append(synth.EuploidSamples("ref", 26, 2_000_000, true, seed+2), tests...)
	var paths []string
	for _, c := range m.Draw(samples).Counts {
		p := filepath.Join(dir, c.Header.Sample+".counts")
		if err := counts.WriteFile(p, c, 1); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return ann, paths
}

// TestReferenceAndAnalyzeCommands builds a reference from 24 synthetic
// samples at 1 Mb bins, shows it, grows it, and analyses two samples.
func TestReferenceAndAnalyzeCommands(t *testing.T) {
	dir := t.TempDir()
	ann, paths := writeSynthCohort(t, dir, 1_000_000, 1,
		synth.Sample{ID: "t21", FF: 0.12, Reads: 2_000_000, Paired: true, Trisomy: 20, Seed: 91},
		synth.Sample{ID: "eu", FF: 0.12, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 92})
	ref := filepath.Join(dir, "ref.niptref")
	args := append([]string{"reference", "build", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", ref}, paths[:24]...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Fatalf("reference build exited %d", code)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "ref.summary.txt"))
	if err != nil || !strings.Contains(string(sum), "chr21") {
		t.Fatalf("summary: %v\n%s", err, sum)
	}
	// Fine correction is on by default, but this annotation is at the
	// analysis bin size: the build corrects at 1 Mb and says so.
	if strings.Contains(string(sum), "fine correction") {
		t.Errorf("summary reports fine correction with an annotation at the analysis bin size:\n%s", sum)
	}
	code, out := runEngine(t, "reference", "show", "--json", ref)
	var js map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || js["used"] == nil {
		t.Errorf("reference show --json: exit %d\n%s", code, out)
	}
	ref2 := filepath.Join(dir, "ref2.niptref")
	if code, _ := runEngine(t, append([]string{"reference", "add", ref, "-o", ref2}, paths[24:26]...)...); code != 0 {
		t.Fatalf("reference add exited %d", code)
	}
	outDir := filepath.Join(dir, "out")
	if code, _ := runEngine(t, "analyze", "--reference", ref2, "-o", outDir, paths[26], paths[27]); code != 0 {
		t.Fatalf("analyze exited %d", code)
	}
	tsv, err := os.ReadFile(filepath.Join(outDir, "summary.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(tsv)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "high_risk") {
		t.Errorf("summary.tsv:\n%s", tsv)
	}
	// Usage errors exit 2; a missing reference file exits 1.
	if code, _ := runEngine(t, "analyze", paths[26]); code != 2 {
		t.Errorf("analyze without --reference exited %d", code)
	}
	if code, _ := runEngine(t, "analyze", "--reference", filepath.Join(dir, "nope"), "-o", outDir, paths[26]); code != 1 {
		t.Errorf("missing reference exited %d", code)
	}
	if code, _ := runEngine(t, "analyze", "--reference", ref2, "--batch-by", "flowcell", "-o", outDir, paths[26]); code != 2 {
		t.Errorf("--batch-by flowcell exited %d, want 2", code)
	}
	// These counts name no run: --batch-by run refuses them.
	if code, _ := runEngine(t, "analyze", "--reference", ref2, "--batch-by", "run", "-o", filepath.Join(dir, "byrun"), paths[26]); code != 1 {
		t.Errorf("--batch-by run on counts without runs exited %d, want 1", code)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("z_treshold = 3\n"), 0o644)
	if code, _ := runEngine(t, "analyze", "--reference", ref2, "--qc-config", bad, "-o", outDir, paths[26]); code != 1 {
		t.Errorf("bad QC config exited %d", code)
	}
}

// Fine correction end to end: samples counted at 500 kb, a reference at
// 1 Mb corrected at 500 kb by default, grown by two samples, analysing a
// T21; --fine-correction=false turns it off; and the clear refusal when it
// is asked for explicitly with an annotation that has no finer bins.
func TestReferenceFineCorrection(t *testing.T) {
	dir := t.TempDir()
	ann, paths := writeSynthCohort(t, dir, 500_000, 4,
		synth.Sample{ID: "t21", FF: 0.12, Reads: 2_000_000, Paired: true, Trisomy: 20, Seed: 93})
	ref := filepath.Join(dir, "ref.niptref")
	args := append([]string{"reference", "build", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", ref}, paths[:24]...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Fatalf("reference build exited %d", code)
	}
	code, out := runEngine(t, "reference", "show", "--json", ref)
	if code != 0 || !strings.Contains(out, `"fine_correction_bin_size": 500000`) {
		t.Errorf("reference show: exit %d, fine correction not on by default in\n%.400s", code, out)
	}
	off := filepath.Join(dir, "off.niptref")
	args = append([]string{"reference", "build", "--fine-correction=false", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", off}, paths[:24]...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Fatalf("reference build --fine-correction=false exited %d", code)
	}
	if code, out := runEngine(t, "reference", "show", "--json", off); code != 0 || strings.Contains(out, "fine_correction") {
		t.Errorf("--fine-correction=false: exit %d, fine correction still recorded in\n%.400s", code, out)
	}
	ref2 := filepath.Join(dir, "ref2.niptref")
	if code, _ := runEngine(t, append([]string{"reference", "add", ref, "-o", ref2}, paths[24:26]...)...); code != 0 {
		t.Fatalf("reference add exited %d", code)
	}
	outDir := filepath.Join(dir, "out")
	if code, _ := runEngine(t, "analyze", "--reference", ref2, "-o", outDir, paths[26]); code != 0 {
		t.Fatalf("analyze exited %d", code)
	}
	tsv, err := os.ReadFile(filepath.Join(outDir, "summary.tsv"))
	if err != nil || !strings.Contains(string(tsv), "high_risk") {
		t.Errorf("T21 against the fine reference: %v\n%s", err, tsv)
	}
	// Counted at the analysis bin size (the annotation finer): the default
	// build corrects at the analysis bins; asked for explicitly, it fails
	// and says how to count.
	var coarse []string
	for _, p := range paths[:24] {
		coarse = append(coarse, coarsenCounts(t, p, 1_000_000))
	}
	args = append([]string{"reference", "build", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", filepath.Join(dir, "coarse.niptref")}, coarse...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Errorf("default build from counts at the analysis bin size exited %d", code)
	}
	if code, out := runEngine(t, "reference", "show", "--json", filepath.Join(dir, "coarse.niptref")); code != 0 || strings.Contains(out, "fine_correction") {
		t.Errorf("counts at the analysis bin size: exit %d, fine correction recorded in\n%.400s", code, out)
	}
	args = append([]string{"reference", "build", "--fine-correction", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", filepath.Join(dir, "bad0.niptref")}, coarse...)
	if code, _ := runEngine(t, args...); code != 1 {
		t.Errorf("--fine-correction with counts at the analysis bin size: exit %d, want 1", code)
	}
	// A test sample counted coarser than the reference's fine bins is
	// refused before any work.
	if code, _ := runEngine(t, "analyze", "--reference", ref, "-o", filepath.Join(dir, "out-coarse"), coarse[0]); code != 1 {
		t.Errorf("a sample counted at 1 Mb against a reference corrected at 500 kb: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "out-coarse", "summary.tsv")); err == nil {
		t.Error("the refused analysis wrote a summary")
	}
	// Mixed counted bin sizes: corrected at the analysis bins by default.
	args = append([]string{"reference", "build", "--annotation", ann, "--bin-size", "1000000", "--min-reads", "100000", "-o", filepath.Join(dir, "mixed.niptref")}, append(paths[:23:23], coarse[23])...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Errorf("default build from counts at mixed bin sizes exited %d", code)
	}
	if code, out := runEngine(t, "reference", "show", "--json", filepath.Join(dir, "mixed.niptref")); code != 0 || strings.Contains(out, "fine_correction") {
		t.Errorf("mixed bin sizes: exit %d, fine correction recorded in\n%.400s", code, out)
	}
	// Counted finer than the annotation: corrected at the annotation's bins
	// (the counts merged to them), and a test sample counted at 500 kb is
	// merged the same way against that reference.
	a2, err := annotation.LoadFor(ann, mustLayout(t, 1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	ann1M := filepath.Join(dir, "genome-1M.bins")
	if err := annotation.WriteFile(ann1M, a2); err != nil {
		t.Fatal(err)
	}
	ref2M := filepath.Join(dir, "ref2M.niptref")
	args = append([]string{"reference", "build", "--fine-correction", "--annotation", ann1M, "--bin-size", "2000000", "--min-reads", "100000", "-o", ref2M}, paths[:24]...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Fatalf("fine build with counts finer than the annotation exited %d", code)
	}
	if code, out := runEngine(t, "reference", "show", "--json", ref2M); code != 0 || !strings.Contains(out, `"fine_correction_bin_size": 1000000`) {
		t.Errorf("counts finer than the annotation: exit %d, not corrected at 1 Mb in\n%.400s", code, out)
	}
	if code, _ := runEngine(t, "analyze", "--reference", ref2M, "-o", filepath.Join(dir, "out2M"), paths[26]); code != 0 {
		t.Errorf("a sample counted at 500 kb against a reference corrected at 1 Mb: exit %d", code)
	}
	// Counted at mixed bin sizes (500 kb and 1 Mb) for 2 Mb bins: corrected
	// at the 1 Mb bins both merge into.
	mixed2M := filepath.Join(dir, "mixed2M.niptref")
	args = append([]string{"reference", "build", "--fine-correction", "--annotation", ann, "--bin-size", "2000000", "--min-reads", "100000", "-o", mixed2M}, append(paths[:12:12], coarse[12:24]...)...)
	if code, _ := runEngine(t, args...); code != 0 {
		t.Fatalf("fine build from counts at 500 kb and 1 Mb exited %d", code)
	}
	if code, out := runEngine(t, "reference", "show", "--json", mixed2M); code != 0 || !strings.Contains(out, `"fine_correction_bin_size": 1000000`) {
		t.Errorf("mixed bin sizes: exit %d, not corrected at 1 Mb in\n%.400s", code, out)
	}
	// The annotation must be finer than the analysis bins.
	bad := append([]string{"reference", "build", "--fine-correction", "--annotation", ann, "--bin-size", "500000", "--min-reads", "100000", "-o", filepath.Join(dir, "bad.niptref")}, paths[:24]...)
	if code, _ := runEngine(t, bad...); code != 1 {
		t.Errorf("--fine-correction with the annotation at the analysis bin size: exit %d, want 1", code)
	}
}

// coarsenCounts writes a copy of the counts file at path merged to binSize
// (a multiple of its own) and returns its path.
func coarsenCounts(t *testing.T, path string, binSize int) string {
	t.Helper()
	c, err := counts.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, k, err := c.Layout.Coarsen(binSize)
	if err != nil {
		t.Fatal(err)
	}
	c.Reads = genome.Merge(c.Layout, l, k, c.Reads)
	if c.Short != nil {
		c.Short = genome.Merge(c.Layout, l, k, c.Short)
	}
	c.Layout, c.Header.BinSize = l, binSize
	out := strings.TrimSuffix(path, ".counts") + fmt.Sprintf(".%d.counts", binSize)
	if err := counts.WriteFile(out, c, 1); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustLayout(t *testing.T, binSize int) *genome.Layout {
	t.Helper()
	b, err := genome.LookupBuild("GRCh38")
	if err != nil {
		t.Fatal(err)
	}
	l, err := genome.NewLayout(b, binSize)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
