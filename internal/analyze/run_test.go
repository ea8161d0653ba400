package analyze

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset/synth"
)

// TestRun runs a batch from counts files on disk through Run and checks
// the output tree, the default profile's redaction and the duplicate-ID
// error.
func TestRun(t *testing.T) {
	f := fixture(t)
	dir := t.TempDir()
	paths := writeSamples(t, f, dir, synth.Sample{ID: "r1", FF: 0.1, Seed: 61}, synth.Sample{ID: "r2", Male: true, FF: 0.1, Seed: 62})
	out := filepath.Join(dir, "out")
	views, err := Run(context.Background(), f.Ref, paths, out, RunOptions{Config: call.DefaultConfig(), Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 2 {
		t.Fatalf("%d views", len(views))
	}
	for _, v := range views {
		if v.Disclosure == nil || !v.Disclosure.SexBlind || v.FetalSex != "" {
			t.Errorf("default profile view %s is not sex-blind: %+v", v.Sample, v.Disclosure)
		}
		for _, name := range []string{ResultFile, BinsTSVFile, BedGraphFile, SegmentsFile, VCFFile} {
			if _, err := os.Stat(filepath.Join(out, v.Sample, name)); err != nil {
				t.Error(err)
			}
		}
	}
	sum, err := os.ReadFile(filepath.Join(out, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(sum), "\n") != 3 || disclosure.SexPattern(string(sum)) {
		t.Errorf("summary:\n%s", sum)
	}
	// The batch QC table: 22 autosomes, none tested or corrected with 2
	// samples.
	bq, err := os.ReadFile(filepath.Join(out, BatchFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(bq), "\n") != 23 || strings.Count(string(bq), "not_tested") != 22 || strings.Count(string(bq), CorrectionTooFew) != 22 || strings.Contains(string(bq), "chrX") {
		t.Errorf("batch QC:\n%s", bq)
	}
	// The same sample twice is refused before any output.
	if _, err := Run(context.Background(), f.Ref, []string{paths[0], paths[0]}, filepath.Join(dir, "dup"), RunOptions{Config: call.DefaultConfig()}); err == nil || !strings.Contains(err.Error(), "unique") {
		t.Errorf("duplicate sample IDs: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dup")); err == nil {
		t.Error("output written for a refused batch")
	}
}

// TestAnalyzeViewRequiresSexBlind: a profile that may not disclose fetal
// sex refuses a sex-aware analysis before it runs, for either sex alike.
func TestAnalyzeViewRequiresSexBlind(t *testing.T) {
	f := fixture(t)
	for _, male := range []bool{false, true} {
		c := sample(f, synth.Sample{ID: "g1", Male: male, FF: 0.1, Seed: 71})
		_, err := AnalyzeView(f.Ref, c, Options{Config: call.DefaultConfig()}, disclosure.DefaultProfile(), disclosure.Request{})
		if err == nil || !strings.Contains(err.Error(), "must be sex-blind") {
			t.Errorf("male=%t: sex-aware analysis under a never profile: %v", male, err)
		}
	}
}
