// Package workflow_test runs the Snakemake pipeline (workflow/Snakefile) end
// to end on a small simulated batch: BAM test samples are counted, the
// reference is built from counts files, the batch is analysed and reported.
package workflow_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/store"
)

func TestSnakemakePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("workflow test skipped in -short mode")
	}
	snake, err := exec.LookPath("snakemake")
	if err != nil {
		t.Skip("snakemake not installed (Debian package snakemake): skipping the workflow test")
	}
	dir := t.TempDir()
	nipt := filepath.Join(dir, "nipt")
	build := exec.Command("go", "build", "-o", nipt, "../cmd/nipt")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building nipt: %v\n%s", err, out)
	}

	// 22 reference samples as counts, two test samples as BAM.
	var spec strings.Builder
	spec.WriteString("sample\trole\tff\treads\tpaired\ttrisomy\tformat\n")
	for i := 1; i <= 22; i++ {
		fmt.Fprintf(&spec, "r%02d\treference\t0.1\t1500000\t1\t\tcounts\n", i)
	}
	spec.WriteString("t1\ttest\t0.12\t600000\t1\t\tbam\n")
	spec.WriteString("t2\ttest\t0.15\t600000\t1\t21\tbam\n")
	specPath := filepath.Join(dir, "spec.tsv")
	os.WriteFile(specPath, []byte(spec.String()), 0o644)
	cohort := filepath.Join(dir, "cohort")
	run(t, nipt, "simulate", "cohort", "--spec", specPath, "-o", cohort, "--seed", "3", "-q")

	// The test samples' run comes from the run column (their BAMs have
	// no PU); the pregnancy column makes the file analyze's sample sheet.
	var samples strings.Builder
	samples.WriteString("sample\tpath\trole\trun\tpregnancy\n")
	for i := 1; i <= 22; i++ {
		fmt.Fprintf(&samples, "r%02d\t%s\treference\t\t\n", i, filepath.Join(cohort, fmt.Sprintf("r%02d.counts", i)))
	}
	for _, s := range []string{"t1", "t2"} {
		preg := map[string]string{"t1": "singleton", "t2": "twin"}[s]
		fmt.Fprintf(&samples, "%s\t%s\ttest\tFC1\t%s\n", s, filepath.Join(cohort, s+".bam"), preg)
	}
	samplesPath := filepath.Join(dir, "samples.tsv")
	os.WriteFile(samplesPath, []byte(samples.String()), 0o644)
	out := filepath.Join(dir, "batch")
	// A qc.toml reaches nipt analyze: with batch correction on, the
	// two-sample batch is too small to correct, and batch_qc.tsv says so.
	qcPath := filepath.Join(dir, "qc.toml")
	os.WriteFile(qcPath, []byte("batch_offsets = \"correct\"\n"), 0o644)
	reviewDB := filepath.Join(dir, "review.db")
	cfg := fmt.Sprintf("nipt: %s\nsamples: %s\noutdir: %s\nthreads: 1\nannotation: %s\nqc_config: %s\nreview: true\nreview_db: %s\n",
		nipt, samplesPath, out, filepath.Join(cohort, "genome.bins"), qcPath, reviewDB)
	cfgPath := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)

	snakefile, _ := filepath.Abs("Snakefile")
	cmd := exec.Command(snake, "-s", snakefile, "--configfile", cfgPath, "--cores", "2", "--directory", dir, "--quiet")
	if b, err := cmd.CombinedOutput(); err != nil {
		logs, _ := filepath.Glob(filepath.Join(out, "logs", "*", "*.log"))
		more, _ := filepath.Glob(filepath.Join(out, "logs", "*.log"))
		var tail strings.Builder
		for _, l := range append(logs, more...) {
			lb, _ := os.ReadFile(l)
			fmt.Fprintf(&tail, "== %s\n%s\n", l, lb)
		}
		t.Fatalf("snakemake failed: %v\n%s\n%s", err, b, tail.String())
	}
	for _, f := range []string{
		"counts/t1.counts", "counts/t2.counts", "reference/reference.niptref",
		"analysis/summary.tsv", "analysis/t2/result.json", "reports/batch.html",
	} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("pipeline output %s missing or empty", f)
		}
	}
	sum, _ := os.ReadFile(filepath.Join(out, "analysis", "summary.tsv"))
	if lines := strings.Count(string(sum), "\n"); lines != 3 {
		t.Errorf("summary.tsv has %d lines, want header + 2 samples:\n%s", lines, sum)
	}
	bq, _ := os.ReadFile(filepath.Join(out, "analysis", "batch_qc.tsv"))
	if strings.Count(string(bq), "too_few_samples") != 22 || strings.Count(string(bq), "\nFC1\t") != 22 {
		t.Errorf("batch_qc.tsv does not show the qc_config's batch correction of run FC1:\n%s", bq)
	}
	for s, want := range map[string]string{"t1": `"pregnancy": "singleton"`, "t2": `"pregnancy": "twin"`} {
		if js, _ := os.ReadFile(filepath.Join(out, "analysis", s, "result.json")); !strings.Contains(string(js), want) {
			t.Errorf("%s/result.json does not say %s", s, want)
		}
	}
	// The batch waits in the review database under the output directory's name.
	st, err := store.Open(reviewDB)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Batch(context.Background(), "batch")
	st.Close()
	if err != nil || b.Samples != 2 || b.Pending() != 2 {
		t.Errorf("review database: %+v, %v", b, err)
	}
	c, err := counts.ReadHeaderFile(filepath.Join(out, "counts", "t1.counts"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Runs) != 1 || c.Runs[0] != "FC1" {
		t.Errorf("t1.counts: runs %q, want [FC1]", c.Runs)
	}
}

func run(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
}
