package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
)

const header = "sample\trole\tfetal_sex\tff\treads\tpaired\tcnvs\tbatch\n"

func design(t *testing.T, rows ...string) []change {
	t.Helper()
	chs, err := readDesign(strings.NewReader(header+strings.Join(rows, "\n")+"\n"), "test.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return chs
}

func TestReadDesign(t *testing.T) {
	chs := design(t, "A\ttest\tfemale\t0.1\t4000000\t1\tchr5:10000000-20000000:loss:fetal\trun1")
	want := change{name: "A", ff: 0.1, reads: 4e6, chrom: 4, start: 10_000_000, end: 20_000_000, gain: false}
	if len(chs) != 1 || chs[0] != want {
		t.Fatalf("got %+v, want %+v", chs, want)
	}
	for _, bad := range []string{
		"A\ttest\tfemale\tx\t4000000\t1\tchr5:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:20-10:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchrZ:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:1-2:dup\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:1-2:gain;chr6:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1",
	} {
		if _, err := readDesign(strings.NewReader(header+bad+"\n"), "bad.tsv"); err == nil || !strings.Contains(err.Error(), "bad.tsv:2") {
			t.Errorf("%q: got error %v, want one naming bad.tsv:2", bad, err)
		}
	}
}

func mustBound(t *testing.T, l *genome.Layout, usable []int, chs []change, s setting) result {
	t.Helper()
	r, err := bound(l, usable, chs, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBound: the idealised scan finds a change whose expected z is far
// above its threshold every time, one far below it almost never, and
// finds fewer as the noise it is told rises; the output is deterministic.
func TestBound(t *testing.T) {
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	usable := usableBins(nil, l)
	base := setting{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 2, Seed: 3}
	// 15 Mb at FF 20% and 5 M pairs: depth z ≈ 13. 5 Mb at FF 2% and
	// 2 M pairs: z ≈ 0.5.
	easy := design(t, "E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1")
	hard := design(t, "H\ttest\tfemale\t0.02\t2000000\t1\tchr2:50000000-55000000:loss:fetal\trun1")
	if r := mustBound(t, l, usable, easy, base); r.found != 2 || r.samples != 2 {
		t.Errorf("easy change: found %d of %d", r.found, r.samples)
	}
	null := base
	null.Null = true
	if r := mustBound(t, l, usable, easy, null); r.found != 0 {
		t.Errorf("a change left out was found %d times", r.found)
	}
	if r := mustBound(t, l, usable, hard, base); r.found != 0 {
		t.Errorf("change far below the threshold found %d of %d times", r.found, r.samples)
	}
	// An edge case (depth z ≈ 4.4 at Poisson) across draws: more noise,
	// fewer found.
	edge := design(t, "M\ttest\tfemale\t0.1\t4000000\t1\tchr3:60000000-67000000:gain:fetal\trun1")
	lo, hi := base, base
	lo.Draws, hi.Draws = 40, 40
	hi.Excess = 1.3
	rl, rh := mustBound(t, l, usable, edge, lo), mustBound(t, l, usable, edge, hi)
	if !(rl.found > rh.found+5) {
		t.Errorf("found %d/40 at Poisson noise and %d/40 at 1.3×: want clearly fewer with more noise", rl.found, rh.found)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "d.tsv")
	if err := os.WriteFile(path, []byte(header+"E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := run("", path, base, &a); err != nil {
		t.Fatal(err)
	}
	if err := run("", path, base, &b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || !strings.HasPrefix(a.String(), "recall 2/2 = 100.0%") {
		t.Errorf("outputs %q and %q: want the same, recall 2/2", a.String(), b.String())
	}
	if err := run("", path, setting{Draws: 0}, &a); err == nil {
		t.Error("a bad setting was accepted")
	}
}

// writeBins writes an analysis directory's bins.tsv for sample id: every
// bin of chromosomes 1–3, log2 ratio lev inside [from, to) of chr2 and 0
// elsewhere, plus Gaussian noise of SD sigma (z = log2 ratio / sigma);
// the bin at masked is marked masked.
func writeBins(t *testing.T, dir, id string, l *genome.Layout, lev, sigma float64, from, to, masked int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, id), 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	var b strings.Builder
	b.WriteString("chrom\tstart\tend\tratio\tz\tmasked\n")
	for j := 0; j < l.Offset[3]; j++ {
		c, s, e := l.Locate(j)
		x := sigma * r.NormFloat64()
		if c == 1 && s >= from && e <= to {
			x += lev
		}
		m := 0
		if j == masked {
			m, x = 1, 5
		}
		fmt.Fprintf(&b, "%s\t%d\t%d\t%.6f\t%.4f\t%d\n", genome.ChromName(c), s, e, math.Exp2(x), x/sigma, m)
	}
	if err := os.WriteFile(filepath.Join(dir, id, "bins.tsv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplay: the scan reads a sample's normalised bins from an analysis
// directory; a clear change there is found (with the idealised and with
// the file's own SDs), flat bins give no call, a masked bin is not read,
// and a missing sample is an error naming its file.
func TestReplay(t *testing.T) {
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	usable := usableBins(nil, l)
	dir := t.TempDir()
	// 15 Mb gain at FF 20% (log2 1.1) with the Poisson SD of 5 M pairs.
	chs := design(t, "E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1")
	sigma := 1 / (math.Ln2 * math.Sqrt(5e6*0.845/float64(len(usable))))
	masked := l.Offset[1] + 30
	writeBins(t, dir, "E", l, math.Log2(1.1), sigma, 50_000_000, 65_000_000, masked)
	// The pipeline's SDs: bins.tsv's z is x/(σ_j·g·κ(1)); a reference
	// whose σ_j is the bins' SD over g = 1.3 must give them back.
	g, k1 := 1.3, 1.05
	ref := &refset.Reference{Sigma: make([]float64, l.NumBins()), Meta: refset.Meta{KappaSizes: []int{1, 64}, KappaValues: []float64{k1, 1.1}}}
	for j := range ref.Sigma {
		ref.Sigma[j] = sigma / (g * k1)
	}
	for _, own := range []bool{false, true} {
		s := setting{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 1, Seed: 3, Replay: dir, PipelineSD: own, ref: ref}
		r := mustBound(t, l, usable, chs, s)
		if r.found != 1 || r.other != 0 {
			t.Errorf("pipeline SD %v: found %d, other calls %d; want the change alone", own, r.found, r.other)
		}
		if len(r.blockSD) != 1 || math.Abs(r.blockSD[0]-1) > 0.15 {
			t.Errorf("pipeline SD %v: block noise %v, want 1 ± 0.15", own, r.blockSD)
		}
	}
	x := make([]float64, l.NumBins())
	sd := make([]float64, l.NumBins())
	s := setting{Replay: dir, PipelineSD: true, ref: ref}
	mask := make([]bool, l.NumBins())
	for _, j := range usable {
		mask[j] = true
	}
	if err := replayBins(s, chs[0], l, mask, 1, x, sd); err != nil {
		t.Fatal(err)
	}
	j := l.Offset[1] + 100
	if want := sigma / k1; math.Abs(sd[j]/want-1) > 1e-3 {
		t.Errorf("pipeline SD of bin %d: %.5f, want σ_j·g = %.5f", j, sd[j], want)
	}
	writeBins(t, dir, "E", l, 0, sigma, 50_000_000, 65_000_000, masked)
	s = setting{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 1, Seed: 3, Replay: dir}
	if r := mustBound(t, l, usable, chs, s); r.found != 0 || r.other != 0 {
		t.Errorf("flat bins: found %d, other calls %d; want none", r.found, r.other)
	}
	s.Replay = filepath.Join(dir, "none")
	if _, err := bound(l, usable, chs, s); err == nil || !strings.Contains(err.Error(), filepath.Join("none", "E", "bins.tsv")) {
		t.Errorf("missing sample: error %v, want one naming its bins.tsv", err)
	}
}

// TestBlockNoise: white Gaussian bins with their true SD read 1 within
// sampling error; noise shared by runs of 16 neighbouring bins reads as
// the excess it adds at 64-bin scale.
func TestBlockNoise(t *testing.T) {
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, l.NumBins())
	sd := make([]float64, l.NumBins())
	shared := 0.0
	for j := range x {
		if j%16 == 0 {
			shared = 0.25 * r.NormFloat64()
		}
		x[j], sd[j] = r.NormFloat64(), 1
	}
	// ≈ 440 blocks: the robust SD has a standard error of ≈ 5.5%.
	if got := blockNoise(l, x, sd, 64); math.Abs(got-1) > 0.12 {
		t.Errorf("white noise: block noise %.3f, want 1 ± 0.12", got)
	}
	for j := range x {
		if j%16 == 0 {
			shared = 0.25 * r.NormFloat64()
		}
		x[j] += shared
	}
	// Variance per block: 64 + 4·16²·0.0625 = 128 against 64: √2.
	if got := blockNoise(l, x, sd, 64); math.Abs(got-math.Sqrt2) > 0.17 {
		t.Errorf("shared noise: block noise %.3f, want √2 ± 0.17", got)
	}
	for j := range sd {
		sd[j] = 0 // no usable bin
	}
	if got := blockNoise(l, x, sd, 64); !math.IsNaN(got) {
		t.Errorf("no usable bins: %v, want NaN", got)
	}
}

// TestReadEstimates: the prior is the estimate with a quarter of its
// interval's width over 1.96 as SE; samples without an estimate (NA) are
// left out; a table without the columns is an error naming it.
func TestReadEstimates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.tsv")
	body := "sample\tqc_status\tff\tff_low\tff_high\nA\tpass\t0.1000\t0.0608\t0.1392\nB\tfail\tNA\tNA\tNA\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readEstimates(path)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := got["A"]; !ok || a.Value != 0.1 || math.Abs(a.SE-0.02) > 1e-9 {
		t.Errorf("A: %+v (found %v), want 0.1 with SE 0.02", a, ok)
	}
	if _, ok := got["B"]; ok || len(got) != 1 {
		t.Errorf("got %v, want A alone", got)
	}
	if err := os.WriteFile(path, []byte("sample\tff\nA\t0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readEstimates(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("missing columns: error %v, want one naming %s", err, path)
	}
}

// TestReplayOptions: the pipeline's SD and short track need the
// analysis's reference, and the replay options need -replay.
func TestReplayOptions(t *testing.T) {
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	chs := design(t, "E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1")
	writeBins(t, dir, "E", l, 0, 0.1, 0, 0, -1)
	for _, s := range []setting{
		{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 1, Replay: dir, PipelineSD: true},
		{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 1, Replay: dir, Counts: dir},
	} {
		if _, err := bound(l, usableBins(nil, l), chs, s); err == nil || !strings.Contains(err.Error(), "-ref") {
			t.Errorf("%+v without a reference: error %v, want one asking for -ref", s, err)
		}
	}
	path := filepath.Join(dir, "d.tsv")
	if err := os.WriteFile(path, []byte(header+"E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run("", path, setting{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 1, EstimatedFF: true}, &out); err == nil || !strings.Contains(err.Error(), "-replay") {
		t.Errorf("-estimated-ff without -replay: error %v, want one asking for -replay", err)
	}
}
