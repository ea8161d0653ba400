package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/simulate"
)

// runSimulateCLI runs nipt simulate in-process and returns the exit code.
func runSimulateCLI(t *testing.T, args ...string) int {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newSimulateCommand())
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{"--quiet", "simulate"}, args...))
	return exitCode(root.Execute())
}

func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s1.counts")
	if code := runSimulateCLI(t, "sample", "-o", out, "--reads", "50000", "--paired", "--trisomy", "21", "--seed", "4"); code != 0 {
		t.Fatalf("sample counts: exit %d", code)
	}
	c, err := counts.ReadFile(out)
	if err != nil || c.Header.Sample != "s1" || !c.Header.Paired || c.Header.Build != genome.GRCh38.Name || c.Header.QC.Kept < 40000 {
		t.Fatalf("counts %v: %+v", err, c.Header)
	}
	bam := filepath.Join(dir, "s2.bam")
	if code := runSimulateCLI(t, "sample", "-o", bam, "--reads", "20000", "--build", "hg19", "--sca", "47,XXY", "--cnv", "chr5:1000000-9000000:loss:fetal"); code != 0 {
		t.Fatalf("sample bam: exit %d", code)
	}
	for _, f := range []string{bam, bam + ".bai"} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s missing: %v", f, err)
		}
	}
	spec := filepath.Join(dir, "spec.tsv")
	os.WriteFile(spec, []byte("sample\tff\treads\ttrisomy\nA\t0.1\t30000\t\nB\t0.2\t30000\t18\n"), 0o644)
	cohort := filepath.Join(dir, "cohort")
	if code := runSimulateCLI(t, "cohort", "--spec", spec, "-o", cohort, "--seed", "3"); code != 0 {
		t.Fatalf("cohort: exit %d", code)
	}
	for _, f := range []string{"A.counts", "B.counts", "truth.tsv", "truth.json", "cohort.tsv", "genome.bins"} {
		if _, err := os.Stat(filepath.Join(cohort, f)); err != nil {
			t.Errorf("cohort file %s: %v", f, err)
		}
	}
	params := filepath.Join(dir, "params.json")
	os.WriteFile(params, []byte(`{"dup_rate": 0.1, "read_length": 36}`), 0o644)
	pc := filepath.Join(dir, "pcohort")
	if code := runSimulateCLI(t, "cohort", "--spec", spec, "-o", pc, "--params", params, "--read-length", "75"); code != 0 {
		t.Fatalf("cohort with --params: exit %d", code)
	}
	var tj simulate.Truth
	js, _ := os.ReadFile(filepath.Join(pc, "truth.json"))
	if err := json.Unmarshal(js, &tj); err != nil || tj.Params.DupRate != 0.1 || tj.Params.ReadLength != 75 {
		t.Errorf("truth.json params: %v, dup %v, read length %v (want 0.1 from the file, 75 from the flag)", err, tj.Params.DupRate, tj.Params.ReadLength)
	}
	for name, tc := range map[string]struct {
		args []string
		code int
	}{
		"no output":       {[]string{"sample"}, 2},
		"bad format":      {[]string{"sample", "-o", out, "--format", "cram"}, 2},
		"sca vs sex":      {[]string{"sample", "-o", out, "--sca", "47,XXY", "--fetal-sex", "female"}, 2},
		"bad cnv":         {[]string{"sample", "-o", out, "--cnv", "chr5:9-1:loss:fetal"}, 2},
		"bad build":       {[]string{"sample", "-o", out, "--build", "mm10"}, 2},
		"missing annot":   {[]string{"sample", "-o", out, "--annotation", filepath.Join(dir, "none.bins")}, 1},
		"spec and preset": {[]string{"cohort", "--spec", spec, "--preset", "demo", "-o", cohort}, 2},
		"unknown preset":  {[]string{"cohort", "--preset", "big", "-o", cohort}, 2},
		"missing spec":    {[]string{"cohort", "--spec", filepath.Join(dir, "none.tsv"), "-o", cohort}, 1},
		"no directory":    {[]string{"cohort", "--preset", "demo"}, 2},
		"missing params":  {[]string{"sample", "-o", out, "--params", filepath.Join(dir, "none.json")}, 1},
	} {
		if code := runSimulateCLI(t, tc.args...); code != tc.code {
			t.Errorf("%s: exit %d, want %d", name, code, tc.code)
		}
	}
}

// TestSimulateCountsMatchesCount: nipt simulate sample --format counts
// writes the bins and the whole QC block that nipt count (default flags)
// writes for the BAM of the same seed. internal/simulate tests the SE,
// PE and unflagged-duplicate cases in depth; this checks the commands.
func TestSimulateCountsMatchesCount(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "S.counts")
	bam := filepath.Join(dir, "S.bam")
	cnt := filepath.Join(dir, "S.from-bam.counts")
	args := []string{"sample", "--reads", "20000", "--paired", "--ff", "0.1", "--seed", "9"}
	if code := runSimulateCLI(t, append(args, "-o", sim)...); code != 0 {
		t.Fatalf("simulate counts: exit %d", code)
	}
	if code := runSimulateCLI(t, append(args, "-o", bam)...); code != 0 {
		t.Fatalf("simulate bam: exit %d", code)
	}
	if code, _ := runCountCLI(t, "count", "-q", bam, "-o", cnt); code != 0 {
		t.Fatalf("count: exit %d", code)
	}
	want, err := counts.ReadFile(sim)
	if err != nil {
		t.Fatal(err)
	}
	got, err := counts.ReadFile(cnt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Reads, want.Reads) || !slices.Equal(got.Short, want.Short) {
		t.Error("bin counts differ")
	}
	if !reflect.DeepEqual(got.Header.QC, want.Header.QC) {
		t.Errorf("QC block differs:\nnipt count:        %+v\nsimulate (counts): %+v", got.Header.QC, want.Header.QC)
	}
	if len(want.Header.QC.Dropped) != len(count.Reasons) || want.Header.QC.Dropped["mate"] == 0 || want.Header.QC.Dropped["duplicate"] == 0 {
		t.Errorf("dropped %v: want all %d reasons of nipt count, mates and duplicates non-zero", want.Header.QC.Dropped, len(count.Reasons))
	}
}
