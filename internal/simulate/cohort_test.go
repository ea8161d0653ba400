package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
)

const testSpec = "sample\trole\tfetal_sex\tff\treads\tpaired\ttrisomy\tcnvs\tbatch\tformat\n" +
	"R1\treference\tfemale\t0.1\t40000\t1\t\t\tA\t\n" +
	"R2\treference\tmale\t0.12\t40000\t1\t\t\tB\t\n" +
	"T1\ttest\tmale\t0.08\t40000\t1\t21\t\tA\t\n" +
	"T2\ttest\tfemale\t0.15\t40000\t0\t\tchr5:10000000-20000000:loss:fetal\tB\tbam\n" +
	"T3\ttest\t\t0.05\t40000\t1\t\tchr21:20000000-23000000:gain:maternal\tA\t\n"

func runTestCohort(t *testing.T, ls *Landscape, threads int) string {
	t.Helper()
	ss, err := ReadSpec(strings.NewReader(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "cohort")
	_, err = ls.RunCohort(context.Background(), CohortOptions{Samples: ss, Dir: dir, Format: FormatCounts,
		Threads: threads, Seed: 5, Command: "test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCohort: files, truth, determinism across thread counts, and
// reproduction from the written cohort.tsv.
func TestCohort(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	d1 := runTestCohort(t, ls, 1)
	d3 := runTestCohort(t, ls, 3)
	want := []string{"R1.counts", "R2.counts", "T1.counts", "T2.bam", "T2.bam.bai", "T3.counts",
		CohortTSV, GenomeBins, TruthJSON, TruthTSV}
	entries, _ := os.ReadDir(d1)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("cohort files %v, want %v", got, want)
	}
	for _, name := range want {
		a, _ := os.ReadFile(filepath.Join(d1, name))
		b, _ := os.ReadFile(filepath.Join(d3, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 3 threads", name)
		}
	}
	// truth.tsv reads back; its samples carry the realised values.
	truth, err := ReadSpecFile(filepath.Join(d1, TruthTSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(truth) != 5 || truth[2].Trisomy != 21 || truth[4].FetalSex != Female || truth[3].CNVs[0].String() != "chr5:10000000-20000000:loss:fetal" {
		t.Errorf("truth samples %+v", truth)
	}
	var tj Truth
	js, _ := os.ReadFile(filepath.Join(d1, TruthJSON))
	if err := json.Unmarshal(js, &tj); err != nil {
		t.Fatal(err)
	}
	if len(tj.Samples) != 5 || tj.Samples[0].File != "R1.counts" || tj.Samples[0].Kept == 0 || tj.Params.DupRate != ls.Params.DupRate || tj.CohortSeed != 5 {
		t.Errorf("truth.json: %+v", tj.Samples[0])
	}
	if a, err := annotation.ReadFile(filepath.Join(d1, GenomeBins)); err != nil || a.Layout.BinSize != 100_000 {
		t.Errorf("genome.bins: %v", err)
	}
	// A counts file equals the in-memory simulation of its resolved sample,
	// and the kept total is what truth.tsv reports.
	c, err := counts.ReadFile(filepath.Join(d1, "T1.counts"))
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := ReadSpecFile(filepath.Join(d1, CohortTSV))
	if err := ResolveCohort(ss, &ls.Params, 12345); err != nil { // seeds come from the file
		t.Fatal(err)
	}
	c2 := countsOf(t, ls, &ss[2])
	if !slices.Equal(c.Reads, c2.Reads) || !slices.Equal(c.Short, c2.Short) {
		t.Error("counts differ from a re-simulation of cohort.tsv")
	}
	if c.Header.QC.Kept != tj.Samples[2].Kept || c.Header.Sample != "T1" || !c.Header.Paired {
		t.Errorf("header kept %d sample %s, truth kept %d", c.Header.QC.Kept, c.Header.Sample, tj.Samples[2].Kept)
	}
}

func TestCohortErrors(t *testing.T) {
	ls := testLandscape(t, 100_000)
	bad := []Sample{{ID: "a", Reads: 1e6, Trisomy: 30}}
	if _, err := ls.RunCohort(context.Background(), CohortOptions{Samples: bad, Dir: t.TempDir(), Format: FormatCounts}); err == nil {
		t.Error("trisomy 30 accepted")
	}
	twice := []Sample{{ID: "a", Reads: 1e5}, {ID: "a", Reads: 1e5}}
	if _, err := ls.RunCohort(context.Background(), CohortOptions{Samples: twice, Dir: t.TempDir(), Format: FormatCounts}); err == nil {
		t.Error("duplicate sample IDs accepted")
	}
	if _, err := ls.RunCohort(context.Background(), CohortOptions{Samples: []Sample{{ID: "a", Reads: 1e5}}, Dir: t.TempDir(), Format: "sam"}); err == nil {
		t.Error("format sam accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "x")
	good := []Sample{{ID: "a", Reads: 1e5}, {ID: "b", Reads: 1e5}}
	if _, err := ls.RunCohort(ctx, CohortOptions{Samples: good, Dir: dir, Format: FormatCounts}); err == nil {
		t.Error("cancelled run succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, TruthTSV)); err == nil {
		t.Error("truth written for a failed run")
	}
}

func TestPresets(t *testing.T) {
	v, err := Preset("validation", 1)
	if err != nil {
		t.Fatal(err)
	}
	p := Default()
	if err := ResolveCohort(v, &p, 1); err != nil {
		t.Fatal(err)
	}
	m := summarisePreset(v)
	if m["reference"] < 60 || len(v)-m["reference"] < 100 {
		t.Errorf("validation: %d references, %d tests", m["reference"], len(v)-m["reference"])
	}
	for _, k := range []string{"T21", "T18", "T13", "T16", "T7", "mosaic", "sca", "fetal_cnv", "maternal_cnv", "low_ff", "euploid"} {
		if m[k] == 0 {
			t.Errorf("validation preset lacks %s (%v)", k, m)
		}
	}
	ffs := map[int][]float64{}
	sexes, batches, scas := map[string]int{}, map[string]bool{}, map[string]bool{}
	mat21 := false
	for _, s := range v {
		if s.Reads < 3_000_000 || s.Reads > 5_000_000 || !s.Paired {
			t.Errorf("%s: %d reads, paired=%v", s.ID, s.Reads, s.Paired)
		}
		if s.Trisomy > 0 && s.Mosaic == 1 {
			ffs[s.Trisomy] = append(ffs[s.Trisomy], s.FF)
		}
		sexes[s.FetalSex]++
		batches[s.Batch] = true
		scas[s.SCA] = true
		for _, c := range s.CNVs {
			if c.Origin == CNVFetal && c.End-c.Start < 5_000_000 {
				t.Errorf("%s: fetal CNV %s under 5 Mb", s.ID, c)
			}
			if c.Chrom == 20 && c.Origin != CNVFetal && s.Trisomy == 0 {
				mat21 = true
			}
		}
	}
	for _, chrom := range []int{21, 18, 13} {
		f := ffs[chrom]
		if slices.Min(f) > 0.02 || slices.Max(f) < 0.20 {
			t.Errorf("T%d FFs %v do not span 2–20 %%", chrom, f)
		}
	}
	if len(scas) != 5 || sexes[Male] < 50 || sexes[Female] < 50 || len(batches) < 3 || !mat21 {
		t.Errorf("validation: SCAs %v, sexes %v, batches %d, maternal chr21 CNV %v", scas, sexes, len(batches), mat21)
	}
	d, _ := Preset("demo", 1)
	if err := ResolveCohort(d, &p, 1); err != nil {
		t.Fatal(err)
	}
	dm := summarisePreset(d)
	bams := 0
	for _, s := range d {
		if s.Format == FormatBAM {
			bams++
			if s.Reads > 4_000_000 { // keeps nipt demo fast
				t.Errorf("demo BAM %s has %d reads", s.ID, s.Reads)
			}
		}
	}
	if dm["reference"] < 25 || len(d)-dm["reference"] < 7 || bams < 2 || dm["T21"] == 0 || dm["sca"] == 0 || dm["low_ff"] == 0 || dm["fetal_cnv"] == 0 {
		t.Errorf("demo preset %v with %d BAMs", dm, bams)
	}
	if _, err := Preset("huge", 1); err == nil {
		t.Error("unknown preset accepted")
	}
	// The preset design is fixed, the seed changes its free values.
	v2, _ := Preset("validation", 2)
	if len(v2) != len(v) || v2[0].FF == v[0].FF && v2[1].FF == v[1].FF && v2[2].FF == v[2].FF {
		t.Error("seed does not change the preset's free values")
	}
}

// TestExtraReferences: extra references are euploid reference samples
// drawn like the preset's, deterministic for a seed, with IDs that cannot
// collide with the preset's, and a cohort with them resolves; the preset
// itself does not depend on them.
func TestExtraReferences(t *testing.T) {
	x := ExtraReferences(1, 40)
	if len(x) != 40 || len(ExtraReferences(1, 0)) != 0 || len(ExtraReferences(1, -3)) != 0 {
		t.Fatalf("%d extra references for 40", len(x))
	}
	sexes := map[string]int{}
	for i, s := range x {
		if s.Role != RoleReference || s.Trisomy != 0 || s.SCA != "" || len(s.CNVs) != 0 || !s.Paired ||
			s.Reads < 3_000_000 || s.Reads > 5_000_000 || s.FF < 0.04 || s.FF > 0.25 || !strings.HasPrefix(s.ID, "XREF") {
			t.Errorf("extra reference %d: %+v", i, s)
		}
		sexes[s.FetalSex]++
	}
	// 40 fair coin flips: each sex at least 8 times fails with p < 1e-4.
	if sexes[Male] < 8 || sexes[Female] < 8 {
		t.Errorf("fetal sexes %v", sexes)
	}
	if !reflect.DeepEqual(x, ExtraReferences(1, 40)) || reflect.DeepEqual(x, ExtraReferences(2, 40)) {
		t.Error("extra references not determined by the seed")
	}
	v, err := Preset("validation", 1)
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]Sample(nil), v...), x...)
	p := Default()
	if err := ResolveCohort(all, &p, 1); err != nil {
		t.Fatalf("preset with extra references: %v", err)
	}
	again, _ := Preset("validation", 1)
	if !reflect.DeepEqual(again, v) {
		t.Error("the preset changed")
	}
}
